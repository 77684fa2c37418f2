"""RDF terms, a total order on them, the published formats and a deterministic JSON-LD writer.

Everything here works on pyoxigraph terms. Serialisations are byte-stable: input is sorted first,
and pyoxigraph writes in input order. JSON-LD is written by ``hngraph.rdf.jsonld`` (compacted with a
context derived from the graph, nodes and keys sorted) because generic writers order nodes by hash;
``compact`` is re-exported from there.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import cast

import pyoxigraph as ox

from hngraph.rdf.convert import term_key
from hngraph.rdf.formats import FORMATS
from hngraph.rdf.jsonld import Context, derive_context, document, dumps
from hngraph.rdf.jsonld import compact as compact
from hngraph.vocab import RDF_NS, TURTLE_PREFIXES, XSD_NS

RDF_TYPE = ox.NamedNode(RDF_NS + "type")
XSD_STRING = ox.NamedNode(XSD_NS + "string")
RDF_LANGSTRING = ox.NamedNode(RDF_NS + "langString")

Term = ox.NamedNode | ox.BlankNode | ox.Literal


def iri(value: str) -> ox.NamedNode:
    """A named node."""
    return ox.NamedNode(value)


def triple_key(triple: ox.Triple) -> tuple:
    """Sort key of a triple (subject, predicate, object)."""
    return (term_key(triple.subject), term_key(triple.predicate), term_key(triple.object))


def quad_key(quad: ox.Quad) -> tuple:
    """Sort key of a quad: graph first, so each named graph is one block."""
    return (
        term_key(quad.graph_name),
        term_key(quad.subject),
        term_key(quad.predicate),
        term_key(quad.object),
    )


def sorted_triples(triples: Iterable[ox.Triple]) -> list[ox.Triple]:
    """Distinct triples in canonical order."""
    return sorted(set(triples), key=triple_key)


#: Line-based formats that get no comment header: Debian's raptor (``rapper``) reads an N-Triples
#: or N-Quads file whose comment holds an apostrophe as 0 triples and exits 0, so these dumps hold
#: statements only (their provenance is in ``void.ttl`` and the Turtle-family dumps).
UNCOMMENTED = frozenset({"nt", "nq"})


def comment_header(text: str) -> bytes:
    """``# ``-prefixed comment lines, for the formats that allow comments."""
    return "".join(f"# {line}\n" if line else "#\n" for line in text.splitlines()).encode()


def serialize_triples(triples: Iterable[ox.Triple], key: str, header: str = "") -> bytes:
    """Triples in format ``key`` (not a dataset format), byte-stable."""
    ordered = sorted_triples(triples)
    if key == "jsonld":
        return jsonld_bytes(ordered)
    # with no output file, ox.serialize returns the bytes (typed ``bytes | None``)
    body = cast(
        bytes,
        ox.serialize(ordered, format=FORMATS[key].oxigraph, prefixes=_prefixes_for(key, ordered)),
    )
    return _with_header(_sorted_lines(body, key), key, header)


def serialize_quads(quads: Iterable[ox.Quad], key: str, header: str = "") -> bytes:
    """Quads in a dataset format (``nq`` or ``trig``), byte-stable."""
    ordered = sorted(set(quads), key=quad_key)
    # with no output file, ox.serialize returns the bytes (typed ``bytes | None``)
    body = cast(
        bytes,
        ox.serialize(ordered, format=FORMATS[key].oxigraph, prefixes=_prefixes_for(key, ordered)),
    )
    return _with_header(_sorted_lines(body, key), key, header)


def _sorted_lines(body: bytes, key: str) -> bytes:
    """N-Triples / N-Quads lines in byte order, as ``LC_ALL=C sort`` gives them (other formats
    unchanged): one statement per line, since line breaks inside literals are escaped."""
    if key not in {"nt", "nq"} or not body:
        return body
    return b"\n".join(sorted(body.rstrip(b"\n").split(b"\n"))) + b"\n"


def _prefixes_for(key: str, statements: Iterable[ox.Triple | ox.Quad]) -> dict[str, str] | None:
    """The Turtle-family prefixes that ``statements`` use (none for line-based formats)."""
    if key not in {"ttl", "trig", "rdf"}:
        return None
    values: set[str] = set()
    for statement in statements:
        for term in (statement.subject, statement.predicate, statement.object):
            if isinstance(term, ox.NamedNode):
                values.add(term.value)
            elif isinstance(term, ox.Literal):
                values.add(term.datatype.value)
    return {
        name: namespace
        for name, namespace in TURTLE_PREFIXES.items()
        if any(value.startswith(namespace) for value in values)
    }


def _with_header(body: bytes, key: str, header: str) -> bytes:
    if not header or key in UNCOMMENTED:
        return body
    if key == "rdf":
        declaration, _, rest = body.partition(b"\n")
        comment = header.replace("--", "- -")
        return declaration + b"\n<!--\n" + comment.encode() + b"\n-->\n" + rest
    return comment_header(header) + b"\n" + body


# --- JSON-LD (the context rule and the writer are in ``hngraph.rdf.jsonld``) ------------------


def jsonld_document(
    triples: Iterable[ox.Triple], context: Context | None = None
) -> dict[str, object]:
    """Triples as a compacted JSON-LD document (``@graph`` of node objects, sorted), with the
    terms of ``context`` (default: derived from the triples) that it uses embedded."""
    triples = list(triples)
    return document(triples, context or derive_context(triples))


def jsonld_bytes(triples: Iterable[ox.Triple]) -> bytes:
    """A JSON-LD document as UTF-8 bytes, indented, keys sorted, ending in a newline."""
    return (dumps(jsonld_document(triples)) + "\n").encode()


def jsonld_for_html(triples: Iterable[ox.Triple], context: Context | None = None) -> str:
    """JSON-LD text safe to place inside ``<script type="application/ld+json">``."""
    text = dumps(jsonld_document(triples, context))
    return text.replace("&", "\\u0026").replace("<", "\\u003c").replace(">", "\\u003e")
