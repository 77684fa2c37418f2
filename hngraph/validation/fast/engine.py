"""Validation that keeps up with many lists: screen on pyoxigraph, confirm suspects in small stores.

1. The data is bulk-loaded into pyoxigraph (seconds for a million triples, where rdflib takes
   minutes).
2. ``screen`` turns the shapes into SPARQL queries that return, for each shape, a
   superset of the focus nodes pySHACL would report for it; they run in Rust.
3. No suspect: the data conforms and the report is empty, as pySHACL's would be.
4. Suspects: for each shape, ``reach`` extracts from the store every triple that
   validating its suspects can read. Batches of suspects are validated by pySHACL in a small
   in-memory store holding their extraction, each shape restricted to its own suspects
   (``hngraph.validation.validate(..., focus=...)``), so every result is pySHACL's own; the task
   number and department of each result are looked up in the big store.
5. Fallbacks, each recorded in the report's ``fallbacks`` (the CLI prints them; ``--strict``
   fails on them): a shape the screen cannot compile has every focus node confirmed; a shape
   whose reach cannot be analysed, or whose extraction passes ``EXTRACT_LIMIT`` triples, is
   validated by pySHACL on the big store, restricted to its suspects (correct, slower); shapes
   the screen does not know at all (custom components, SPARQL targets) or a screen query that
   fails: pySHACL on everything, on the big store.

``validate_fast(files, shapes, jobs=DEFAULT_JOBS) -> hngraph.validation.ValidationReport``, the
result type of ``hngraph.validation.validate``; ``stats`` (optional) receives timings and counts.
"""

from __future__ import annotations

import dataclasses
import os
import re
import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pyoxigraph as ox
from rdflib import BNode, Graph, URIRef
from rdflib.namespace import RDFS, SH
from rdflib.term import Node

from hngraph import validation
from hngraph.rdf import read
from hngraph.rdf.convert import to_oxigraph, to_rdflib
from hngraph.validation.fast.reach import TooBig, compile_reach
from hngraph.validation.fast.screen import THIS, Check, Plan, compile_shapes
from hngraph.validation.fast.shapes import Unsupported

DEFAULT_JOBS = min(4, 2 * (os.cpu_count() or 1))  # screen threads (see ``screen``)
PER_NODE_LIMIT = 5000  # SPARQL constraints with EXISTS run once per focus node up to this many
BATCH = 1000  # suspects validated together in one small store, at most
BATCH_TRIPLES = 5000  # a batch whose extraction is larger is split in two
EXTRACT_LIMIT = 500_000  # triples one shape's extraction may hold before the big store is used


WHOLE = "pySHACL on the whole store, every shape"
EVERY_NODE = "pySHACL confirms every focus node of the shape"
DIRECT = "pySHACL on the whole store, for the shape's suspects"


def validate_fast(
    data: Sequence[Path] | Graph,
    shapes: Graph | None = None,
    *,
    jobs: int = DEFAULT_JOBS,
    stats: dict | None = None,
) -> validation.ValidationReport:
    """Validate RDF files (or a graph) like ``hngraph.validation.validate``, faster on big data.

    The report's ``fallbacks`` say where a shape was handed to plain pySHACL instead.
    """
    stats = stats if stats is not None else {}
    sources: dict[Node, str] = {}
    shapes_graph = shapes if shapes is not None else _project_shapes(sources)
    started = time.perf_counter()
    store = load_store(data)
    stats["load_s"] = time.perf_counter() - started
    stats["triples"] = len(store)
    fallbacks: list[validation.Fallback] = []

    def note(shape: Node | None, reason: str, route: str) -> None:
        fallbacks.append(validation.Fallback(describe(shapes_graph, shape, sources), reason, route))

    try:
        plan = compile_shapes(shapes_graph, lambda cls: subclasses(store, cls))
        stats["checks"] = len(plan.checks)
        for shape, why in plan.notes:
            note(shape, why, EVERY_NODE)
        suspects = screen(store, plan, jobs)
    except Unsupported as why:  # pySHACL runs every shape: no other fallback is left to name
        fallbacks.clear()
        note(why.shape, str(why), WHOLE)
        return _with(validation.validate(store, shapes_graph), fallbacks)
    stats["screen_s"] = time.perf_counter() - started - stats["load_s"]
    stats["suspects"] = len(set().union(*suspects.values()))
    stats["suspect_pairs"] = sum(len(nodes) for nodes in suspects.values())
    if not suspects:
        return _with(validation.conforming_report(), fallbacks)
    report = confirm(store, shapes_graph, suspects, stats=stats, fallback=note)
    stats["confirm_s"] = time.perf_counter() - started - stats["load_s"] - stats["screen_s"]
    return _with(report, fallbacks)


