"""The Python API: open a dataset, run catalogue and ad-hoc queries, validate.

::

    import hngraph

    kg = hngraph.open()                                  # the packaged (or checkout's) dataset
    kg = hngraph.open(["more.ttl", "hngraph.ttl"])       # RDF files
    kg = hngraph.open(endpoint="http://host/sparql")     # any SPARQL 1.1 endpoint

    table = kg.query("tasks-by-department", department="省财政厅")
    table.to_pandas()                  # typed columns (pip install 'hngraph[analysis]')
    kg.query("co-responsibility").to_networkx()          # weighted graph of pairs
    kg.sparql("SELECT ?o WHERE { ?o a org:Organization }")   # project prefixes declared
    kg.validate().conforms

Parameters follow the CLI's rules (``hngraph.sparql.params``): a department, list, kind or area
by IRI, prefixed name, slug or name; a value that names nothing raises ``UnknownValueError``,
one that names several ``AmbiguousValueError`` (both ``ParameterError``, an ``HngraphError``).
Values in results: IRIs as strings (full IRIs), numbers as ``int``/``Decimal``/``float``,
booleans as ``bool``, text (language-tagged or not) as ``str``, unbound as ``None``.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple

from hngraph.errors import HngraphError
from hngraph.rdf.terms import (
    INTEGER_TYPES,
    IRI,
    XSD_BOOLEAN,
    XSD_DECIMAL,
    XSD_DOUBLE,
    XSD_FLOAT,
    BlankNode,
    Literal,
    Term,
    Triple,
)
from hngraph.sparql.catalogue import ParameterError
from hngraph.sparql.params import AmbiguousValueError, UnknownValueError
from hngraph.store.base import Result

if TYPE_CHECKING:
    import networkx
    import pandas

    from hngraph.sparql.catalogue import CatalogueQuery
    from hngraph.sparql.params import Resolver
    from hngraph.store.base import Store
    from hngraph.validation.report import ValidationReport

__all__ = [
    "AmbiguousValueError",
    "HngraphError",
    "KnowledgeGraph",
    "Pair",
    "ParameterError",
    "Table",
    "UnknownValueError",
    "open",
]

HTML_ROWS = 50
NUMERIC = INTEGER_TYPES | {XSD_DECIMAL, XSD_DOUBLE, XSD_FLOAT}


class Pair(NamedTuple):
    """How a pair query's rows become edges: node columns (or a parameter), weight, direction."""

    source: str  # a column, or "?name" for the value of parameter ``name``
    target: str
    weight: str
    directed: bool


PAIRS: dict[str, Pair] = {
    "co-responsibility": Pair("department_a", "department_b", "shared_tasks", directed=False),
    "lead-support-pairs": Pair("lead", "supporter", "tasks", directed=True),
    "department-partners": Pair("?department", "partner", "shared_tasks", directed=False),
}


def value(term: Term | None) -> Any:
    """A term as a Python value: IRI → str, literal → int/Decimal/float/bool/str, unbound → None."""
    if term is None:
        return None
    if isinstance(term, BlankNode):
        return f"_:{term.value}"
    if isinstance(term, IRI):
        return term.value
    return term.to_python()


