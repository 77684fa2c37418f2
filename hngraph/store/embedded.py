"""The default backend: an in-memory pyoxigraph store loaded from dataset files.

Imports pyoxigraph only: no rdflib, pyshacl or SPARQLWrapper on this path.
Parameters are bound with the same escaped ``VALUES`` row as the remote backend, because
pyoxigraph 0.5's ``substitutions`` accepts only variables of the SELECT projection (it raises
"does not contain variable ?_x in its SELECT projection"), and catalogue parameters are not
result columns.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

import pyoxigraph as ox

from hngraph.store.base import Result, Store, StoreError
from hngraph.store.sparqltext import CheckedQuery, with_values
from hngraph.store.terms import IRI, BlankNode, Term, Triple, literal


class EmbeddedStore(Store):
    """pyoxigraph in memory; the default graph is the union of all loaded graphs."""

    name = "embedded"

    def __init__(self, files: Iterable[Path] = ()) -> None:
        self._store = ox.Store()
        for path in files:
            self.load(path)

    def load(self, path: Path) -> None:
        """Add one RDF file (format from its extension: .ttl, .nt, .nq, .trig, .jsonld, .rdf)."""
        path = Path(path)
        if not path.is_file():
            raise StoreError(f"{path}: no such dataset file (run `hngraph build` first?)")
        try:
            rdf_format = ox.RdfFormat.from_extension(path.suffix.lstrip("."))
        except ValueError as error:
            raise StoreError(f"{path}: unknown RDF file extension") from error
        if rdf_format is None:
            raise StoreError(f"{path}: unknown RDF file extension {path.suffix!r}")
        try:
            self._store.load(path=str(path), format=rdf_format)
        except (SyntaxError, ValueError, OSError) as error:
            raise StoreError(f"{path}: cannot load: {error}") from error

    def __len__(self) -> int:
        return len(self._store)

    def _run(self, query: CheckedQuery, bindings: dict[str, Term]) -> object:
        try:
            return self._store.query(with_values(query, bindings), use_default_graph_as_union=True)
        except (SyntaxError, ValueError, OSError, RuntimeError) as error:
            raise StoreError(f"query failed: {error}") from error

    def _select(self, query: CheckedQuery, bindings: dict[str, Term]) -> Result:
        solutions = self._run(query, bindings)
        assert isinstance(solutions, ox.QuerySolutions)
        columns = tuple(variable.value for variable in solutions.variables)
        try:
            rows = tuple(
                tuple(to_term(solution[index]) for index in range(len(columns)))
                for solution in solutions
            )
        except (OSError, RuntimeError) as error:
            raise StoreError(f"query failed: {error}") from error
        return Result(columns, rows)

    def _ask(self, query: CheckedQuery, bindings: dict[str, Term]) -> bool:
        return bool(self._run(query, bindings))

    def _construct(self, query: CheckedQuery, bindings: dict[str, Term]) -> list[Triple]:
        triples = self._run(query, bindings)
        assert isinstance(triples, ox.QueryTriples)
        return [
            (to_term(t.subject), to_term(t.predicate), to_term(t.object))  # type: ignore[misc]
            for t in triples
        ]


def to_term(node: object) -> Term | None:
    """A plain term from a pyoxigraph term (``None`` stays ``None``)."""
    if node is None:
        return None
    if isinstance(node, ox.NamedNode):
        return IRI(node.value)
    if isinstance(node, ox.BlankNode):
        return BlankNode(node.value)
    if isinstance(node, ox.Literal):
        return literal(node.value, node.datatype.value, node.language)
    raise StoreError(f"unsupported term in a result: {node!r}")