def _with(
    report: validation.ValidationReport, fallbacks: list[validation.Fallback]
) -> validation.ValidationReport:
    return dataclasses.replace(report, fallbacks=tuple(fallbacks))


def _project_shapes(sources: dict[Node, str]) -> Graph:
    """The project's shapes (as ``load_shapes``); ``sources`` gets each shape IRI's file name."""
    shapes = Graph()
    for file in validation.project_shapes_files():
        graph = read.read_graph(file)
        sources.update((s, file.name) for s in graph.subjects() if isinstance(s, URIRef))
        shapes += graph
    return shapes


def describe(shapes: Graph, shape: Node | None, sources: Mapping[Node, str]) -> str:
    """A shape as a person finds it: ``<IRI> (file)``, or a blank node by its path and owner."""
    if shape is None:
        return "the shapes"
    if isinstance(shape, BNode):
        owner: Node = shape
        seen: set[Node] = {shape}
        while isinstance(owner, BNode):
            parent = next((s for s in shapes.subjects(None, owner) if s not in seen), None)
            if parent is None:
                break
            owner = parent
            seen.add(owner)
        path = shapes.value(shape, SH.path)
        where = f"sh:path {path.n3()}" if isinstance(path, URIRef) else "no sh:path"
        where = "a complex sh:path" if path is not None and not isinstance(path, URIRef) else where
        text = f"a blank-node shape ({where})"
        return text if owner == shape else f"{text} in {describe(shapes, owner, sources)}"
    return f"<{shape}>" + (f" ({sources[shape]})" if shape in sources else "")


def confirm(
    store: ox.Store,
    shapes: Graph,
    suspects: Mapping[Node, Iterable[Node]],
    *,
    batch: int | None = None,
    limit: int | None = None,
    stats: dict | None = None,
    fallback: Callable[[Node, str, str], None] | None = None,
) -> validation.ValidationReport:
    """pySHACL's results for each shape on its suspects (rdflib terms), as one report.

    Where a shape's reach is known, batches of suspects run in small stores holding what they
    can read: at most ``batch`` suspects (default ``BATCH``), halved while their extraction holds
    more than ``BATCH_TRIPLES`` triples (pySHACL's per-node queries cost time in proportion to the
    store). A shape whose extraction passes ``limit`` triples (default ``EXTRACT_LIMIT``), or
    whose reach is not known, runs on ``store`` itself, on its suspects only, and is reported to
    ``fallback(shape, reason, route)``. Context is looked up in ``store``.
    """
    stats = stats if stats is not None else {}
    note = fallback or (lambda shape, reason, route: None)
    batch, limit = batch or BATCH, limit or EXTRACT_LIMIT
    reaches, direct = {}, {}
    for shape, nodes in suspects.items():
        try:
            reaches[shape] = compile_reach(shapes, shape)
        except Unsupported as why:
            direct[shape] = set(nodes)
            note(shape, f"reach not analysed: {why}", DIRECT)
    by_node: dict[Node, list[Node]] = {}
    for shape in reaches:
        for node in suspects[shape]:
            by_node.setdefault(node, []).append(shape)
    nodes = sorted(by_node, key=lambda n: (type(n).__name__, str(n)))
    todo = [nodes[start : start + batch] for start in range(0, len(nodes), batch)]
    reports = []
    stats["batches"], stats["extracted"] = 0, 0
    while todo:
        chunk = todo.pop(0)
        focus: dict[Node, list[Node]] = {}
        for node in chunk:
            for shape in by_node[node]:
                focus.setdefault(shape, []).append(node)
        triples: set = set()
        for shape, members in list(focus.items()):
            try:
                triples |= reaches[shape].extract(store, [to_oxigraph(n) for n in members], limit)
            except TooBig as why:
                if shape not in direct:
                    note(shape, f"extraction too big: {why}", DIRECT)
                direct.setdefault(shape, set()).update(members)
                del focus[shape]
        if len(triples) > BATCH_TRIPLES and len(chunk) > 1:
            half = len(chunk) // 2
            todo[:0] = [chunk[:half], chunk[half:]]
            continue
        if focus:
            small = ox.Store()
            small.extend(ox.Quad(t.subject, t.predicate, t.object) for t in triples)
            reports.append(validation.validate(small, shapes, focus=focus, context=store))
            stats["batches"] += 1
            stats["extracted"] += len(triples)
    if direct:
        reports.append(validation.validate(store, shapes, focus=direct, context=store))
    return validation.merge_reports(reports)