class Table:
    """A SELECT result: plain terms (``result``) that convert to records, DataFrames and graphs."""

    def __init__(
        self,
        result: Result,
        *,
        query: str | None = None,
        params: Mapping[str, Term] | None = None,
    ) -> None:
        self.result = result
        self.query = query
        self.params: dict[str, Term] = dict(params or {})

    @property
    def columns(self) -> tuple[str, ...]:
        """The column names, in order."""
        return self.result.columns

    def __len__(self) -> int:
        return len(self.result.rows)

    def __iter__(self) -> Iterator[dict[str, Any]]:
        return iter(self.to_records())

    def to_records(self) -> list[dict[str, Any]]:
        """Rows as dictionaries of Python values (see ``value``)."""
        return [
            {name: value(term) for name, term in zip(self.columns, row, strict=True)}
            for row in self.result.rows
        ]

    def to_pandas(self) -> pandas.DataFrame:
        """A DataFrame with typed columns: integers int64 (Int64 with gaps), decimals and doubles
        float64, booleans bool/boolean, IRIs and text strings."""
        pd = _need("pandas")
        data: dict[str, Any] = {}
        for index, name in enumerate(self.columns):
            terms = [row[index] for row in self.result.rows]
            data[name] = pd.Series([value(t) for t in terms], dtype=_dtype(terms), name=name)
        frame = pd.DataFrame(data, columns=list(self.columns))
        if self.query:
            frame.attrs["query"] = self.query
        return frame

    def to_networkx(
        self,
        source: str | None = None,
        target: str | None = None,
        weight: str | None = None,
        *,
        directed: bool | None = None,
    ) -> networkx.Graph:
        """The rows as a weighted graph: one edge per row from ``source`` to ``target``.

        Pair queries (co-responsibility, lead-support-pairs, department-partners) know their
        columns; for any other table name them. Nodes are IRIs with their names (the text columns
        beside each node column, e.g. ``name_zh``) as attributes; edges carry ``weight`` and every
        other numeric column.
        """
        nx = _need("networkx")
        known = PAIRS.get(self.query or "")
        if source is None or target is None:
            if known is None:
                raise HngraphError(
                    f"to_networkx: name the source and target columns (a pair query knows them: "
                    f"{', '.join(PAIRS)}); columns: {', '.join(self.columns)}"
                )
            source, target = source or known.source, target or known.target
        weight = weight or (known.weight if known else None)
        directed = directed if directed is not None else bool(known and known.directed)
        for name in (source, target, weight):
            if name and not name.startswith("?") and name not in self.columns:
                raise HngraphError(f"to_networkx: no column {name!r} in {', '.join(self.columns)}")
        graph = nx.DiGraph() if directed else nx.Graph()
        graph.graph["query"] = self.query
        node_columns = [c for c in (source, target) if not c.startswith("?")]
        attributes = {c: _node_attributes(self.columns, c, node_columns) for c in node_columns}
        numeric = [c for c in self.columns if c not in node_columns and _numeric(self, c)]
        for record in self.to_records():
            ends = []
            for end in (source, target):
                node = self._node(end, record)
                graph.add_node(node, **{k: record[c] for k, c in attributes.get(end, {}).items()})
                ends.append(node)
            edge = {name: record[name] for name in numeric}
            if weight:
                edge["weight"] = record[weight]
            graph.add_edge(*ends, **edge)
        return graph

    def _node(self, end: str, record: dict[str, Any]) -> Any:
        if not end.startswith("?"):
            return record[end]
        term = self.params.get(end[1:])
        if term is None:
            raise HngraphError(f"to_networkx: the table has no value for parameter {end[1:]}")
        return value(term)

    def __str__(self) -> str:
        from hngraph.sparql.tables import table

        return table(self.result)

    def __repr__(self) -> str:
        what = f" {self.query}" if self.query else ""
        return f"<hngraph.Table{what}: {len(self)} rows × {len(self.columns)} columns>\n{self}"

    def _repr_html_(self) -> str:
        """An HTML table for notebooks: IRIs as links showing their prefixed names."""
        from html import escape

        from hngraph.sparql.prefixes import shorten
        from hngraph.sparql.tables import plain

        def cell(term: Term | None) -> str:
            if isinstance(term, IRI):
                iri = escape(term.value, quote=True)
                return f'<a href="{iri}" title="{iri}">{escape(shorten(term.value))}</a>'
            return escape(plain(term))

        head = "".join(f"<th>{escape(name)}</th>" for name in self.columns)
        body = "".join(
            "<tr>" + "".join(f"<td>{cell(term)}</td>" for term in row) + "</tr>"
            for row in self.result.rows[:HTML_ROWS]
        )
        more = len(self) - HTML_ROWS
        note = f"<p>… {more} more rows ({len(self)} in all)</p>" if more > 0 else ""
        caption = f"<caption>{escape(self.query)}</caption>" if self.query else ""
        return (
            f'<table class="hngraph">{caption}<thead><tr>{head}</tr></thead>'
            f"<tbody>{body}</tbody></table>{note}"
        )


def _need(module: str) -> Any:
    """Import an optional analysis library, or say how to install it."""
    import importlib

    try:
        return importlib.import_module(module)
    except ModuleNotFoundError:
        raise HngraphError(f"{module} is not installed: pip install 'hngraph[analysis]'") from None


def _dtype(terms: Sequence[Term | None]) -> str | None:
    """The pandas dtype for a column of terms (None: let pandas infer)."""
    present = [t for t in terms if t is not None]
    if not present or not all(isinstance(t, Literal) for t in present):
        return None
    gaps = len(present) < len(terms)
    datatypes = {t.datatype for t in present if isinstance(t, Literal)}
    kinds = {type(value(t)) for t in present}
    if datatypes <= INTEGER_TYPES and kinds == {int}:
        return "Int64" if gaps else "int64"
    if datatypes <= NUMERIC and str not in kinds:
        return "float64"
    if datatypes == {XSD_BOOLEAN} and kinds == {bool}:
        return "boolean" if gaps else "bool"
    return None


def _numeric(table: Table, column: str) -> bool:
    index = table.columns.index(column)
    values = [value(row[index]) for row in table.result.rows if row[index] is not None]
    return bool(values) and all(
        isinstance(v, int | float) and not isinstance(v, bool) for v in values
    )


