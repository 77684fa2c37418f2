"""The reference backend: rdflib's own SPARQL engine over an in-memory graph.

Slow but independent of pyoxigraph; tests run every catalogue query on it and compare.
Parameters go in as rdflib ``initBindings`` (a different route from the VALUES row the
other backends use, so agreement also checks the binding).
"""

from __future__ import annotations

import warnings
from collections.abc import Iterable
from pathlib import Path

from rdflib import BNode, Dataset, Graph, URIRef
from rdflib import Literal as RdfLiteral
from rdflib.term import Node

from hngraph.store.base import Result, Store, StoreError
from hngraph.store.sparqltext import CheckedQuery
from hngraph.store.terms import IRI, XSD_STRING, BlankNode, Literal, Term, Triple, literal

FORMATS = {
    ".ttl": "turtle",
    ".nt": "nt",
    ".nq": "nquads",
    ".trig": "trig",
    ".rdf": "xml",
    ".owl": "xml",
    ".xml": "xml",
}


class RdflibStore(Store):
    """rdflib in memory; quads from TriG / N-Quads files are merged into one graph."""

    name = "rdflib"

    def __init__(self, files: Iterable[Path] = ()) -> None:
        self._graph = Graph()
        for path in files:
            self.load(path)

    def load(self, path: Path) -> None:
        """Add one RDF file (Turtle, N-Triples, N-Quads, TriG or RDF/XML, by extension)."""
        path = Path(path)
        if not path.is_file():
            raise StoreError(f"{path}: no such dataset file (run `hngraph build` first?)")
        rdf_format = FORMATS.get(path.suffix.lower())
        if rdf_format is None:
            raise StoreError(f"{path}: the rdflib backend does not read {path.suffix!r} files")
        try:
            if rdf_format in ("nquads", "trig"):
                dataset = Dataset()
                with warnings.catch_warnings():  # rdflib's TriG parser uses its deprecated API
                    warnings.simplefilter("ignore", DeprecationWarning)
                    dataset.parse(path, format=rdf_format)
                for subject, predicate, obj, _graph in dataset.quads():
                    self._graph.add((subject, predicate, obj))
            else:
                self._graph.parse(path, format=rdf_format)
        except Exception as error:  # rdflib raises many parser-specific types
            raise StoreError(f"{path}: cannot load: {error}") from error

    def _run(self, query: CheckedQuery, bindings: dict[str, Term]) -> object:
        init = {name: to_rdflib(term) for name, term in bindings.items()}
        try:
            return self._graph.query(query.text, initBindings=init)
        except Exception as error:  # parse and evaluation errors have many types
            raise StoreError(f"query failed: {error}") from error

    def _select(self, query: CheckedQuery, bindings: dict[str, Term]) -> Result:
        result = self._run(query, bindings)
        columns = tuple(str(variable) for variable in result.vars)  # type: ignore[attr-defined]
        rows = tuple(tuple(to_term(node) for node in row) for row in result)  # type: ignore[attr-defined]
        return Result(columns, rows)

    def _ask(self, query: CheckedQuery, bindings: dict[str, Term]) -> bool:
        return bool(self._run(query, bindings).askAnswer)  # type: ignore[attr-defined]

    def _construct(self, query: CheckedQuery, bindings: dict[str, Term]) -> list[Triple]:
        graph = self._run(query, bindings).graph  # type: ignore[attr-defined]
        return [(to_term(s), to_term(p), to_term(o)) for s, p, o in graph]  # type: ignore[misc]


def to_term(node: Node | None) -> Term | None:
    """A plain term from an rdflib node."""
    if node is None:
        return None
    if isinstance(node, URIRef):
        return IRI(str(node))
    if isinstance(node, BNode):
        return BlankNode(str(node))
    if isinstance(node, RdfLiteral):
        datatype = str(node.datatype) if node.datatype is not None else None
        return literal(str(node), datatype, node.language)
    raise StoreError(f"unsupported term in a result: {node!r}")


def to_rdflib(term: Term) -> Node:
    """An rdflib node from a plain term."""
    if isinstance(term, IRI):
        return URIRef(term.value)
    if isinstance(term, BlankNode):
        return BNode(term.value)
    assert isinstance(term, Literal)
    if term.language:
        return RdfLiteral(term.value, lang=term.language)
    if term.datatype == XSD_STRING:  # rdflib keeps simple literals without a datatype
        return RdfLiteral(term.value)
    return RdfLiteral(term.value, datatype=URIRef(term.datatype))