def load_store(data: Sequence[Path] | Graph) -> ox.Store:
    """An in-memory pyoxigraph store holding the data."""
    if isinstance(data, Graph):
        store = ox.Store()
        store.bulk_load(data.serialize(format="nt", encoding="utf-8"), ox.RdfFormat.N_TRIPLES)
        return store
    return read.load_store(data, accept=read.RDFLIB_FORMATS)


def subclasses(store: ox.Store, cls: object) -> set:
    """Classes below ``cls`` in the data (``rdfs:subClassOf+``)."""
    query = f"SELECT DISTINCT ?c WHERE {{ ?c <{RDFS.subClassOf}>+ <{cls}> }}"
    return {row["c"].value for row in store.query(query)}  # type: ignore[union-attr]


def screen(store: ox.Store, plan: Plan, jobs: int = DEFAULT_JOBS) -> dict[Node, set]:
    """Each shape → the focus nodes that may fail it (rdflib terms); ``jobs`` threads.

    Shapes with no suspect are left out. pyoxigraph lets go of the GIL while it evaluates a
    query and takes it while results are read, so more threads than cores still help (bench at
    N = 1000 on 2 cores: 15.0 s with 1 thread, 10.4 s with 2, 8.7 s with 4). The SPARQL
    constraints, the costliest checks, start first so that no thread is left with one at the end.
    """
    suspects: dict[Node, set] = {}

    def run(check: Check) -> set:
        try:
            return run_check(store, check)
        except (SyntaxError, OSError, ValueError, RuntimeError) as error:
            reason = f"screen query failed: {error}"
        # raised outside the handler, so that no traceback carries this thread's query results
        # (pyoxigraph's are bound to their thread) to the thread that catches it
        raise Unsupported(reason, check.shape)

    order = sorted(range(len(plan.checks)), key=lambda i: plan.checks[i].kind != "sparql")
    with ThreadPoolExecutor(max_workers=max(1, jobs)) as pool:
        found = dict(zip(order, pool.map(run, (plan.checks[i] for i in order)), strict=True))
    for index, check in enumerate(plan.checks):  # plan order: the report does not depend on it
        if found[index]:  # rdflib terms made here: rdflib logs an ill-typed literal's traceback,
            # which would keep a worker's query results alive past its thread
            suspects.setdefault(check.shape, set()).update(map(to_rdflib, found[index]))
    return suspects


def run_check(store: ox.Store, check: Check) -> set:
    """The suspects one check finds (pyoxigraph terms)."""
    if check.kind == "sparql" and check.per_node is not None:
        nodes = [row["this"] for row in _rows(store, f"SELECT ?this WHERE {{ {check.focus} }}")]
        if len(nodes) <= PER_NODE_LIMIT:
            return {node for node in nodes if _any(store, check, node)}
    if check.kind in ("select", "sparql"):
        return {row["this"] for row in _rows(store, check.query) if row["this"]}
    if check.kind == "pattern":
        assert check.regex is not None
        matcher = re.compile(check.regex[0], _flags(check.regex[1]))
        if check.scan is not None:
            quads = store.quads_for_pattern(None, ox.NamedNode(check.scan), None, None)
            pairs: Iterable = ((quad.subject, quad.object) for quad in quads)
        else:
            pairs = ((row["this"], row["v"]) for row in _rows(store, check.query))
        return {
            node
            for node, value in pairs
            if isinstance(value, ox.BlankNode) or not matcher.search(value.value)
        }
    failing = _failing(store, check)
    return {row["this"] for row in _rows(store, check.query) if row["v"] in failing}


def _any(store: ox.Store, check: Check, node: object) -> bool:
    """Whether a per-node SPARQL constraint returns a row for ``node``."""
    if not isinstance(node, ox.NamedNode):
        return True  # cannot be written into the query: a suspect
    iri = str(node)
    for guard in check.guards:
        if not bool(store.query(guard.replace(THIS, iri))):
            return False
    assert check.per_node is not None
    rows = store.query(check.per_node.replace(THIS, iri))
    return any(True for _ in rows)  # type: ignore[union-attr]


def _failing(store: ox.Store, check: Check) -> set:
    """Value nodes that fail the member shapes of a nested check (as pyoxigraph terms)."""
    sets = []
    for group in check.groups:
        members: set = set()
        for member in group or ():
            members |= run_check(store, member)
        sets.append(members)
    if not sets:
        return set()
    if check.all_fail:
        return set.intersection(*sets)
    return set.union(*sets)


def _rows(store: ox.Store, query: str) -> Iterable:
    return store.query(query)  # type: ignore[return-value]


def _flags(text: str) -> int:
    value = 0
    for letter, flag in (("i", re.I), ("m", re.M), ("s", re.S), ("x", re.X)):
        if letter in text.lower():
            value |= flag
    return value
