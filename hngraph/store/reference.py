"""The reference backend: rdflib's own SPARQL engine over an in-memory graph.

Slow but independent of pyoxigraph; tests run every catalogue query on it and compare.
Parameters go in as rdflib ``initBindings`` (a different route from the VALUES row the
other backends use, so agreement also checks the binding).
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from rdflib import Graph

from hngraph.rdf.convert import from_rdflib, to_rdflib
from hngraph.rdf.read import read_graph
from hngraph.rdf.terms import Term, Triple
from hngraph.sparql.text import CheckedQuery
from hngraph.store.base import LocalStore, Result, StoreError


class RdflibStore(LocalStore):
    """rdflib in memory; quads from TriG / N-Quads files are merged into one graph."""

    name = "rdflib"

    def __init__(self, files: Iterable[Path] = ()) -> None:
        self._graph = Graph()
        for path in files:
            self.load(path)

    def _load(self, path: Path) -> None:
        self._graph += read_graph(path)

    def _run(self, query: CheckedQuery, bindings: dict[str, Term]) -> object:
        init = {name: to_rdflib(term) for name, term in bindings.items()}
        try:
            return self._graph.query(query.text, initBindings=init)
        except Exception as error:  # parse and evaluation errors have many types
            raise StoreError(f"query failed: {error}") from error

    def _select(self, query: CheckedQuery, bindings: dict[str, Term]) -> Result:
        result = self._run(query, bindings)
        columns = tuple(str(variable) for variable in result.vars)  # type: ignore[attr-defined]
        rows = tuple(tuple(from_rdflib(node) for node in row) for row in result)  # type: ignore[attr-defined]
        return Result(columns, rows)

    def _ask(self, query: CheckedQuery, bindings: dict[str, Term]) -> bool:
        return bool(self._run(query, bindings).askAnswer)  # type: ignore[attr-defined]

    def _construct(self, query: CheckedQuery, bindings: dict[str, Term]) -> list[Triple]:
        graph = self._run(query, bindings).graph  # type: ignore[attr-defined]
        return [(from_rdflib(s), from_rdflib(p), from_rdflib(o)) for s, p, o in graph]  # type: ignore[misc]
