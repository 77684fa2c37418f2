"""RDF terms, a total order on them, the published formats and a deterministic JSON-LD writer.

Everything here works on pyoxigraph terms. Serialisations are byte-stable: input is sorted first,
and pyoxigraph writes in input order. JSON-LD is written by ``jsonld_bytes`` (compacted with the
published context, nodes and keys sorted) because generic writers order nodes by hash.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from functools import lru_cache
from typing import Any, cast

import pyoxigraph as ox

from hngraph.rdf.convert import term_key
from hngraph.rdf.formats import FORMATS
from hngraph.vocab import PREFIXES, RDF_NS, TURTLE_PREFIXES, XSD_NS

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


# --- JSON-LD ---------------------------------------------------------------------------------


def jsonld_context() -> dict[str, object]:
    """The published ``@context``: the project's prefixes, nothing that changes meaning."""
    return {"@context": dict(PREFIXES)}


@lru_cache(maxsize=65536)
def compact(value: str) -> str:
    """``prefix:local`` where a prefix fits and the local part is safe, else the IRI itself."""
    best = ""
    for name, namespace in PREFIXES.items():
        if value.startswith(namespace) and len(namespace) > len(PREFIXES.get(best, "")):
            best = name
    if not best:
        return value
    local = value[len(PREFIXES[best]) :]
    if not local or local.startswith("//"):
        return value
    return f"{best}:{local}"


def _jsonld_value(term: Term) -> dict[str, str]:
    if isinstance(term, ox.NamedNode):
        return {"@id": compact(term.value)}
    if isinstance(term, ox.BlankNode):
        return {"@id": f"_:{term.value}"}
    if term.language:
        return {"@value": term.value, "@language": term.language}
    if term.datatype == XSD_STRING:
        return {"@value": term.value}
    return {"@value": term.value, "@type": compact(term.datatype.value)}


def jsonld_document(triples: Iterable[ox.Triple]) -> dict[str, object]:
    """Triples as a compacted JSON-LD document (``@graph`` of node objects, sorted)."""
    # a node object: "@id" -> str, "@type" -> list[str], each property -> list[dict[str, str]]
    nodes: dict[tuple, dict[str, Any]] = {}
    for triple in sorted_triples(triples):
        subject = triple.subject
        node = nodes.get(term_key(subject))
        if node is None:
            # the published data holds no RDF-star triple terms: a non-IRI subject is a blank node
            ident = (
                subject.value
                if isinstance(subject, ox.NamedNode)
                else f"_:{cast(ox.BlankNode, subject).value}"
            )
            node = {"@id": compact(ident) if isinstance(subject, ox.NamedNode) else ident}
            nodes[term_key(subject)] = node
        if triple.predicate == RDF_TYPE and isinstance(triple.object, ox.NamedNode):
            node.setdefault("@type", []).append(compact(triple.object.value))
        else:
            values = node.setdefault(compact(triple.predicate.value), [])
            values.append(_jsonld_value(cast(Term, triple.object)))
    graph = []
    for key in sorted(nodes):
        node = nodes[key]
        ordered = {"@id": node["@id"]}
        if "@type" in node:
            ordered["@type"] = node["@type"]
        for name in sorted(k for k in node if not k.startswith("@")):
            ordered[name] = node[name]
        graph.append(ordered)
    return {"@context": jsonld_context()["@context"], "@graph": graph}


def jsonld_bytes(triples: Iterable[ox.Triple]) -> bytes:
    """A JSON-LD document as UTF-8 bytes, indented, ending in a newline."""
    return (json.dumps(jsonld_document(triples), ensure_ascii=False, indent=1) + "\n").encode()


def jsonld_for_html(triples: Iterable[ox.Triple]) -> str:
    """JSON-LD text safe to place inside ``<script type="application/ld+json">``."""
    text = json.dumps(jsonld_document(triples), ensure_ascii=False, indent=1)
    return text.replace("&", "\\u0026").replace("<", "\\u003c").replace(">", "\\u003e")
