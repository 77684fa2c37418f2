"""Compile SHACL shapes into SPARQL "screen" queries that find every node that may fail them.

A screen is complete, not exact: each query returns a superset of the focus nodes for which
pySHACL would report a result (of any severity). The engine (``engine.py``) runs the queries on
pyoxigraph and hands only those suspects to pySHACL, which makes the report. Whatever this module
cannot over-approximate soundly (``sh:not``, ``sh:xone``, qualified shapes, SPARQL targets,
unknown datatypes, SPARQL constraints using sub-selects, ``MINUS``, ``GRAPH`` ...) degrades to
"every focus node of that shape is a suspect", and so does a construct it does not know
(``Plan.notes`` names each such shape); a custom constraint component, a SPARQL target or a
target it cannot write raises ``Unsupported`` and the caller falls back to plain pySHACL.
A property shape's cardinality, value-type and value-range constraints share one grouped query.
``screen`` results are per shape: each shape's suspects are validated against that shape only.

Sound over-approximations used: comparisons that raise an error count as failures
(``COALESCE(…, false)``); term equality (``sameTerm``) where pySHACL may compare by value;
language tags compared case-insensitively; ``sh:pattern`` run with Python's ``re`` like pySHACL.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.collection import Collection
from rdflib.namespace import RDF, RDFS, SH, XSD
from rdflib.term import Node

from hngraph.sparql.text import tokens as sparql_tokens
from hngraph.validation.fast.shapes import (
    TARGETS,
    Unsupported,
    custom_component,
    deactivated,
    is_class,
    members,
    parameters,
    path_text,
    select_query,
    shacl_path,
    targeted,
)

CASTABLE = {
    XSD.integer,
    XSD.decimal,
    XSD.double,
    XSD.float,
    XSD.boolean,
    XSD.dateTime,
    XSD.date,
    XSD.time,
    XSD.gYear,
    XSD.gYearMonth,
    XSD.duration,
}
FOCUS = "?this"
COMPARE = {"minInclusive": ">=", "maxInclusive": "<=", "minExclusive": ">", "maxExclusive": "<"}
LENGTH = {"minLength": ">=", "maxLength": "<="}
PAIR = {"lessThan": "<", "lessThanOrEquals": "<="}  # sh:equals and sh:disjoint: c_equals, ...
NOT_SCREENED = {
    "not": "sh:not is not screened",
    "xone": "sh:xone is not screened",
    "qualifiedValueShape": "qualified shapes are not screened",
}


@dataclass(frozen=True)
class Check:
    """One screen query.

    ``kind`` "select" and "sparql": the query's ``this`` column lists suspects; "pattern": rows of
    (``this``, ``v``) whose ``v`` fails ``regex`` in Python; "nested": rows of (``this``, ``v``)
    whose ``v`` fails the member shapes in ``groups``.
    """

    shape: Node
    component: str
    query: str
    kind: str = "select"
    regex: tuple[str, str] | None = None  # (pattern, flags) for kind "pattern"
    groups: tuple[tuple[Check, ...] | None, ...] = ()  # member shapes' checks, kind "nested"
    all_fail: bool = False  # kind "nested": a value is bad when it fails every member (sh:or)
    per_node: str | None = None  # kind "sparql": the query with $this as "{this}", run per node
    guards: tuple[str, ...] = ()  # per_node: ASK queries that must all hold for any row
    focus: str | None = None  # kind "sparql": the focus pattern, to list the nodes for per_node
    scan: str | None = None  # kind "pattern": read (this, v) as the triples of this predicate


@dataclass
class _Group:
    """A property shape's constraints that share one grouped query (see ``_Compiler.group``)."""

    mins: list[int] = field(default_factory=list)
    maxes: list[int] = field(default_factory=list)
    bad: list[str] = field(default_factory=list)
    classes: list[str] = field(default_factory=list)
    names: list[str] = field(default_factory=list)


@dataclass
class Plan:
    """Every screen query of a shapes graph, and notes on what was over-approximated."""

    checks: list[Check] = field(default_factory=list)
    notes: list[tuple[Node, str]] = field(default_factory=list)  # (shape, why all its nodes)


