"""The remote backend: any SPARQL 1.1 endpoint, through ``hngraph.remote``.

SELECT and ASK come back as SPARQL JSON results, CONSTRUCT and DESCRIBE as N-Triples
(or Turtle), parsed with pyoxigraph. Parameters travel as an escaped ``VALUES`` row.
"""

from __future__ import annotations

from typing import Any

from hngraph.remote import Policy, RemoteError, SparqlClient
from hngraph.store.base import Result, Store
from hngraph.store.sparqltext import CheckedQuery, with_values
from hngraph.store.terms import IRI, BlankNode, Term, Triple, literal


class RemoteStore(Store):
    """A SPARQL 1.1 Protocol endpoint (its query URL, e.g. ``http://host:7878/query``)."""

    name = "remote"

    def __init__(self, endpoint: str, policy: Policy | None = None) -> None:
        self.client = SparqlClient(endpoint, policy)

    def _select(self, query: CheckedQuery, bindings: dict[str, Term]) -> Result:
        document = self.client.select(with_values(query, bindings))
        columns = tuple(str(name) for name in document["head"].get("vars", []))
        rows = []
        for solution in document["results"]["bindings"]:
            if not isinstance(solution, dict):
                raise RemoteError(
                    self.client.endpoint, "malformed", "a result row is not an object"
                )
            rows.append(tuple(self._term(solution.get(name)) for name in columns))
        return Result(columns, tuple(rows))

    def _ask(self, query: CheckedQuery, bindings: dict[str, Term]) -> bool:
        return self.client.ask(with_values(query, bindings))

    def _construct(self, query: CheckedQuery, bindings: dict[str, Term]) -> list[Triple]:
        import pyoxigraph as ox

        from hngraph.store.embedded import to_term

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
        return [(to_term(q.subject), to_term(q.predicate), to_term(q.object)) for q in quads]  # type: ignore[misc]

    def _term(self, value: Any) -> Term | None:
        """A plain term from one SPARQL JSON binding value."""
        if value is None:
            return None
        kind = value.get("type") if isinstance(value, dict) else None
        text = value.get("value") if isinstance(value, dict) else None
        if not isinstance(text, str):
            raise RemoteError(
                self.client.endpoint, "malformed", f"bad term in the answer: {value!r}"
            )
        if kind == "uri":
            return IRI(text)
        if kind == "bnode":
            return BlankNode(text)
        if kind in ("literal", "typed-literal"):
            return literal(text, value.get("datatype"), value.get("xml:lang"))
        raise RemoteError(self.client.endpoint, "malformed", f"unsupported term type {kind!r}")
