"""What the screen and the reach share: the shapes to run, each shape's parameters, its path.

``parameters(shapes, shape)`` is the one shape walker: the constraint parameters of a shape, in
a fixed order, with ``Unsupported`` for any ``sh:`` parameter neither knows. ``shacl_path`` is
the one path compiler: a SHACL property path as a path plan, which the reach walks and
``path_text`` writes as SPARQL for the screen.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from rdflib import Graph, Literal, URIRef
from rdflib.collection import Collection
from rdflib.namespace import OWL, RDF, RDFS, SH
from rdflib.term import Node

if TYPE_CHECKING:
    from rdflib.plugins.sparql.sparql import Query

TARGETS = (SH.targetClass, SH.targetNode, SH.targetSubjectsOf, SH.targetObjectsOf)
#: Parameters that constrain nothing themselves: metadata, targets, and the companions read
#: together with another parameter (sh:pattern's flags, sh:closed's ignored properties, the
#: counts of sh:qualifiedValueShape, sh:sparql's prefixes).
PASSIVE = {
    "name",
    "description",
    "message",
    "severity",
    "order",
    "group",
    "defaultValue",
    "deactivated",
    "path",
    "targetClass",
    "targetNode",
    "targetSubjectsOf",
    "targetObjectsOf",
    "flags",
    "ignoredProperties",
    "qualifiedMinCount",
    "qualifiedMaxCount",
    "qualifiedValueShapesDisjoint",
    "prefixes",
    "declare",
}
#: The constraint parameters of SHACL core and SHACL-SPARQL constraints.
CONSTRAINTS = {
    *("class", "datatype", "nodeKind", "minCount", "maxCount", "minLength", "maxLength"),
    *("minInclusive", "maxInclusive", "minExclusive", "maxExclusive", "pattern", "languageIn"),
    *("uniqueLang", "equals", "disjoint", "lessThan", "lessThanOrEquals", "in", "hasValue"),
    *("closed", "property", "node", "and", "or", "not", "xone", "qualifiedValueShape", "sparql"),
}

# Paths: ("p", iri, forward) | ("seq", parts) | ("alt", parts) | ("rep", part, zero, many) |
# ("any",) (a negated property set: every predicate, both directions, a superset).
PathPlan = tuple


class Unsupported(Exception):
    """The shapes use a SHACL feature the fast engine does not know; validate the plain way.

    ``shape``: the shape (or constraint component) that uses it, when known.
    """

    def __init__(self, message: str, shape: Node | None = None) -> None:
        super().__init__(message)
        self.shape = shape


def targeted(shapes: Graph) -> list[Node]:
    """The active shapes with a target (explicit, or implicit as a class), sorted."""
    found: set[Node] = set()
    for predicate in TARGETS:
        found.update(shapes.subjects(predicate, None))
    for shape in sorted(shapes.subjects(SH.target, None), key=str):
        raise Unsupported("a SPARQL-based target (sh:target)", shape)
    for kind in (SH.NodeShape, SH.PropertyShape):
        found.update(shape for shape in shapes.subjects(RDF.type, kind) if is_class(shapes, shape))
    return sorted((s for s in found if not deactivated(shapes, s)), key=str)


def is_class(shapes: Graph, shape: Node) -> bool:
    """Whether the shape is also a class (an implicit class target)."""
    return any((shape, RDF.type, kind) in shapes for kind in (RDFS.Class, OWL.Class))


def deactivated(shapes: Graph, shape: Node) -> bool:
    return any(v == Literal(True) for v in shapes.objects(shape, SH.deactivated))


def custom_component(shapes: Graph) -> Node | None:
    """A constraint component ``shapes`` declares (typed ``sh:ConstraintComponent`` or a class
    below it, ``rdfs:subClassOf*`` in the shapes graph, or with an ``sh:parameter``), if any."""
    kinds = set(shapes.transitive_subjects(RDFS.subClassOf, SH.ConstraintComponent))
    found = [c for kind in kinds for c in shapes.subjects(RDF.type, kind)]
    found += shapes.subjects(SH.parameter, None)
    return min(found, key=str) if found else None


def parameters(shapes: Graph, shape: Node) -> list[tuple[str, Node]]:
    """The constraint parameters of a shape as (local name, value), in a fixed order.

    None for a deactivated shape; ``Unsupported`` for an ``sh:`` parameter not in SHACL core or
    SHACL-SPARQL constraints (``sh:target`` on a nested shape, SHACL-AF, a misspelling).
    """
    if deactivated(shapes, shape):
        return []
    found = []
    for predicate, obj in sorted(shapes.predicate_objects(shape), key=str):
        name = str(predicate)[len(str(SH)) :]
        if not str(predicate).startswith(str(SH)) or name in PASSIVE:
            continue
        if name not in CONSTRAINTS:
            raise Unsupported(f"constraint sh:{name}")
        found.append((name, obj))
    return found


def members(shapes: Graph, name: str, obj: Node) -> list[Node]:
    """The shapes a nesting parameter applies to its value nodes (a list for and, or, xone)."""
    return list(Collection(shapes, obj)) if name in ("and", "or", "xone") else [obj]


def select_query(shapes: Graph, constraint: Node, path: Node | None) -> tuple[str, str]:
    """A SPARQL constraint's PREFIX lines and ``sh:select`` query, ``$PATH`` written out."""
    select = shapes.value(constraint, SH.select)
    if select is None:
        raise Unsupported("SPARQL constraint without sh:select")
    text = str(select)
    if "$PATH" in text:
        if path is None:
            raise Unsupported("$PATH without sh:path")
        text = text.replace("$PATH", path_text(shacl_path(shapes, path)))
    found: dict[str, str] = {}
    for holder in shapes.objects(constraint, SH.prefixes):
        for declaration in shapes.objects(holder, SH.declare):
            prefix = shapes.value(declaration, SH.prefix)
            namespace = shapes.value(declaration, SH.namespace)
            if prefix is not None and namespace is not None:
                found[str(prefix)] = str(namespace)
    return "".join(f"PREFIX {p}: <{n}>\n" for p, n in sorted(found.items())), text