def compile_shapes(shapes: Graph, subclasses: Callable[[Node], set] | None = None) -> Plan:
    """The screen of every targeted, active shape of ``shapes``.

    ``subclasses(C)`` gives the classes below ``C`` in the data (``rdfs:subClassOf+``); when a
    shape targets one class that has none, its focus pattern is the plain ``?this a C`` (fast
    joins); otherwise a ``SELECT DISTINCT`` sub-query (each focus node bound exactly once).
    """
    custom = custom_component(shapes)
    if custom is not None:
        raise Unsupported("a custom constraint component (the screen knows SHACL's own)", custom)
    plan = Plan()
    compiler = _Compiler(shapes, plan)
    for shape in targeted(shapes):
        try:
            focus = _focus(shapes, shape, subclasses)
        except Unsupported as why:
            raise Unsupported(str(why), shape) from None
        checks = len(plan.checks)
        try:
            compiler.shape(shape, focus, depth=0)
        except Unsupported as why:  # this shape only: all its focus nodes go to pySHACL
            del plan.checks[checks:]
            compiler.groups.clear()
            compiler.everyone(shape, "unsupported", focus, str(why))
    return plan


def _focus(shapes: Graph, shape: Node, subclasses: Callable[[Node], set] | None = None) -> str:
    """A group pattern binding ``?this`` once to each of the shape's target nodes."""
    classes = list(shapes.objects(shape, SH.targetClass))
    if is_class(shapes, shape):
        classes.append(shape)
    others = any(
        (shape, p, None) in shapes for p in (SH.targetNode, SH.targetSubjectsOf, SH.targetObjectsOf)
    )
    if subclasses is not None and len(classes) == 1 and not others and not subclasses(classes[0]):
        return f"{FOCUS} <{RDF.type}> {_term(classes[0])} ."
    parts = []
    for cls in shapes.objects(shape, SH.targetClass):
        parts.append(f"{{ {FOCUS} {_type_path()} {_term(cls)} }}")
    if is_class(shapes, shape):
        parts.append(f"{{ {FOCUS} {_type_path()} {_term(shape)} }}")
    nodes = [_term(node) for node in shapes.objects(shape, SH.targetNode)]
    if nodes:
        parts.append(f"{{ VALUES {FOCUS} {{ {' '.join(nodes)} }} }}")
    for prop in shapes.objects(shape, SH.targetSubjectsOf):
        parts.append(f"{{ {FOCUS} {_term(prop)} [] }}")
    for prop in shapes.objects(shape, SH.targetObjectsOf):
        parts.append(f"{{ [] {_term(prop)} {FOCUS} }}")
    return "{ SELECT DISTINCT ?this WHERE { " + " UNION ".join(parts) + " } }"


def _type_path() -> str:
    return f"<{RDF.type}>/<{RDFS.subClassOf}>*"


def _term(node: Node) -> str:
    if isinstance(node, BNode):
        raise Unsupported(f"a blank node where a term was expected ({node})")
    return node.n3()


