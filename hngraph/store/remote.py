"""The remote backend: any SPARQL 1.1 endpoint, through ``hngraph.store.http``.

SELECT and ASK come back as SPARQL JSON results, CONSTRUCT and DESCRIBE as N-Triples
(or Turtle), parsed with pyoxigraph. Parameters travel as an escaped ``VALUES`` row.
"""

from __future__ import annotations

from typing import Any

from hngraph.rdf.convert import TermError, from_oxigraph, from_sparql_json
from hngraph.rdf.terms import Term, Triple
from hngraph.sparql.catalogue import projection
from hngraph.sparql.text import CheckedQuery, with_values
from hngraph.store.base import Result, Store
from hngraph.store.http import Policy, RemoteError, SparqlClient


class RemoteStore(Store):
    """A SPARQL 1.1 Protocol endpoint (its query URL, e.g. ``http://host:7878/query``)."""

    name = "remote"

    def __init__(self, endpoint: str, policy: Policy | None = None) -> None:
        self.client = SparqlClient(endpoint, policy)

    def _select(self, query: CheckedQuery, bindings: dict[str, Term]) -> Result:
        document = self.client.select(with_values(query, bindings))
        columns = tuple(str(name) for name in document["head"].get("vars", []))
        projected = projection(query.text)
        if projected and sorted(columns) != sorted(projected):
            raise RemoteError(
                self.client.endpoint,
                "malformed",
                f"the result has the columns {list(columns)}, the query projects {projected}",
            )
        rows = []
        for solution in document["results"]["bindings"]:
            if not isinstance(solution, dict):
                raise RemoteError(
                    self.client.endpoint, "malformed", "a result row is not an object"
                )
            extra = sorted(set(solution) - set(columns))
            if extra:
                raise RemoteError(
                    self.client.endpoint,
                    "malformed",
                    f"a result row binds {extra}, which are not result columns",
                )
            rows.append(tuple(self._term(solution.get(name)) for name in columns))
        return Result(columns, tuple(rows))

    def _ask(self, query: CheckedQuery, bindings: dict[str, Term]) -> bool:
        return self.client.ask(with_values(query, bindings))

    def _construct(self, query: CheckedQuery, bindings: dict[str, Term]) -> list[Triple]:
        import pyoxigraph as ox

        body = self.client.graph(with_values(query, bindings), query.form)
        rdf_format = (
            ox.RdfFormat.TURTLE if body.media_type == "text/turtle" else ox.RdfFormat.N_TRIPLES
        )
        try:
            quads = list(ox.parse(body.data, rdf_format))
        except SyntaxError as error:
            raise RemoteError(
                self.client.endpoint,
                "malformed",
                f"the graph in the answer does not parse: {error}",
            ) from None
        return [
            (from_oxigraph(q.subject), from_oxigraph(q.predicate), from_oxigraph(q.object))  # type: ignore[misc]
            for q in quads
        ]

    def _term(self, value: Any) -> Term | None:
        """A value term from one SPARQL JSON binding value."""
        try:
            return from_sparql_json(value)
        except TermError as error:
            raise RemoteError(self.client.endpoint, "malformed", str(error)) from None