def _node_attributes(
    columns: Sequence[str], node: str, node_columns: Sequence[str]
) -> dict[str, str]:
    """The text columns after ``node`` up to the next node column, keyed without the node's
    marker (``name_a_zh`` of ``department_a`` → ``name_zh``; ``lead_name_zh`` → ``name_zh``)."""
    marker = node.rsplit("_", 1)[-1]
    found: dict[str, str] = {}
    for column in columns[columns.index(node) + 1 :]:
        if column in node_columns:
            break
        if column.startswith("name") or column.startswith(f"{marker}_name"):
            parts = [part for part in column.split("_") if part != marker]
            found["_".join(parts)] = column
    return found


class KnowledgeGraph:
    """One dataset (files or an endpoint) with the query catalogue; use ``hngraph.open``."""

    def __init__(
        self,
        store: Store,
        *,
        paths: Sequence[Path] = (),
        endpoint: str | None = None,
        queries: Path | None = None,
    ) -> None:
        self.store = store
        self.paths = tuple(paths)
        self.endpoint = endpoint
        self._queries = queries
        self._resolver: Resolver | None = None

    def catalogue(self) -> dict[str, CatalogueQuery]:
        """The catalogue queries by name (``queries/*.rq`` of the project or the package)."""
        from hngraph.sparql.catalogue import load_catalogue

        return load_catalogue(self._queries)

    def query(self, name: str, /, **params: object) -> Table:
        """Run catalogue query ``name`` with parameters given by name (see the module doc)."""
        from hngraph.sparql.catalogue import get_query
        from hngraph.sparql.params import Resolver

        query = get_query(name, self._queries)
        values = {key: _text(key, given) for key, given in params.items()}
        if self._resolver is None:
            self._resolver = Resolver(self.store)
        bindings = self._resolver.bindings(query, values)
        by_name = {p.name: bindings[p.variable] for p in query.parameters if p.variable in bindings}
        return Table(self.store.select(query.checked, bindings), query=name, params=by_name)

    def sparql(self, text: str) -> Table | bool | tuple[Triple, ...]:
        """Run an ad-hoc query (project prefixes declared): SELECT → Table, ASK → bool,
        CONSTRUCT/DESCRIBE → sorted triples. SERVICE, FROM, LOAD and updates are refused."""
        from hngraph.sparql.prefixes import declare
        from hngraph.sparql.text import check

        text = declare(text)
        form = check(text).form
        if form == "SELECT":
            return Table(self.store.select(text))
        if form == "ASK":
            return self.store.ask(text)
        return self.store.construct(text)

    def validate(self) -> ValidationReport:
        """Check the files against the project's SHACL shapes (``.conforms``, ``.results``)."""
        if not self.paths:
            raise HngraphError(
                "validate checks local files; open them with hngraph.open(paths), not an endpoint"
            )
        from hngraph.validation.fast.engine import validate_fast

        return validate_fast(list(self.paths))

    def close(self) -> None:
        """Release the store."""
        self.store.close()

    def __enter__(self) -> KnowledgeGraph:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def __repr__(self) -> str:
        where = self.endpoint or ", ".join(str(path) for path in self.paths)
        return f"<hngraph.KnowledgeGraph {where}>"


def _text(name: str, given: object) -> str:
    if isinstance(given, bool) or not isinstance(given, str | int):
        raise ParameterError(f"parameter {name}: give a str or int, not {type(given).__name__}")
    return str(given)


def open(  # hngraph.open, like io.open: shadows the builtin in this module only
    paths: str | Path | Sequence[str | Path] | None = None,
    *,
    endpoint: str | None = None,
    backend: str = "embedded",
    timeout: float = 30.0,
    deadline: float = 120.0,
) -> KnowledgeGraph:
    """Open the dataset: packaged (or the checkout's) by default, RDF ``paths``, or an
    ``endpoint`` (``timeout`` per HTTP attempt, ``deadline`` for a call, in seconds)."""
    from hngraph import project
    from hngraph.store import open_store

    if endpoint is not None and paths is not None:
        raise HngraphError("hngraph.open: give paths or an endpoint, not both")
    root = project.project_root()
    queries = project.queries_dir(root)
    if endpoint is not None:
        from hngraph.store.http import Policy

        store = open_store(endpoint=endpoint, policy=Policy(timeout=timeout, deadline=deadline))
        return KnowledgeGraph(store, endpoint=endpoint, queries=queries)
    if paths is None:
        files = [project.dataset_file(root)]
    elif isinstance(paths, str | Path):
        files = [Path(paths)]
    else:
        files = [Path(path) for path in paths]
    store = open_store(data=files, backend=backend)
    return KnowledgeGraph(store, paths=files, queries=queries)