class _Compiler:
    def __init__(self, shapes: Graph, plan: Plan) -> None:
        self.g = shapes
        self.plan = plan
        self.counter = 0
        self.groups: list[_Group] = []

    def fresh(self, name: str) -> str:
        self.counter += 1
        return f"?_{name}{self.counter}"

    # A shape's checks. ``focus`` binds ?this; ``owner`` is the top-level shape reported.
    def shape(self, shape: Node, focus: str, depth: int, owner: Node | None = None) -> None:
        if depth > 8:
            raise Unsupported("shapes nested deeper than 8")
        owner = owner if owner is not None else shape
        path_node = self.g.value(shape, SH.path)
        path = path_text(shacl_path(self.g, path_node)) if path_node is not None else None
        value = f"{FOCUS} {path} ?v ." if path else f"BIND({FOCUS} AS ?v)"
        self.groups.append(_Group())
        for name, obj in parameters(self.g, shape):
            if name == "property" and deactivated(self.g, obj):
                continue
            if name in COMPARE:
                expr = f"!COALESCE(?v {COMPARE[name]} {_term(obj)}, false)"
                self.bad(owner, name, focus, path, value, expr)
            elif name in LENGTH:
                ok = f"!isBlank(?v) && STRLEN(STR(?v)) {LENGTH[name]} {int(obj)}"  # type: ignore[call-overload]
                self.bad(owner, name, focus, path, value, f"!COALESCE({ok}, false)")
            elif name in PAIR:
                test = f"FILTER (!COALESCE(?v {PAIR[name]} ?w, false))"
                self.add(owner, name, focus, f"{value} {FOCUS} {_term(obj)} ?w . {test}")
            elif name in NOT_SCREENED:
                self.everyone(owner, name, focus, NOT_SCREENED[name])
            elif name in ("node", "and", "or") or (name == "property" and path is not None):
                # value nodes are focus nodes of the members; sh:or: bad when failing every one
                nested = members(self.g, name, obj)
                self._nested(owner, focus, path, value, nested, name, depth, name == "or")
            elif name == "property":
                self.shape(obj, focus, depth + 1, owner)
            else:
                getattr(self, f"c_{name}")(owner, shape, focus, path, value, obj, depth)
        self.group(owner, focus, value, self.groups.pop())

    def group(self, owner: Node, focus: str, value: str, group: _Group) -> None:
        """One query for a property shape's cardinality, value-type and value-range constraints.

        Each part of HAVING is free of errors (value tests are wrapped in ``COALESCE(…, false)``
        or only read a bound ``?v``), so the query returns every focus node that any of the
        separate queries would; one scan instead of one per constraint.
        """
        parts = [f"COUNT(DISTINCT ?v) < {n}" for n in group.mins]
        parts += [f"COUNT(DISTINCT ?v) > {n}" for n in group.maxes]
        if group.bad:
            parts.append(f"SUM(IF(BOUND(?v) && ({' || '.join(group.bad)}), 1, 0)) > 0")
        optionals = ""
        for cls in group.classes:
            flag = self.fresh("c")
            optionals += f" OPTIONAL {{ ?v {_type_path()} {cls} . BIND (true AS {flag}) }}"
            parts.append(f"SUM(IF(BOUND(?v) && !BOUND({flag}), 1, 0)) > 0")
        if not parts:
            return
        query = (
            f"SELECT ?this WHERE {{ {focus} OPTIONAL {{ {value}{optionals} }} }} "
            f"GROUP BY ?this HAVING ({' || '.join(parts)})"
        )
        self.plan.checks.append(Check(owner, "+".join(group.names), query))

    def bad(self, owner: Node, name: str, focus: str, path: str | None, value: str, expr: str):
        """A value test (``expr``: true for a failing ``?v``, never an error when ``?v`` is bound):
        into the property shape's grouped query, or a query of its own on a node shape."""
        if path is None:
            self.add(owner, name, focus, f"{value} FILTER ({expr})")
        else:
            self.groups[-1].bad.append(expr)
            self.groups[-1].names.append(name)

    def add(self, owner: Node, component: str, focus: str, body: str, tail: str = "") -> None:
        query = f"SELECT DISTINCT ?this WHERE {{ {focus} {body} }} {tail}"
        self.plan.checks.append(Check(owner, component, query))

    def everyone(self, owner: Node, component: str, focus: str, why: str) -> None:
        """Over-approximate: every focus node is a suspect."""
        self.plan.notes.append((owner, why))
        self.add(owner, component, focus, "")

    def values_focus(self, focus: str, path: str | None) -> str:
        """A focus pattern binding ?this to the value nodes of ``path`` (nested shapes)."""
        if path is None:
            return focus
        outer = self.fresh("o")
        return (
            f"{{ SELECT DISTINCT ?this WHERE {{ {focus.replace('?this', outer)} "
            f"{outer} {path} ?this . }} }}"
        )

    # --- value type -------------------------------------------------------------------------
    def c_class(self, owner, shape, focus, path, value, obj, depth) -> None:
        if path is not None:
            self.groups[-1].classes.append(_term(obj))
            self.groups[-1].names.append("class")
            return
        body = f"{value} FILTER NOT EXISTS {{ ?v {_type_path()} {_term(obj)} }}"
        self.add(owner, "class", focus, body)

    def c_datatype(self, owner, shape, focus, path, value, obj, depth) -> None:
        if obj == RDF.langString:
            ok = "isLiteral(?v) && LANG(?v) != ''"
        elif obj == XSD.string:
            ok = f"isLiteral(?v) && LANG(?v) = '' && DATATYPE(?v) = {_term(obj)}"
        elif obj in CASTABLE:
            ok = (
                f"isLiteral(?v) && DATATYPE(?v) = {_term(obj)} && "
                f"sameTerm({_term(obj)}(STR(?v)), ?v)"
            )
        else:
            self.everyone(owner, "datatype", focus, f"datatype {obj} is not screened")
            return
        self.bad(owner, "datatype", focus, path, value, f"!COALESCE({ok}, false)")

    def c_nodeKind(self, owner, shape, focus, path, value, obj, depth) -> None:
        tests = {
            SH.IRI: "isIRI(?v)",
            SH.BlankNode: "isBlank(?v)",
            SH.Literal: "isLiteral(?v)",
            SH.BlankNodeOrIRI: "(isBlank(?v) || isIRI(?v))",
            SH.BlankNodeOrLiteral: "(isBlank(?v) || isLiteral(?v))",
            SH.IRIOrLiteral: "(isIRI(?v) || isLiteral(?v))",
        }
        if obj not in tests:
            raise Unsupported(f"sh:nodeKind {obj}")
        self.bad(owner, "nodeKind", focus, path, value, f"!{tests[obj]}")

    # --- cardinality ------------------------------------------------------------------------
    def c_minCount(self, owner, shape, focus, path, value, obj, depth) -> None:
        if path is None:
            raise Unsupported("sh:minCount on a node shape")
        self.groups[-1].mins.append(int(obj))
        self.groups[-1].names.append("minCount")

    def c_maxCount(self, owner, shape, focus, path, value, obj, depth) -> None:
        if path is None:
            raise Unsupported("sh:maxCount on a node shape")
        self.groups[-1].maxes.append(int(obj))
        self.groups[-1].names.append("maxCount")

    # --- string -----------------------------------------------------------------------------
    def c_pattern(self, owner, shape, focus, path, value, obj, depth) -> None:
        flags = self.g.value(shape, SH.flags)
        query = f"SELECT ?this ?v WHERE {{ {focus} {value} }}"
        check = Check(owner, "pattern", query, "pattern", (str(obj), str(flags or "")))
        predicate = self._subjects_of_path(shape) if shape == owner else None
        if predicate is not None:  # (this, v) are exactly the triples of the predicate
            check = Check(owner, "pattern", query, "pattern", check.regex, scan=str(predicate))
        self.plan.checks.append(check)

    def c_languageIn(self, owner, shape, focus, path, value, obj, depth) -> None:
        tags = ", ".join(Literal(str(t).lower()).n3() for t in Collection(self.g, obj))
        first = "LCASE(STRBEFORE(CONCAT(LANG(?v), '-'), '-'))"
        ok = f"isLiteral(?v) && (LCASE(LANG(?v)) IN ({tags}) || {first} IN ({tags}))"
        self.bad(owner, "languageIn", focus, path, value, f"!COALESCE({ok}, false)")

    def _subjects_of_path(self, shape: Node) -> URIRef | None:
        """P, when the shape's only target is ``sh:targetSubjectsOf P`` and its path is P."""
        path = self.g.value(shape, SH.path)
        targets = [(p, o) for p in TARGETS for o in self.g.objects(shape, p)]
        only = targets == [(SH.targetSubjectsOf, path)] and not is_class(self.g, shape)
        if isinstance(path, URIRef) and only:
            return path
        return None

    def c_uniqueLang(self, owner, shape, focus, path, value, obj, depth) -> None:
        if obj != Literal(True):
            return
        if path is None:
            raise Unsupported("sh:uniqueLang on a node shape")
        body = (
            f"{FOCUS} {path} ?v , ?w . FILTER (!sameTerm(?v, ?w) && LANG(?v) != '' && "
            "LCASE(LANG(?v)) = LCASE(LANG(?w)))"
        )
        self.add(owner, "uniqueLang", focus, body)

    # --- property pair ----------------------------------------------------------------------
    def c_equals(self, owner, shape, focus, path, value, obj, depth) -> None:
        other = _term(obj)
        self.add(owner, "equals", focus, f"{value} FILTER NOT EXISTS {{ {FOCUS} {other} ?v }}")
        absent = f"{FOCUS} {path} ?v" if path else "FILTER (sameTerm(?this, ?v))"
        self.add(owner, "equals", focus, f"{FOCUS} {other} ?v . FILTER NOT EXISTS {{ {absent} }}")

    def c_disjoint(self, owner, shape, focus, path, value, obj, depth) -> None:
        body = (
            f"{value} {FOCUS} {_term(obj)} ?w . "
            "FILTER (sameTerm(?v, ?w) || COALESCE(?v = ?w, false))"
        )
        self.add(owner, "disjoint", focus, body)

    # --- other ------------------------------------------------------------------------------
    def c_in(self, owner, shape, focus, path, value, obj, depth) -> None:
        members = [_term(item) for item in Collection(self.g, obj)]
        ok = " || ".join(f"sameTerm(?v, {m})" for m in members) or "false"
        self.bad(owner, "in", focus, path, value, f"!({ok})")

    def c_hasValue(self, owner, shape, focus, path, value, obj, depth) -> None:
        if path is None:
            body = f"FILTER (!sameTerm(?this, {_term(obj)}))"
        else:
            body = f"FILTER NOT EXISTS {{ {FOCUS} {path} {_term(obj)} }}"
        self.add(owner, "hasValue", focus, body)

    def c_closed(self, owner, shape, focus, path, value, obj, depth) -> None:
        if obj != Literal(True):
            return
        allowed = {
            p for p in self.g.objects(shape, SH.property) for p in self.g.objects(p, SH.path)
        }
        ignored = self.g.value(shape, SH.ignoredProperties)
        if ignored is not None:
            allowed.update(Collection(self.g, ignored))
        if any(not isinstance(p, URIRef) for p in allowed):
            allowed = {p for p in allowed if isinstance(p, URIRef)}
        terms = ", ".join(_term(p) for p in sorted(allowed, key=str)) or "<urn:hngraph:none>"
        self.add(owner, "closed", focus, f"{FOCUS} ?p ?o . FILTER (?p NOT IN ({terms}))")

    def _nested(self, owner, focus, path, value, members, name, depth, all_fail) -> None:
        """Value nodes that fail a member shape (``all_fail``: fail every member)."""
        nested = self.values_focus(focus, path)
        groups: list[tuple[Check, ...] | None] = []
        for member in members:
            plan = Plan()
            sub = _Compiler(self.g, plan)
            sub.counter = self.counter + 1000
            if deactivated(self.g, member):
                groups.append(None)
                continue
            sub.shape(member, nested, depth + 1)
            self.plan.notes.extend(plan.notes)
            groups.append(tuple(plan.checks))
        query = f"SELECT DISTINCT ?this ?v WHERE {{ {focus} {value} }}"
        self.plan.checks.append(Check(owner, name, query, "nested", None, tuple(groups), all_fail))

    def c_sparql(self, owner, shape, focus, path, value, obj, depth) -> None:
        if deactivated(self.g, obj):
            return
        prefixes, text = select_query(self.g, obj, self.g.value(shape, SH.path))
        try:
            rewritten = _not_exists_as_optional(text)
            body = _prebind(rewritten, focus)
        except Unsupported as why:
            self.everyone(owner, "sparql", focus, str(why))
            return
        per_node: str | None = None
        guards: tuple[str, ...] = ()
        if "EXISTS" in rewritten.upper() and "GROUP" not in rewritten.upper():
            rest, bodies = _uncorrelated_exists(_substituted(rewritten))
            per_node = prefixes + rest
            guards = tuple(f"{prefixes}ASK {{ {b} }}" for b in bodies)
        check = Check(
            owner,
            "sparql",
            prefixes + body,
            "sparql",
            per_node=per_node,
            guards=guards,
            focus=focus,
        )
        self.plan.checks.append(check)


