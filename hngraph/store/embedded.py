"""The default backend: an in-memory pyoxigraph store loaded from dataset files.

Imports pyoxigraph only: no rdflib, pyshacl or SPARQLWrapper on this path.
Parameters are bound with the same escaped ``VALUES`` row as the remote backend, because
pyoxigraph 0.5's ``substitutions`` accepts only variables of the SELECT projection (it raises
"does not contain variable ?_x in its SELECT projection"), and catalogue parameters are not
result columns.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from pathlib import Path
from typing import cast

import pyoxigraph as ox

from hngraph.rdf import read
from hngraph.rdf.convert import from_oxigraph
from hngraph.rdf.terms import (
    IRI,
    XSD_BOOLEAN,
    XSD_DECIMAL,
    XSD_DOUBLE,
    XSD_INTEGER,
    BlankNode,
    Term,
    Triple,
    literal,
)
from hngraph.sparql.text import CheckedQuery, with_values
from hngraph.store.base import LocalStore, Result, StoreError


class EmbeddedStore(LocalStore):
    """pyoxigraph in memory; the default graph is the union of all loaded graphs."""

    name = "embedded"

    def __init__(self, files: Iterable[Path] = ()) -> None:
        self._store = ox.Store()
        for path in files:
            self.load(path)

    def _load(self, path: Path) -> None:
        read.load_store([path], self._store)

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
            # Serialised in Rust and read here: cheaper than a pyoxigraph object for each term
            # of each row (task-size at N = 1000, 150,000 terms: about 15 % less in all).
            # with no output file, serialize returns the bytes (typed ``bytes | None``)
            data = cast(bytes, solutions.serialize(format=ox.QueryResultsFormat.TSV))
        except (OSError, RuntimeError) as error:
            raise StoreError(f"query failed: {error}") from error
        return Result(columns, read_tsv_rows(data.decode("utf-8"), len(columns)))

    def _ask(self, query: CheckedQuery, bindings: dict[str, Term]) -> bool:
        return bool(self._run(query, bindings))

    def _construct(self, query: CheckedQuery, bindings: dict[str, Term]) -> list[Triple]:
        triples = self._run(query, bindings)
        assert isinstance(triples, ox.QueryTriples)
        return [
            (from_oxigraph(t.subject), from_oxigraph(t.predicate), from_oxigraph(t.object))  # type: ignore[misc]
            for t in triples
        ]


_ESCAPE = r"\\(?:u([0-9A-Fa-f]{4})|U([0-9A-Fa-f]{8})|(.))"
_ESCAPED = {"t": "\t", "n": "\n", "r": "\r", "b": "\b", "f": "\f", '"': '"', "'": "'", "\\": "\\"}


def read_tsv_rows(text: str, width: int) -> tuple[tuple[Term | None, ...], ...]:
    """Rows of a SPARQL 1.1 TSV result (as pyoxigraph writes it): header line, then one line
    per solution, terms in Turtle syntax, unbound as an empty cell. Cells that repeat (roles,
    organisations, lists, small numbers) are read once."""
    lines = text.split("\n")  # tabs and line breaks inside literals are escaped; U+2028 is not
    if lines[-1] != "":
        raise StoreError("query failed: the result does not end with a line break")
    if width == 0:  # SELECT * over an empty pattern: solutions without columns
        return tuple(() for _ in lines[1:-1])
    cache: dict[str, Term | None] = {"": None}
    rows = []
    for line in lines[1:-1]:
        cells = line.split("\t")
        if len(cells) != width:
            raise StoreError(f"query failed: a result row has {len(cells)} cells, not {width}")
        row = []
        for cell in cells:
            term = cache.get(cell, cache)
            if term is cache:
                term = cache[cell] = tsv_term(cell)
            row.append(cast("Term | None", term))  # not the sentinel: set just above
        rows.append(tuple(row))
    return tuple(rows)


def tsv_term(cell: str) -> Term:
    """One term of a TSV result: ``<iri>``, ``_:b``, ``"text"`` with ``@lang`` or ``^^<type>``,
    or a bare integer, decimal, double or boolean."""
    first = cell[0]
    if first == "<" and not cell.startswith("<<"):
        return IRI(cell[1:-1])
    if first == '"':
        end = cell.rfind('"')
        value = cell[1:end]
        if "\\" in value:
            value = re.sub(_ESCAPE, _unescape, value)
        suffix = cell[end + 1 :]
        if not suffix:
            return literal(value)
        if suffix.startswith("@"):
            return literal(value, language=suffix[1:])
        if suffix.startswith("^^<") and suffix.endswith(">"):
            return literal(value, suffix[3:-1])
    elif first == "_" and cell.startswith("_:"):
        return BlankNode(cell[2:])
    elif cell in ("true", "false"):
        return literal(cell, XSD_BOOLEAN)
    elif re.fullmatch(r"[+-]?[0-9]+", cell):
        return literal(cell, XSD_INTEGER)
    elif re.fullmatch(r"[+-]?[0-9]*\.[0-9]+", cell):
        return literal(cell, XSD_DECIMAL)
    elif re.fullmatch(r"[+-]?([0-9]+(\.[0-9]*)?|\.[0-9]+)[eE][+-]?[0-9]+", cell):
        return literal(cell, XSD_DOUBLE)
    raise StoreError(f"unsupported term in a result: {cell[:80]!r}")


def _unescape(match: re.Match[str]) -> str:
    if match.group(3) is not None:
        return _ESCAPED.get(match.group(3), match.group(0))
    return chr(int(match.group(1) or match.group(2), 16))
