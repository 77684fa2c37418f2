"""Query evaluation inside a worker process: a second guard, the result cap and result formats.

The server checks every query with ``hngraph.sparql.text.check`` before it reaches a worker. Here
the worker runs that guard's parse step (``parsed_refusal``: rdflib's SPARQL grammar, refusing a
SERVICE pattern, a dataset clause or an update) again on the very text it evaluates, right before
pyoxigraph (which would fetch a SERVICE target over HTTP) sees it.

Results are collected up to ``max_rows + 1``: more than ``max_rows`` is an error, never a cut
result; so is a serialised body of more than ``max_bytes``. Serialisation goes through
pyoxigraph's own writers.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from itertools import islice

import pyoxigraph as ox

from hngraph.rdf.formats import FORMATS, RESOURCE_FORMATS
from hngraph.rdf.serialize import RDF_LANGSTRING, XSD_STRING, serialize_triples

RESULT_FORMATS = {
    "json": ("application/sparql-results+json", ox.QueryResultsFormat.JSON),
    "xml": ("application/sparql-results+xml", ox.QueryResultsFormat.XML),
    "csv": ("text/csv; charset=utf-8", ox.QueryResultsFormat.CSV),
    "tsv": ("text/tab-separated-values; charset=utf-8", ox.QueryResultsFormat.TSV),
}
#: CONSTRUCT and DESCRIBE results: the resource formats of ``hngraph.rdf.formats``.
GRAPH_FORMATS = {key: FORMATS[key].content_type for key in RESOURCE_FORMATS}


@dataclass(frozen=True)
class QueryRequest:
    """What the server asks a worker to run."""

    text: str
    form: str  # SELECT, ASK, CONSTRUCT or DESCRIBE (from the server's guard)
    fmt: str  # a key of RESULT_FORMATS or GRAPH_FORMATS
    max_rows: int
    max_bytes: int = 0  # largest body; 0: no limit


@dataclass(frozen=True)
class QueryReply:
    """A worker's answer: a body with its media type, or an HTTP error status and message."""

    status: int
    media_type: str
    body: bytes
    rows: int = 0


def refusal(text: str) -> str | None:
    """Why a parsed query must not run: the parse step of the one guard, ``sparql.text.check``."""
    from hngraph.sparql.text import parsed_refusal

    return parsed_refusal(text)


def error_reply(status: int, message: str) -> QueryReply:
    """A plain-text error reply."""
    return QueryReply(status, "text/plain; charset=utf-8", (message + "\n").encode())


def execute(store: ox.Store, request: QueryRequest) -> QueryReply:
    """Run one checked query against ``store`` and serialise the result within both caps."""
    reply = _execute(store, request)
    if reply.status == 200 and 0 < request.max_bytes < len(reply.body):
        return error_reply(
            422,
            f"the result is larger than {request.max_bytes} bytes, the limit of this endpoint; "
            "nothing is returned rather than a cut result. Narrow the query or add LIMIT "
            "(and OFFSET to page).",
        )
    return reply


def _execute(store: ox.Store, request: QueryRequest) -> QueryReply:
    reason = refusal(request.text)
    if reason is not None:
        return error_reply(400, reason)
    try:
        result = store.query(request.text, use_default_graph_as_union=True)
    except SyntaxError as error:
        return error_reply(400, f"malformed query: {error}")
    if isinstance(result, ox.QueryBoolean):
        return _results(json.dumps({"head": {}, "boolean": bool(result)}).encode(), request, 1)
    if isinstance(result, ox.QuerySolutions):
        names = [v.value for v in result.variables]
        rows = list(islice(result, request.max_rows + 1))
        if len(rows) > request.max_rows:
            return _too_many(request.max_rows)
        bindings = []
        for row in rows:
            binding = {}
            for name in names:
                value = row[name]
                if value is not None:
                    binding[name] = _json_term(value)
            bindings.append(binding)
        document = {"head": {"vars": names}, "results": {"bindings": bindings}}
        return _results(json.dumps(document, ensure_ascii=False).encode(), request, len(rows))
    triples = list(islice(result, request.max_rows + 1))
    if len(triples) > request.max_rows:
        return _too_many(request.max_rows)
    fmt = request.fmt if request.fmt in GRAPH_FORMATS else "ttl"
    return QueryReply(200, GRAPH_FORMATS[fmt], serialize_triples(triples, fmt), len(triples))


def _too_many(cap: int) -> QueryReply:
    return error_reply(
        422,
        f"the result has more than {cap} rows, the limit of this endpoint; nothing is returned "
        "rather than a cut result. Narrow the query or add LIMIT (and OFFSET to page).",
    )


def _results(document: bytes, request: QueryRequest, rows: int) -> QueryReply:
    fmt = request.fmt if request.fmt in RESULT_FORMATS else "json"
    media_type, ox_format = RESULT_FORMATS[fmt]
    if fmt == "json":
        return QueryReply(200, media_type, document, rows)
    parsed = ox.parse_query_results(document, format=ox.QueryResultsFormat.JSON)
    body = parsed.serialize(format=ox_format)
    assert body is not None  # no output given: the bytes are returned
    return QueryReply(200, media_type, body, rows)


def _json_term(term: object) -> dict[str, object]:
    """A term in SPARQL 1.1 Query Results JSON."""
    if isinstance(term, ox.NamedNode):
        return {"type": "uri", "value": term.value}
    if isinstance(term, ox.BlankNode):
        return {"type": "bnode", "value": term.value}
    if isinstance(term, ox.Literal):
        out: dict[str, object] = {"type": "literal", "value": term.value}
        if term.language:
            out["xml:lang"] = term.language
        elif term.datatype not in (XSD_STRING, RDF_LANGSTRING):
            out["datatype"] = term.datatype.value
        return out
    if isinstance(term, ox.Triple):
        return {
            "type": "triple",
            "value": {
                "subject": _json_term(term.subject),
                "predicate": _json_term(term.predicate),
                "object": _json_term(term.object),
            },
        }
    raise TypeError(f"unexpected term {term!r}")