NO_FOCUS_NEEDED = {"EXISTS", "OPTIONAL"}
REFUSED = {"MINUS", "GRAPH", "SERVICE", "SELECT", "VALUES", "FROM"}
PREBOUND = ("$currentShape", "$shapesGraph", "?currentShape", "?shapesGraph")


def _tokens(query: str) -> list[tuple[str, int, int]]:
    """Significant tokens (text, start, end) of the shared SPARQL tokenizer."""
    return [
        (token.text, token.start, token.start + len(token.text))
        for token in sparql_tokens(query)
        if token.kind not in ("space", "comment")
    ]


def _not_exists_as_optional(query: str) -> str:
    """Rewrite ``FILTER NOT EXISTS { flat body }`` as an OPTIONAL at the end of its group.

    ``OPTIONAL { body BIND(true AS ?f) } FILTER(!BOUND(?f))`` keeps exactly the solutions with
    no compatible match of the body (its top-level filters become the left join's condition, so
    they see the outer solution, as in EXISTS). Oxigraph plans EXISTS without the outer
    bindings (a scan per row, quadratic on big data) but runs the left join as a hash join.
    Bodies with nested groups are left alone.
    """
    tokens = _tokens(query)
    closes: dict[int, int] = {}
    stack: list[int] = []
    for index, (token, _, _) in enumerate(tokens):
        if token == "{":
            stack.append(index)
        elif token == "}" and stack:
            closes[stack.pop()] = index
    edits: list[tuple[int, int, str]] = []  # (start, end, replacement) on the text
    inserts: dict[int, list[str]] = {}
    stack = []
    count = 0
    for index, (token, _start, _) in enumerate(tokens):
        if token == "{":
            stack.append(index)
        elif token == "}" and stack:
            stack.pop()
        words = [t[0].upper() for t in tokens[index : index + 4]]
        if words != ["FILTER", "NOT", "EXISTS", "{"] or not stack:
            continue
        opening = index + 3
        closing = closes.get(opening)
        if closing is None or any(t[0] == "{" for t in tokens[opening + 1 : closing]):
            continue
        count += 1
        body = query[tokens[opening][2] : tokens[closing][1]]
        flag = f"?_absent{count}"
        edits.append((tokens[index][1], tokens[closing][2], ""))
        group_close = closes[stack[-1]]
        inserts.setdefault(tokens[group_close][1], []).append(
            f" OPTIONAL {{ {body} BIND (true AS {flag}) }} FILTER (!BOUND({flag})) "
        )
    for position, texts in inserts.items():
        edits.append((position, position, "".join(texts)))
    for start, end, text in sorted(edits, key=lambda e: (e[0], e[1]), reverse=True):
        query = query[:start] + text + query[end:]
    return query


