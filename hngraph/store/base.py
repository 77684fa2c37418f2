"""The store interface every backend implements, and its result type."""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Mapping
from pathlib import Path
from typing import NamedTuple

from hngraph.errors import HngraphError
from hngraph.rdf.convert import term_key
from hngraph.rdf.terms import Term, Triple
from hngraph.sparql.text import CheckedQuery, check

Bindings = Mapping[str, Term]


class StoreError(HngraphError):
    """A query failed in a backend (syntax error, unreadable data, ...)."""


class Result(NamedTuple):
    """A SELECT result: column names and rows of plain terms (``None`` = unbound)."""

    columns: tuple[str, ...]
    rows: tuple[tuple[Term | None, ...], ...]

    def records(self) -> list[dict[str, Term | None]]:
        """Rows as dictionaries keyed by column name."""
        return [dict(zip(self.columns, row, strict=True)) for row in self.rows]

    def values(self) -> list[tuple[str | None, ...]]:
        """Rows as plain strings (IRI or lexical form), convenient in tests and CSV."""
        return [tuple(None if term is None else term.value for term in row) for row in self.rows]


class Store(ABC):
    """SPARQL over one dataset. Every query passes the guard in ``sparql.text.check`` first."""

    name: str = "store"

    def select(self, query: str | CheckedQuery, bindings: Bindings | None = None) -> Result:
        """Run a SELECT query; ``bindings`` map variable names (no ``?``) to terms."""
        return self._select(self._checked(query, ("SELECT",)), dict(bindings or {}))

    def ask(self, query: str | CheckedQuery, bindings: Bindings | None = None) -> bool:
        """Run an ASK query."""
        return self._ask(self._checked(query, ("ASK",)), dict(bindings or {}))

    def construct(
        self, query: str | CheckedQuery, bindings: Bindings | None = None
    ) -> tuple[Triple, ...]:
        """Run a CONSTRUCT (or DESCRIBE) query; triples come back sorted, without duplicates."""
        checked = self._checked(query, ("CONSTRUCT", "DESCRIBE"))
        triples = set(self._construct(checked, dict(bindings or {})))
        return tuple(sorted(triples, key=triple_key))

    def close(self) -> None:  # noqa: B027 - optional hook
        """Release resources (nothing by default)."""

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @staticmethod
    def _checked(query: str | CheckedQuery, forms: tuple[str, ...]) -> CheckedQuery:
        """Text goes through the full guard; a ``CheckedQuery`` has been through ``check``."""
        checked = query if isinstance(query, CheckedQuery) else check(query)
        if checked.form not in forms:
            raise StoreError(f"expected a {' or '.join(forms)} query, got {checked.form}")
        return checked

    @abstractmethod
    def _select(self, query: CheckedQuery, bindings: dict[str, Term]) -> Result: ...

    @abstractmethod
    def _ask(self, query: CheckedQuery, bindings: dict[str, Term]) -> bool: ...

    @abstractmethod
    def _construct(self, query: CheckedQuery, bindings: dict[str, Term]) -> list[Triple]: ...


def triple_key(triple: Triple) -> tuple[tuple[int, str, str, str], ...]:
    """Sort key of a triple."""
    return tuple(term_key(term) for term in triple)


class LocalStore(Store):
    """A backend that holds the data in this process, loaded from RDF files."""

    def load(self, path: Path) -> None:
        """Add one RDF file (format from its suffix, see ``hngraph.rdf.formats``)."""
        path = Path(path)
        if not path.is_file():
            raise StoreError(f"{path}: no such dataset file (run `hngraph build` first?)")
        try:
            self._load(path)
        except HngraphError as error:
            raise StoreError(str(error)) from None

    @abstractmethod
    def _load(self, path: Path) -> None: ...
