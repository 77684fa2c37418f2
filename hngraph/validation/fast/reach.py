"""Which triples pySHACL can read when it validates given focus nodes against one shape.

``compile_reach(shapes, shape) -> Reach`` turns a targeted shape into a data-independent plan;
``Reach.extract(store, focus)`` runs it on a pyoxigraph store and returns every triple that the
validation of those focus nodes against that shape can read. pySHACL on the extracted triples
then gives exactly the results it gives on the whole store (the engine uses this to
confirm a few suspects in a small store instead of the big one).

Why the extraction is complete (every triple pySHACL could read is in it):

* Core constraints read only: the value nodes (the shape's ``sh:path`` walked from the focus
  node), ``rdf:type`` of value nodes and their ``rdfs:subClassOf`` chains (``sh:class``), the
  objects of the focus node for ``sh:equals``/``sh:disjoint``/``sh:lessThan*``, every outgoing
  triple for ``sh:closed``, and the same again for nested shapes (``sh:node``, ``sh:property``,
  ``sh:and``/``sh:or``/``sh:xone``/``sh:not``, qualified shapes and their siblings) on the value
  nodes. Each becomes a step that follows exactly those triples from a set of nodes ("slot").
* A SPARQL constraint reads the data only through its triple patterns. A variable is *anchored*
  when, in every solution that can change the result for the focus node, it is bound to a node
  its slot holds; a pattern with an anchored variable is followed from that slot (all matches),
  which fills the slots of its other variables. ``$this`` (pre-bound) is anchored; a pattern
  anchors the other variables of its basic graph pattern; a variable anchored and always bound on
  one side of a join anchors the other side (the sides are emitted in turn, so each anchor is
  filled by steps that do not depend on it); an OPTIONAL, MINUS or (NOT) EXISTS part is anchored
  only by its own left side, never by the outer context (a match there can remove or extend a
  row whatever the context binds, so all of its matches must be seen); aggregates see only
  ``$this`` (every member of a group counts) and sub-queries not even that. A pattern with no
  anchored variable is walked from a constant end, or read in full (every triple of its
  predicate), which is complete by construction.
* Steps run to a fixed point (a slot that grows re-runs the steps it drives), so loops and
  recursive shapes terminate with every reachable triple.
* Blank nodes in the extraction bring all their triples (pySHACL copies them into the report).

Whatever this module cannot analyse (custom constraint components, ``GRAPH``, ``SERVICE``,
``VALUES``, ``LIMIT``/``OFFSET``, ``$shapesGraph``, a pattern or property path between two
unanchored variables with no constant, ...) raises ``Unsupported``; extractions larger than
``limit`` raise ``TooBig``; the caller then validates that shape on the whole store.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

import pyoxigraph as ox
from rdflib import BNode, Graph, URIRef, Variable
from rdflib.namespace import RDF, RDFS, SH
from rdflib.paths import AlternativePath, InvPath, MulPath, NegatedPath, Path, SequencePath
from rdflib.plugins.sparql.algebra import translateGroupGraphPattern
from rdflib.plugins.sparql.parserutils import CompValue
from rdflib.term import Node

from hngraph.rdf.convert import to_oxigraph
from hngraph.validation.fast.shapes import (
    PathPlan,
    Unsupported,
    constraint_query,
    custom_component,
    deactivated,
    inverse,
    members,
    parameters,
    shacl_path,
)

PAIRS = {"equals", "disjoint", "lessThan", "lessThanOrEquals"}
OPS_SAME = {"Distinct", "Reduced", "OrderBy"}
REFUSED_OPS = {"Graph", "ServiceGraphPattern", "values", "Slice"}
DEFAULT_LIMIT = 500_000


class TooBig(Exception):
    """The extraction grew beyond its limit: validate on the whole store instead."""


def sparql_path(path: Path | URIRef) -> PathPlan:
    """An rdflib SPARQL property path as a path plan."""
    if isinstance(path, URIRef):
        return ("p", path, True)
    if isinstance(path, InvPath):
        return inverse(sparql_path(path.arg))
    if isinstance(path, SequencePath):
        return ("seq", tuple(sparql_path(p) for p in path.args))
    if isinstance(path, AlternativePath):
        return ("alt", tuple(sparql_path(p) for p in path.args))
    if isinstance(path, MulPath):
        zero, many = {"*": (True, True), "+": (False, True), "?": (True, False)}[path.mod]
        return ("rep", sparql_path(path.path), zero, many)
    if isinstance(path, NegatedPath):
        return ("any",)
    raise Unsupported(f"property path {path!r}")


@dataclass(frozen=True)
class Step:
    """Follow triples from the nodes of ``source`` and put what is found into ``target``.

    ``kind``: "walk" (``path`` from each node), "types" (``rdf:type`` and ``rdfs:subClassOf``
    chains), "out" (every outgoing triple), "match" (a triple pattern with a variable predicate:
    ``position`` of the source, ``targets`` per position), "fetch" (every triple matching
    ``pattern``, no source), "copy" (every node), "seed" (``pattern[0]`` into ``target``).
    """

    kind: str
    source: str | None = None
    target: str | None = None
    path: PathPlan | None = None
    pattern: tuple = ()
    position: int = 0
    targets: tuple = ()


@dataclass
class Reach:
    """The extraction plan of one shape: ``steps`` from the slot ``focus``."""

    shape: Node
    steps: list[Step] = field(default_factory=list)
    focus: str = "focus"

    def extract(
        self, store: ox.Store, focus: Iterable[object], limit: int = DEFAULT_LIMIT
    ) -> set[ox.Triple]:
        """Every triple of ``store`` that validating ``focus`` (pyoxigraph terms) can read."""
        run = _Run(store, limit)
        run.add(self.focus, focus)
        for step in self.steps:
            if step.kind == "seed":
                run.add(step.target, [to_oxigraph(step.pattern[0])])
        while True:
            progressed = False
            for index, step in enumerate(self.steps):
                if step.kind == "seed":
                    continue
                if step.kind == "fetch":
                    if index not in run.done_fetch:
                        run.done_fetch.add(index)
                        run.fetch(step)
                        progressed = True
                    continue
                new = run.new(index, step.source)
                if new:
                    run.apply(step, new)
                    progressed = True
            if not progressed:
                break
        run.close_blank_nodes()
        return run.triples


class _Run:
    """One extraction: slots of nodes, the triples read, the nodes each step has processed."""

    def __init__(self, store: ox.Store, limit: int) -> None:
        self.store = store
        self.limit = limit
        self.slots: dict[str, set] = {}
        self.seen: dict[int, set] = {}
        self.done_fetch: set[int] = set()
        self.triples: set[ox.Triple] = set()

    def add(self, slot: str | None, nodes: Iterable[object]) -> None:
        if slot is not None:
            self.slots.setdefault(slot, set()).update(nodes)

    def new(self, index: int, slot: str | None) -> set:
        current = self.slots.get(slot or "", set())
        seen = self.seen.setdefault(index, set())
        fresh = current - seen
        seen |= fresh
        return fresh

    def keep(self, quad: ox.Quad) -> None:
        self.triples.add(ox.Triple(quad.subject, quad.predicate, quad.object))
        if len(self.triples) > self.limit:
            raise TooBig(f"more than {self.limit} triples")

    def quads(self, s: object, p: object, o: object) -> Iterator[ox.Quad]:
        if isinstance(s, ox.Literal) or (p is not None and not isinstance(p, ox.NamedNode)):
            return iter(())
        return self.store.quads_for_pattern(s, p, o, None)  # type: ignore[arg-type]

    def apply(self, step: Step, nodes: set) -> None:
        if step.kind == "walk":
            assert step.path is not None
            self.add(step.target, self.walk(step.path, nodes))
        elif step.kind == "copy":
            self.add(step.target, nodes)
        elif step.kind == "out":
            for node in nodes:
                for quad in self.quads(node, None, None):
                    self.keep(quad)
        elif step.kind == "types":
            types = set()
            for node in nodes:
                for quad in self.quads(node, _RDF_TYPE, None):
                    self.keep(quad)
                    types.add(quad.object)
            self.walk(("rep", ("p", RDFS.subClassOf, True), True, True), types)
        elif step.kind == "match":
            for node in nodes:
                pattern = [None, None, None]
                pattern[step.position] = node
                for quad in self.quads(*pattern):
                    self._bind(step, quad)

    def fetch(self, step: Step) -> None:
        s, p, o = (None if _is_var(t) else to_oxigraph(t) for t in step.pattern)
        for quad in self.quads(s, p, o):
            self._bind(step, quad)

    def _bind(self, step: Step, quad: ox.Quad) -> None:
        self.keep(quad)
        for position, slot in enumerate(step.targets):
            if slot is not None:
                self.add(slot, [(quad.subject, quad.predicate, quad.object)[position]])

    def walk(self, path: PathPlan, nodes: set) -> set:
        """The nodes reached from ``nodes`` along ``path``, keeping every triple followed."""
        kind = path[0]
        if kind == "p":
            found = set()
            for node in nodes:
                if path[2]:
                    for quad in self.quads(node, to_oxigraph(path[1]), None):
                        self.keep(quad)
                        found.add(quad.object)
                else:
                    for quad in self.quads(None, to_oxigraph(path[1]), node):
                        self.keep(quad)
                        found.add(quad.subject)
            return found
        if kind == "seq":
            for part in path[1]:
                nodes = self.walk(part, nodes)
            return nodes
        if kind == "alt":
            return set().union(*(self.walk(part, nodes) for part in path[1]))
        if kind == "rep":
            reached = set(nodes) if path[2] else set()
            frontier = self.walk(path[1], nodes)
            while frontier - reached:
                frontier -= reached
                reached |= frontier
                frontier = self.walk(path[1], frontier) if path[3] else set()
            return reached
        found = set()  # "any": every triple around the nodes
        for node in nodes:
            for quad in self.quads(node, None, None):
                self.keep(quad)
                found.add(quad.object)
            for quad in self.quads(None, None, node):
                self.keep(quad)
                found.add(quad.subject)
        return found

    def close_blank_nodes(self) -> None:
        """Add every triple of each blank node in the extraction, recursively."""
        todo = {t for triple in self.triples for t in (triple.subject, triple.object)}
        todo |= {n for nodes in self.slots.values() for n in nodes}
        todo = {n for n in todo if isinstance(n, ox.BlankNode)}
        done: set = set()
        while todo:
            node = todo.pop()
            done.add(node)
            for quad in self.quads(node, None, None):
                self.keep(quad)
                if isinstance(quad.object, ox.BlankNode) and quad.object not in done:
                    todo.add(quad.object)


_RDF_TYPE = ox.NamedNode(str(RDF.type))


def _is_var(term: object) -> bool:
    return isinstance(term, (Variable, BNode))


# ---------------------------------------------------------------------------------------------
# Shapes
# ---------------------------------------------------------------------------------------------


def compile_reach(shapes: Graph, shape: Node) -> Reach:
    """The extraction plan of a targeted ``shape`` (raises ``Unsupported``)."""
    if custom_component(shapes) is not None:
        raise Unsupported("custom constraint components")
    reach = Reach(shape)
    _Shapes(shapes, reach).shape(shape, reach.focus)
    return reach


class _Shapes:
    def __init__(self, shapes: Graph, reach: Reach) -> None:
        self.g = shapes
        self.reach = reach
        self.inputs: dict[Node, str] = {}
        self.counter = 0

    def slot(self, name: str) -> str:
        self.counter += 1
        return f"{name}{self.counter}"

    def step(self, step: Step) -> None:
        if step not in self.reach.steps:
            self.reach.steps.append(step)

    def shape(self, shape: Node, focus: str) -> None:
        """Steps reading what validating the nodes of slot ``focus`` against ``shape`` reads."""
        if shape in self.inputs:  # compiled already (or recursive): feed its input slot
            self.step(Step("copy", focus, self.inputs[shape]))
            return
        self.inputs[shape] = focus
        todo = parameters(self.g, shape)
        path_node = self.g.value(shape, SH.path)
        values = focus
        if path_node is not None and todo:
            values = self.slot("value")
            self.step(Step("walk", focus, values, shacl_path(self.g, path_node)))
        for name, obj in todo:
            if name == "class":
                self.step(Step("types", values))
            elif name in PAIRS:
                if not isinstance(obj, URIRef):
                    raise Unsupported(f"sh:{name} {obj}")
                self.step(Step("walk", focus, self.slot("pair"), ("p", obj, True)))
            elif name == "closed":
                self.step(Step("out", values))
                self.step(Step("out", focus))
            elif name in ("node", "property", "not", "and", "or", "xone"):
                for member in members(self.g, name, obj):
                    self.shape(member, values)
            elif name == "qualifiedValueShape":
                self.shape(obj, values)
                for sibling in self._siblings(shape):
                    self.shape(sibling, values)
            elif name == "sparql" and not deactivated(self.g, obj):
                _Query(self, obj, focus, path_node).compile()

    def _siblings(self, shape: Node) -> set[Node]:
        found: set[Node] = set()
        for parent in self.g.subjects(SH.property, shape):
            for other in self.g.objects(parent, SH.property):
                found.update(self.g.objects(other, SH.qualifiedValueShape))
        return found


# ---------------------------------------------------------------------------------------------
# SPARQL constraints
# ---------------------------------------------------------------------------------------------


class _Query:
    """The steps of one SPARQL constraint, from the rdflib algebra of its query."""

    def __init__(self, owner: _Shapes, constraint: Node, focus: str, path: Node | None) -> None:
        self.owner = owner
        self.constraint = constraint
        self.focus = focus
        self.path = path
        self.scopes = 0

    def compile(self) -> None:
        query = constraint_query(self.owner.g, self.constraint, self.path)
        self.scope = self.owner.slot("q") + ":"
        self.prebound = True
        self.pattern(query.algebra, set(), emit=True)

    # A node's (anchored, always-bound) variables, given the anchored variables of its context.
    def pattern(self, node: CompValue, anchored: set[str], emit: bool) -> tuple[set, set]:
        name = node.name
        if name == "SelectQuery":
            return self.pattern(node.p, anchored, emit)
        if name == "BGP":
            return self.bgp(node.triples, anchored, emit)
        if name == "Join":
            return self.join(node, anchored, emit)
        if name in ("LeftJoin", "Minus"):
            ka, ba = self.pattern(node.p1, anchored, emit)
            self.pattern(node.p2, ka & ba, emit)
            if name == "LeftJoin":
                self.expression(node.expr, ka & ba, emit)
            return ka, ba
        if name == "Union":
            k1, b1 = self.pattern(node.p1, anchored, emit)
            k2, b2 = self.pattern(node.p2, anchored, emit)
            return k1 & k2, b1 & b2
        if name in ("Filter", "Extend"):
            k, b = self.pattern(node.p, anchored, emit)
            self.expression(node.expr, k & b, emit)
            return k, b
        if name in OPS_SAME:
            k, b = self.pattern(node.p, anchored, emit)
            if name == "OrderBy":
                self.expression(node.expr, k & b, emit)
            return k, b
        if name == "Project":
            k, b = self.pattern(node.p, anchored, emit)
            keep = {str(v) for v in node.PV}
            return k & keep, b & keep
        if name == "AggregateJoin":
            k, b = self.pattern(node.p, anchored, emit)
            self.expression(node.A, k & b, emit)
            return k, b
        if name == "Group":  # aggregates see all solutions of their group: no outer anchor
            k, b = self.pattern(node.p, set(), emit)
            self.expression(node.expr, k & b, emit)
            keys = {str(v) for v in node.expr or () if isinstance(v, Variable)}
            return k & keys, b & keys
        if name == "ToMultiSet":
            return self.subquery(node.p, emit)
        if name in REFUSED_OPS:
            raise Unsupported(f"the query uses {name}")
        raise Unsupported(f"SPARQL algebra {name}")

    def join(self, node: CompValue, anchored: set[str], emit: bool) -> tuple[set, set]:
        """Both sides of a join; a side is anchored by what the side emitted before it filled.

        The analysis (``emit`` false) lets each side use the other's anchors, to a fixed point;
        it only estimates. The steps follow a well-founded order instead: the side that anchors
        more of its own variables is emitted first, then the other with the variables the first
        one's steps fill (never a variable the first side could anchor only through the second).
        """
        if not emit:
            a_in, b_in = set(anchored), set(anchored)
            for _ in range(8):
                ka, ba = self.pattern(node.p1, a_in, False)
                kb, bb = self.pattern(node.p2, b_in, False)
                new_a, new_b = anchored | (kb & bb), anchored | (ka & ba)
                if (new_a, new_b) == (a_in, b_in):
                    break
                a_in, b_in = new_a, new_b
            return ka | kb, ba | bb
        ka, ba = self.pattern(node.p1, anchored, False)
        kb, bb = self.pattern(node.p2, anchored, False)
        first, second = (node.p1, node.p2) if len(ba - ka) <= len(bb - kb) else (node.p2, node.p1)
        kf, bf = self.pattern(first, anchored, True)
        ks, bs = self.pattern(second, anchored | (kf & bf), True)
        return kf | ks, bf | bs

    def subquery(self, node: CompValue, emit: bool) -> tuple[set, set]:
        """A sub-select: its own scope, where ``$this`` is an ordinary variable."""
        if node.name == "values":
            raise Unsupported("the query uses VALUES")
        outer = (self.scope, self.prebound)
        self.scopes += 1
        self.scope, self.prebound = f"{self.scope}s{self.scopes}:", False
        try:
            k, b = self.pattern(node, set(), emit)
            inner = {var: self.slot(var) for var in k}
        finally:
            self.scope, self.prebound = outer
        if emit:
            for var, slot in inner.items():
                self.owner.step(Step("copy", slot, self.slot(var)))
        return k, b

    def slot(self, var: str) -> str:
        """The slot holding the values of ``var`` in the current scope."""
        if var == "this" and self.prebound:
            return self.focus
        return self.scope + var

    def expression(self, expr: object, anchored: set[str], emit: bool) -> None:
        """The (NOT) EXISTS parts of an expression, anchored by its input's variables."""
        for body in _exists_bodies(expr):
            if body.name not in _ALGEBRA:
                body = translateGroupGraphPattern(body)
            self.pattern(body, anchored, emit)

    def bgp(self, triples: list, anchored: set[str], emit: bool) -> tuple[set, set]:
        """Steps for a basic graph pattern; every variable in it ends up anchored or read.

        Cheapest first: from an anchored subject (forward, bounded by out-degrees), from a
        constant subject, then backward from an anchored or constant object (an organisation or
        a class can have millions of incoming triples), and last every triple of a predicate.
        """
        variables = {_name(t) for triple in triples for t in triple if _is_var(t)}
        known = {v for v in anchored if v in variables}
        if self.prebound:
            known.add("this")
        todo = list(triples)
        while todo:
            choices = [(self._cost(t, known), i) for i, t in enumerate(todo)]
            if not emit:  # the analysis follows chains of anchored variables only
                choices = [c for c in choices if c[0][0] in (0, 2)]
            if not choices:
                break
            (cost, position), index = min(choices)
            triple = todo.pop(index)
            if emit:
                self._step(triple, cost, position)
            known |= {_name(t) for t in triple if _is_var(t)}
        return (variables if emit else known & variables), variables

    @staticmethod
    def _cost(triple: tuple, known: set[str]) -> tuple[int, int]:
        """(cost class, position to start from) of a triple pattern, given anchored variables."""
        s, p, o = triple
        if _is_var(s) and _name(s) in known:
            return 0, 0
        if not _is_var(s):
            return 1, 0
        if _is_var(o) and _name(o) in known:
            return 2, 2
        if _is_var(p) and _name(p) in known:
            return 2, 1
        if not _is_var(o):
            return 3, 2
        return 4, 0

    def _step(self, triple: tuple, cost: int, position: int) -> None:
        """Emit the step reading ``triple`` from ``position`` (cost 4: every triple of it)."""
        s, p, o = triple
        if cost in (0, 2):
            self._emit(triple, position, self.slot(_name(triple[position])))
        elif cost in (1, 3):
            constant = self.owner.slot("const")
            self.owner.step(Step("seed", None, constant, pattern=(triple[position],)))
            self._emit(triple, position, constant)
        elif isinstance(p, URIRef):
            targets = (self.slot(_name(s)), None, self.slot(_name(o)))
            self.owner.step(Step("fetch", pattern=(s, p, o), targets=targets))
        else:
            raise Unsupported(f"a pattern between two unanchored variables: {p!r}")

    def _emit(self, triple: tuple, position: int, source: str) -> None:
        s, p, o = triple
        if _is_var(p):
            targets = tuple(self.slot(_name(t)) if _is_var(t) else None for t in triple)
            self.owner.step(Step("match", source, position=position, targets=targets))
            return
        path = sparql_path(p)
        if position == 2:
            path, far = inverse(path), s
        else:
            far = o
        target = self.slot(_name(far)) if _is_var(far) else None
        self.owner.step(Step("walk", source, target, path))


_ALGEBRA = {
    "BGP",
    "Join",
    "LeftJoin",
    "Minus",
    "Union",
    "Filter",
    "Extend",
    "Project",
    "Distinct",
    "Reduced",
    "OrderBy",
    "Slice",
    "Group",
    "AggregateJoin",
    "ToMultiSet",
    "Graph",
    "values",
    "ServiceGraphPattern",
    "SelectQuery",
}


def _name(term: object) -> str:
    return f"_:{term}" if isinstance(term, BNode) else str(term)


def _exists_bodies(expr: object) -> Iterator[CompValue]:
    if isinstance(expr, CompValue):
        if expr.name in ("Builtin_EXISTS", "Builtin_NOTEXISTS"):
            yield expr.graph
            return
        for key, value in expr.items():
            if key != "_vars":
                yield from _exists_bodies(value)
    elif isinstance(expr, list | tuple):
        for value in expr:
            yield from _exists_bodies(value)