THIS = "<urn:hngraph:this>"


def _substituted(query: str) -> str:
    """The query with ``$this`` replaced by the placeholder ``THIS`` (SHACL pre-binding).

    In the projection it becomes ``(THIS AS ?this)``; the caller puts the node's IRI in its place.
    """
    out: list[str] = []
    tokens = _tokens(query)
    position = 0
    in_projection = False
    for token, start, end in tokens:
        upper = token.upper()
        if upper == "SELECT":
            in_projection = True
        elif token == "{" or upper == "WHERE":
            in_projection = False
        if token in ("$this", "?this"):
            out.append(query[position:start])
            out.append(f"({THIS} AS ?this)" if in_projection else THIS)
            position = end
    out.append(query[position:])
    return "".join(out)


def _uncorrelated_exists(query: str) -> tuple[str, list[str]]:
    """Split off ``FILTER EXISTS { body }`` of the WHERE group that share no variable with the rest.

    Such a filter keeps all solutions or none: the caller asks it once (an ASK guard) instead of
    once per solution, which Oxigraph would do with a plan made without the outer bindings.
    """
    tokens = _tokens(query)
    depth = 0
    found: list[tuple[int, int]] = []  # token index of FILTER, token index of the closing brace
    index = 0
    while index < len(tokens):
        token = tokens[index][0]
        words = [t[0].upper() for t in tokens[index : index + 3]]
        if depth == 1 and words == ["FILTER", "EXISTS", "{"]:
            level, end = 0, index + 2
            while end < len(tokens):
                if tokens[end][0] == "{":
                    level += 1
                elif tokens[end][0] == "}":
                    level -= 1
                    if level == 0:
                        break
                end += 1
            found.append((index, end))
            index = end + 1
            continue
        if token == "{":
            depth += 1
        elif token == "}":
            depth -= 1
        index += 1
    bodies: list[str] = []
    spans = []
    for start, end in found:
        body_text = query[tokens[start + 2][2] : tokens[end][1]]
        rest = query[: tokens[start][1]] + query[tokens[end][2] :]
        if not (_variables(body_text) & _variables(rest)):
            bodies.append(body_text)
            spans.append((tokens[start][1], tokens[end][2]))
    for start, end in reversed(spans):
        query = query[:start] + query[end:]
    return query, bodies


def _variables(text: str) -> set[str]:
    return {token.text[1:] for token in sparql_tokens(text) if token.kind == "var"}


def _prebind(query: str, focus: str) -> str:
    """Emulate SHACL pre-binding of ``$this``: put the focus pattern into every plain group.

    Groups opened after WHERE, UNION, ``{`` or ``}``/``.`` get the pattern, so each sees
    ``?this`` bound to exactly the focus nodes; EXISTS and OPTIONAL groups see it from outside.
    """
    if any(name in query for name in PREBOUND):
        raise Unsupported("the query uses $currentShape or $shapesGraph")
    out: list[str] = []
    previous = ""
    selects = 0
    position = 0
    for match in sparql_tokens(query):
        if match.kind == "space":
            continue
        token = match.text
        end = match.start + len(token)
        upper = token.upper()
        if upper == "SELECT":
            selects += 1
            if selects > 1:
                raise Unsupported("the query has a sub-select")
        elif upper in REFUSED:
            raise Unsupported(f"the query uses {upper}")
        out.append(query[position:end])
        position = end
        if token == "{" and previous.upper() not in NO_FOCUS_NEEDED:
            out.append(f" {focus} ")
        if match.kind != "comment":
            previous = token
    out.append(query[position:])
    return "".join(out)
