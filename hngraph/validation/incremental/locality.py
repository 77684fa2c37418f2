"""Prove that every shape reads, for a node of one part, only that part and the shared part.

The claim. Let G be the data, S its shared part and L the part of one list (a triple is in the
part of its subject, ``parts``). For every shape, focus node f in L and the results pySHACL
reports for f: the results on S ∪ L equal the results on G; for f in S, the results on S equal
those on G; and so does the context of each result (task number, department: ``report``).
Then validating S, and each list with S, and keeping each run's results for its own focus
nodes, gives exactly the results of G.

The proof is an abstract interpretation of the shapes over four kinds of node: ``o`` (an IRI of
the part being validated), ``s`` (a shared IRI), ``x`` (an IRI of another list) and ``v`` (a
literal). Facts about the data (``Facts``, from each part's ``Summary``) say, per predicate,
which kinds its objects have in the shared part and in the list parts; the partition itself
guarantees that a list's triples never point to another list and that there is no blank node
(``Summary.problems`` are checked first). A triple lies outside S ∪ L exactly when its subject
is of kind ``x``. Every way pySHACL reads the data is followed with the kinds its nodes can
have — targets (``sh:targetClass`` walks ``rdfs:subClassOf`` backwards from the class, then
``rdf:type`` to the focus node; ``sh:targetObjectsOf`` walks backwards), property paths of
property shapes, ``sh:class`` (``rdf:type``, ``rdfs:subClassOf*``), ``sh:equals`` and the other
pair constraints, ``sh:closed``, nested shapes on value nodes, the triple patterns and property
paths of SPARQL constraints, and the context lookups of the report — and a read whose triples
may have a subject of kind ``x`` is a *hazard*: the shape is then not proved local, and the
dataset is validated whole.

In a SPARQL basic graph pattern every solution matches every pattern, so the kinds of a variable
are narrowed by all patterns that mention it, to a fixed point (``?j hn:target ?v`` with ``?v``
of kind ``o`` makes ``?j`` of kind ``o`` — or ``s`` where the shared part has ``hn:target`` to a
list — whatever other patterns say). Narrowing flows into OPTIONAL, MINUS and (NOT) EXISTS parts
from their context (their matches matter only when compatible with it), never out of them; a
UNION's variables have the union of its branches' kinds; ``FILTER (?p IN (...))`` and ``?p =
<iri>`` narrow a variable (the filtered-out solutions cannot change the result); a BIND gives a
literal only for functions that return literals, else any kind. Aggregates, sub-queries,
VALUES, GRAPH, SERVICE, SPARQL-based targets and custom constraint components are not analysed:
``Unsupported``, so the shape is not proved local.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from rdflib import BNode, Graph, Literal, URIRef, Variable
from rdflib.namespace import OWL, RDF, RDFS, SH, SKOS, XSD
from rdflib.plugins.sparql.algebra import translateGroupGraphPattern
from rdflib.plugins.sparql.parserutils import CompValue
from rdflib.term import Node

from hngraph.validation.fast.reach import _ALGEBRA, PAIRS, _exists_bodies, sparql_path
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
from hngraph.validation.incremental.parts import LIST, LITERAL, OTHER, OWN, SHARED, owner
from hngraph.vocab import HN

Kinds = frozenset
#: Constraint parameters that read nothing beyond the value nodes themselves.
VALUE_ONLY = {
    *("datatype", "nodeKind", "minCount", "maxCount", "minLength", "maxLength", "pattern"),
    *("minInclusive", "maxInclusive", "minExclusive", "maxExclusive", "languageIn"),
    *("uniqueLang", "in", "hasValue"),
}
TARGETS = (SH.targetClass, SH.targetNode, SH.targetSubjectsOf, SH.targetObjectsOf, SH.target)
#: What ``hngraph.validation.report`` reads to give a result its task, measure and department.
CONTEXT = (
    RDF.type,
    HN.taskNumber,
    HN.task,
    HN.measureNumber,
    HN.taskList,
    HN.nameAsWritten,
    SKOS.prefLabel,
    SKOS.altLabel,
    HN.organization,
)
_LITERAL_NAMES = (
    "STR",
    "LANG",
    "LANGMATCHES",
    "BOUND",
    "sameTerm",
    "isIRI",
    "isURI",
    "isBLANK",
    "isLITERAL",
    "isNUMERIC",
    "REGEX",
    "STRLEN",
    "SUBSTR",
    "UCASE",
    "LCASE",
    "STRSTARTS",
    "STRENDS",
    "CONTAINS",
    "STRBEFORE",
    "STRAFTER",
    "ENCODE_FOR_URI",
    "CONCAT",
    "REPLACE",
    "ABS",
    "ROUND",
    "CEIL",
    "FLOOR",
    "RAND",
    "NOW",
    "YEAR",
    "MONTH",
    "DAY",
    "HOURS",
    "MINUTES",
    "SECONDS",
    "TIMEZONE",
    "TZ",
    "MD5",
    "SHA1",
    "SHA256",
    "SHA384",
    "SHA512",
    "STRLANG",
    "STRDT",
    "UUID",
    "STRUUID",
    "EXISTS",
    "NOTEXISTS",
)
_LITERAL_FUNCTIONS = {"Builtin_" + name for name in _LITERAL_NAMES} | {
    "RelationalExpression",
    "ConditionalAndExpression",
    "ConditionalOrExpression",
    "AdditiveExpression",
    "MultiplicativeExpression",
    "UnaryNot",
    "UnaryMinus",
    "UnaryPlus",
}


@dataclass(frozen=True)
class Facts:
    """Per predicate, the kinds of its objects: ``shared`` part (s, l, v), list parts (o, s, v)."""

    shared: Mapping[str, frozenset[str]]
    lists: Mapping[str, frozenset[str]]


@dataclass
class Verdict:
    """Whether every shape is proved local; if not, why (one line per hazard)."""

    local: bool
    reasons: list[str] = field(default_factory=list)


def prove(shapes: Graph, facts: Facts) -> Verdict:
    """Analyse every targeted shape for a list's focus nodes and for the shared part's."""
    if custom_component(shapes) is not None:
        return Verdict(False, ["custom constraint components are not analysed"])
    reasons: list[str] = []
    for mode in ("list", "shared"):
        run = _Run(shapes, facts, mode)
        for shape in sorted(targeted(shapes), key=str):
            try:
                run.top_shape(shape)
            except Unsupported as why:
                run.hazard(shape, f"not analysed: {why}")
        reasons += run.hazards
    return Verdict(not reasons, sorted(set(reasons)))


def targeted(shapes: Graph) -> set[Node]:
    """Shapes with a target (explicit, or implicit: a shape that is also a class)."""
    found = {s for predicate in TARGETS for s in shapes.subjects(predicate, None)}
    for kind in (SH.NodeShape, SH.PropertyShape):
        for shape in shapes.subjects(RDF.type, kind):
            if (shape, RDF.type, RDFS.Class) in shapes or (shape, RDF.type, OWL.Class) in shapes:
                found.add(shape)
    return found


class _Run:
    """The analysis for one mode: ``list`` (focus nodes of kind o) or ``shared`` (kind s)."""

    def __init__(self, shapes: Graph, facts: Facts, mode: str) -> None:
        self.g = shapes
        self.facts = facts
        self.mode = mode
        self.own = Kinds({OWN}) if mode == "list" else Kinds({SHARED})
        self.lists = Kinds({OWN, OTHER}) if mode == "list" else Kinds({OTHER})
        self.top = self.lists | {SHARED, LITERAL}
        self.all_predicates = sorted(set(facts.shared) | set(facts.lists))
        self.hazards: list[str] = []
        self.current: Node | None = None
        self.done: dict[tuple[Node, frozenset], frozenset] = {}

    def hazard(self, shape: Node | None, why: str) -> None:
        self.hazards.append(f"{shape} ({self.mode} part): {why}")

    # Kinds -------------------------------------------------------------------------------

    def const(self, term: Node) -> frozenset:
        if isinstance(term, Literal):
            return Kinds({LITERAL})
        if isinstance(term, URIRef):
            return self.lists if owner(str(term)) is not None else Kinds({SHARED})
        return self.top

    def _preds(self, preds: Iterable[str] | None) -> Iterable[str]:
        return self.all_predicates if preds is None else preds

    def forward(self, kinds: frozenset, preds: Iterable[str] | None) -> frozenset:
        """Kinds of the objects of triples with a subject of ``kinds`` and one of ``preds``."""
        out: set[str] = set()
        for p in self._preds(preds):
            in_lists, in_shared = self.facts.lists.get(p, ()), self.facts.shared.get(p, ())
            for kind in kinds:
                if kind in (OWN, OTHER):
                    out |= {kind if k == OWN else k for k in in_lists}
                elif kind == SHARED:
                    for k in in_shared:
                        out |= self.lists if k == LIST else {k}
        return Kinds(out)

    def backward(self, kinds: frozenset, preds: Iterable[str] | None) -> frozenset:
        """Kinds of the subjects of triples with an object of ``kinds`` and one of ``preds``."""
        out: set[str] = set()
        for p in self._preds(preds):
            in_lists, in_shared = self.facts.lists.get(p, ()), self.facts.shared.get(p, ())
            for kind in kinds:
                if kind in (OWN, OTHER):
                    if OWN in in_lists:
                        out.add(kind)
                    if LIST in in_shared:
                        out.add(SHARED)
                elif kind in (SHARED, LITERAL):
                    if kind in in_shared:
                        out.add(SHARED)
                    if kind in in_lists:
                        out |= self.lists
        return Kinds(out)

    def walk(self, kinds: frozenset, path: PathPlan, record: bool) -> frozenset:
        """Kinds reached along a path plan; with ``record``, a read outside the parts is noted."""
        kind = path[0]
        if kind == "p":
            if path[2]:
                if record and OTHER in kinds:
                    self.hazard(self.current, f"reads <{path[1]}> of another list's node")
                return self.forward(kinds, [str(path[1])])
            subjects = self.backward(kinds, [str(path[1])])
            if record and OTHER in subjects:
                self.hazard(self.current, f"reads ^<{path[1]}> into another list")
            return subjects
        if kind == "seq":
            for part in path[1]:
                kinds = self.walk(kinds, part, record)
            return kinds
        if kind == "alt":
            return Kinds().union(*(self.walk(kinds, part, record) for part in path[1]))
        if kind == "rep":
            reached = set(kinds) if path[2] else set()
            frontier = self.walk(kinds, path[1], record)
            while not frontier <= reached:
                reached |= frontier
                frontier = self.walk(frontier, path[1], record) if path[3] else Kinds()
            return Kinds(reached)
        forward, backward = self.forward(kinds, None), self.backward(kinds, None)  # "any"
        if record and (OTHER in kinds or OTHER in backward):
            self.hazard(self.current, "a negated property path reads another list")
        return forward | backward

    # Shapes -------------------------------------------------------------------------------

    def top_shape(self, shape: Node) -> None:
        self.current = shape
        if any(True for _ in self.g.objects(shape, SH.target)):
            raise Unsupported("SPARQL-based targets (sh:target)")
        classes = set(self.g.objects(shape, SH.targetClass))
        if (shape, RDF.type, RDFS.Class) in self.g or (shape, RDF.type, OWL.Class) in self.g:
            classes.add(shape)
        for cls in classes:  # the subclasses of cls, then rdf:type of the focus node (own part)
            self.walk(self.const(cls), ("rep", ("p", RDFS.subClassOf, False), True, True), True)
        for predicate in self.g.objects(shape, SH.targetObjectsOf):
            self.walk(self.own, ("p", predicate, False), True)
        values = self.shape(shape, self.own)
        context = self.own | self.forward(self.own, [str(HN.task)]) | values
        reached = self.walk(context, ("rep", ("p", HN.organization, True), True, True), True)
        if OTHER in reached:
            self.hazard(shape, "a result's context would be looked up in another list")
        for predicate in CONTEXT:
            self.walk(reached, ("p", predicate, True), True)

    def shape(self, shape: Node, focus: frozenset) -> frozenset:
        """Analyse ``shape`` on focus nodes of ``focus`` kinds; the kinds results may name."""
        key = (shape, focus)
        if key in self.done:  # analysed already, or being analysed (a recursive shape)
            return self.done[key]
        self.done[key] = values = focus
        if deactivated(self.g, shape):
            return Kinds()
        path_node = self.g.value(shape, SH.path)
        if path_node is not None:
            values = self.walk(focus, shacl_path(self.g, path_node), True)
        named = values | focus
        for name, obj in parameters(self.g, shape):  # the fast engine's one shape walker
            if name in VALUE_ONLY:
                continue
            if name == "class":
                types = self.walk(values, ("p", RDF.type, True), True)
                self.walk(types, ("rep", ("p", RDFS.subClassOf, True), True, True), True)
            elif name in PAIRS:
                if not isinstance(obj, URIRef):
                    raise Unsupported(f"sh:{name} {obj}")
                self.walk(focus, ("p", obj, True), True)
            elif name == "closed":
                self.walk(values | focus, ("any",), True)
            elif name in ("node", "property", "not", "and", "or", "xone"):
                for member in members(self.g, name, obj):
                    named |= self.shape(member, values)
            elif name == "qualifiedValueShape":
                named |= self.shape(obj, values)
                for parent in self.g.subjects(SH.property, shape):
                    for sibling in self.g.objects(parent, SH.property):
                        for other in self.g.objects(sibling, SH.qualifiedValueShape):
                            named |= self.shape(other, values)
            elif name == "sparql":
                if not deactivated(self.g, obj):
                    named |= self.sparql(obj, focus, path_node)
            else:
                raise Unsupported(f"constraint sh:{name}")
        self.done[key] = named
        return named

    # SPARQL -------------------------------------------------------------------------------

    def sparql(self, constraint: Node, focus: frozenset, path: Node | None) -> frozenset:
        query = constraint_query(self.g, constraint, path)
        env = _Env({"this": focus}, {}, {"this"})
        final = self.pattern(query.algebra, env, False)
        self.pattern(query.algebra, final, True)
        named = focus
        for var in ("value", "path"):
            named |= final.kinds.get(var, self.top) if var in final.bound else Kinds()
        return named

    def pattern(self, node: CompValue, env: _Env, record: bool) -> _Env:
        """The kinds of the variables after ``node``; hazards of its reads with ``record``."""
        name = node.name
        if name in ("SelectQuery", "Project", "Distinct", "Reduced"):
            return self.pattern(node.p, env, record)
        if name == "OrderBy":
            out = self.pattern(node.p, env, record)
            self.expression(node.expr, out, record)
            return out
        if name == "BGP":
            return self.bgp(node.triples, env, record)
        if name == "Join":
            current = env
            for _ in range(16):
                narrowed = self.pattern(node.p2, self.pattern(node.p1, current, False), False)
                if narrowed == current:
                    break
                current = narrowed
            if record:
                self.pattern(node.p1, current, True)
                self.pattern(node.p2, current, True)
            return current
        if name in ("LeftJoin", "Minus"):
            left = self.pattern(node.p1, env, record)
            right = self.pattern(node.p2, left, record)
            if name == "LeftJoin":
                self.expression(node.expr, right, record)
            return left
        if name == "Union":
            one, two = self.pattern(node.p1, env, record), self.pattern(node.p2, env, record)
            bound = one.bound & two.bound
            kinds = {v: one.get(v, self.top) | two.get(v, self.top) for v in bound}
            return _Env(kinds, env.preds, bound)
        if name == "Filter":
            narrowed = self.constraints(node.expr, env)
            out = self.pattern(node.p, narrowed, record)
            self.expression(node.expr, out, record)
            return out
        if name == "Extend":
            out = self.pattern(node.p, env, record)
            self.expression(node.expr, out, record)
            var = str(node.var)
            kinds = dict(out.kinds)
            kinds[var] = self.expression_kinds(node.expr, out)
            return _Env(kinds, out.preds, out.bound | {var})
        raise Unsupported(f"SPARQL algebra {name}")

    def expression(self, expr: object, env: _Env, record: bool) -> None:
        """The (NOT) EXISTS parts of an expression, with the kinds of their context."""
        for body in _exists_bodies(expr):
            if body.name not in _ALGEBRA:
                body = translateGroupGraphPattern(body)
            final = self.pattern(body, env, False)
            if record:
                self.pattern(body, final, True)

    def constraints(self, expr: object, env: _Env) -> _Env:
        """``env`` narrowed by the conjuncts ``?v IN (<iri>, …)`` and ``?v = <iri>`` of a filter."""
        kinds, preds = dict(env.kinds), dict(env.preds)
        for conjunct in _conjuncts(expr):
            if not isinstance(conjunct, CompValue) or conjunct.name != "RelationalExpression":
                continue
            var, op, other = conjunct.get("expr"), conjunct.get("op"), conjunct.get("other")
            if not isinstance(var, Variable):
                continue
            values = list(other) if op == "IN" else [other] if op == "=" else None
            if not values or not all(isinstance(v, URIRef | Literal) for v in values):
                continue
            allowed = Kinds().union(*(self.const(v) for v in values))
            kinds[str(var)] = kinds.get(str(var), self.top) & allowed
            if all(isinstance(v, URIRef) for v in values):
                iris = {str(v) for v in values}
                preds[str(var)] = preds[str(var)] & iris if str(var) in preds else iris
        return _Env(kinds, preds, env.bound)

    def expression_kinds(self, expr: object, env: _Env) -> frozenset:
        if isinstance(expr, Variable):
            return env.get(str(expr), self.top)
        if isinstance(expr, URIRef):
            return self.const(expr)
        if isinstance(expr, Literal):
            return Kinds({LITERAL})
        if isinstance(expr, CompValue):
            if expr.name == "Builtin_IF":
                return self.expression_kinds(expr.arg2, env) | self.expression_kinds(expr.arg3, env)
            if expr.name == "Builtin_COALESCE":
                return Kinds().union(*(self.expression_kinds(a, env) for a in expr.arg))
            if expr.name in _LITERAL_FUNCTIONS:
                return Kinds({LITERAL})
            if expr.name == "Function" and str(expr.iri).startswith(str(XSD)):
                return Kinds({LITERAL})  # a cast
        return self.top

    def bgp(self, triples: list, env: _Env, record: bool) -> _Env:
        """Narrow the kinds of a basic graph pattern's variables by all its patterns."""
        kinds = dict(env.kinds)
        bound = set(env.bound)
        for triple in triples:
            bound |= {_name(t) for t in triple if _is_var(t)}
        for _ in range(32):
            changed = False
            for s, p, o in triples:
                ks, ko = self._kinds(s, kinds), self._kinds(o, kinds)
                path, preds = self._predicate(p, env)
                if path is not None:
                    new_o = self.walk(ks, path, False)
                    new_s = self.walk(ko, inverse(path), False)
                else:
                    new_o, new_s = self.forward(ks, preds), self.backward(ko, preds)
                for term, old, new in ((o, ko, new_o), (s, ks, new_s)):
                    if _is_var(term) and (old & new) != old:
                        kinds[_name(term)] = old & new
                        changed = True
            if not changed:
                break
        if record:
            for s, p, _o in triples:
                ks = self._kinds(s, kinds)
                path, _preds = self._predicate(p, env)
                if path is not None:
                    self.walk(ks, path, True)
                elif OTHER in ks:
                    self.hazard(self.current, f"a pattern may match another list's triples: {p}")
        return _Env(kinds, env.preds, bound)

    def _kinds(self, term: Node, kinds: dict) -> frozenset:
        return kinds.get(_name(term), self.top) if _is_var(term) else self.const(term)

    def _predicate(self, p: object, env: _Env) -> tuple[PathPlan | None, list[str] | None]:
        """A plain predicate as a list of IRIs (None: any), or a property path as a plan."""
        if isinstance(p, URIRef):
            return None, [str(p)]
        if isinstance(p, Variable):
            found = env.preds.get(str(p))
            return None, sorted(found) if found is not None else None
        return sparql_path(p), None  # type: ignore[arg-type]


@dataclass
class _Env:
    """Kinds of variables (absent: any kind), IRIs a predicate variable may take, bound vars."""

    kinds: dict[str, frozenset]
    preds: dict[str, set[str]]
    bound: set[str] = field(default_factory=set)

    def get(self, var: str, default: frozenset) -> frozenset:
        return self.kinds.get(var, default)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, _Env) and (self.kinds, self.bound) == (other.kinds, other.bound)


def _conjuncts(expr: object) -> list:
    if isinstance(expr, CompValue) and expr.name == "ConditionalAndExpression":
        return [*_conjuncts(expr.expr), *(c for other in expr.other for c in _conjuncts(other))]
    return [expr]


def _is_var(term: object) -> bool:
    return isinstance(term, Variable | BNode)


def _name(term: object) -> str:
    return f"_:{term}" if isinstance(term, BNode) else str(term)