def constraint_query(shapes: Graph, constraint: Node, path: Node | None) -> Query:
    """A SPARQL constraint's query as rdflib's algebra (``Unsupported`` when it reads the shapes
    graph, ``$currentShape`` or ``$value``, or when rdflib cannot parse it)."""
    from rdflib.plugins.sparql.algebra import translateQuery
    from rdflib.plugins.sparql.parser import parseQuery

    prefixes, text = select_query(shapes, constraint, path)
    for name in ("shapesGraph", "currentShape", "value"):
        if f"${name}" in text:
            raise Unsupported(f"the query uses ${name}")
    try:
        return translateQuery(parseQuery(prefixes + text))
    except Exception as error:  # rdflib's parser raises pyparsing errors
        raise Unsupported(f"query not understood: {error}") from None


def inverse(path: PathPlan) -> PathPlan:
    """The same path walked from its other end."""
    kind = path[0]
    if kind == "p":
        return ("p", path[1], not path[2])
    if kind == "seq":
        return ("seq", tuple(inverse(p) for p in reversed(path[1])))
    if kind == "alt":
        return ("alt", tuple(inverse(p) for p in path[1]))
    if kind == "rep":
        return ("rep", inverse(path[1]), path[2], path[3])
    return path


def shacl_path(shapes: Graph, node: Node) -> PathPlan:
    """A SHACL property path (``sh:path`` value) as a path plan."""
    if isinstance(node, URIRef):
        return ("p", node, True)
    if (node, RDF.first, None) in shapes:
        return ("seq", tuple(shacl_path(shapes, i) for i in Collection(shapes, node)))
    inner = shapes.value(node, SH.inversePath)
    if inner is not None:
        return inverse(shacl_path(shapes, inner))
    for predicate, zero, many in (
        (SH.zeroOrMorePath, True, True),
        (SH.oneOrMorePath, False, True),
        (SH.zeroOrOnePath, True, False),
    ):
        inner = shapes.value(node, predicate)
        if inner is not None:
            return ("rep", shacl_path(shapes, inner), zero, many)
    alternatives = shapes.value(node, SH.alternativePath)
    if alternatives is not None:
        return ("alt", tuple(shacl_path(shapes, i) for i in Collection(shapes, alternatives)))
    raise Unsupported(f"property path {node}")


def path_text(path: PathPlan) -> str:
    """A path plan as a SPARQL property path."""
    kind = path[0]
    if kind == "p":
        return f"<{path[1]}>" if path[2] else f"^<{path[1]}>"
    if kind == "seq":
        return "(" + "/".join(path_text(p) for p in path[1]) + ")"
    if kind == "alt":
        return "(" + "|".join(path_text(p) for p in path[1]) + ")"
    if kind == "rep":
        mod = {(True, True): "*", (False, True): "+", (True, False): "?"}[(path[2], path[3])]
        return f"({path_text(path[1])}){mod}"
    raise Unsupported("negated path in sh:path")
