"""JSON-LD: a term context derived from the graph, and compacted documents written with it.

One rule makes the context (``derive_context``), so it cannot drift from the ontology or the data:

* a term for every property and class the graph declares (``owl:ObjectProperty``,
  ``owl:DatatypeProperty``, ``owl:AnnotationProperty``, ``rdf:Property``, ``owl:Class``,
  ``rdfs:Class``: the ontology, which the published graph holds) and every one it uses (predicates,
  ``rdf:type`` objects). Its name is the IRI's local name; where two IRIs share one, the namespace
  listed first in ``vocab.PREFIXES`` keeps it (``hn:`` before all others) and the others are named
  by their compact IRI (``schema:text``);
* how a property's values are written follows from how the graph uses it: only IRIs →
  ``"@type": "@id"`` (links as plain strings); language-tagged strings (plain ones too, under
  ``"@none"``) → ``"@container": "@language"`` (``{"zh": …, "en": …}``); only ``xsd:integer``
  → ``"@type": "xsd:integer"`` and native JSON numbers; only one other datatype → that ``@type``
  and strings; only ``xsd:string`` → plain strings; anything mixed → value objects. A declared
  property the graph does not use is typed from its declaration (object property → ``@id``;
  ``rdfs:range``);
* ``owl:FunctionalProperty`` values are single values, every other property's an array
  (``"@container": "@set"``), so a client never has to test for both shapes.

Documents are written here rather than by a JSON-LD library because those order nodes by hash;
tests check every document with pyld and pyoxigraph against the Turtle of the same triples.
"""

from __future__ import annotations

import json
import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, cast

import pyoxigraph as ox

from hngraph.rdf.convert import term_key
from hngraph.vocab import BASE, OWL_NS, PREFIXES, RDF_NS, RDFS_NS, XSD_NS

#: Where the release publishes the context (``context.jsonld``); per-resource documents name it.
CONTEXT_URL = BASE + "context.jsonld"

RDF_TYPE = RDF_NS + "type"
XSD_STRING = XSD_NS + "string"
XSD_INTEGER = XSD_NS + "integer"
PROPERTY_TYPES = frozenset(
    {
        OWL_NS + "ObjectProperty",
        OWL_NS + "DatatypeProperty",
        OWL_NS + "AnnotationProperty",
        OWL_NS + "FunctionalProperty",
        RDF_NS + "Property",
    }
)
CLASS_TYPES = frozenset({OWL_NS + "Class", RDFS_NS + "Class"})
FUNCTIONAL = OWL_NS + "FunctionalProperty"
OBJECT_PROPERTY = OWL_NS + "ObjectProperty"
RANGE = RDFS_NS + "range"
#: A local name that can be a JSON-LD term as it is (no ``:``, no leading ``@``).
_SIMPLE = re.compile(r"[A-Za-z_][A-Za-z0-9_.-]*")
#: The canonical lexical form of an ``xsd:integer`` that JSON-LD turns back into the same literal.
_CANONICAL_INTEGER = re.compile(r"0|-?[1-9][0-9]{0,20}")

#: How a property's values are written (see the module docstring).
LINK, LANGUAGE, INTEGER, TYPED, STRING, MIXED, CLASS = (
    "link",
    "language",
    "integer",
    "typed",
    "string",
    "mixed",
    "class",
)


@dataclass(frozen=True)
class TermDefinition:
    """One term of the context: its name, IRI, value kind, datatype and whether it is a set."""

    name: str
    iri: str
    kind: str
    datatype: str | None = None
    many: bool = True

    def definition(self) -> str | dict[str, str]:
        """The JSON-LD term definition."""
        if self.kind == CLASS:
            return compact(self.iri)
        body: dict[str, str] = {"@id": compact(self.iri)}
        if self.kind == LINK:
            body["@type"] = "@id"
        elif self.kind == LANGUAGE:
            body["@container"] = "@language"
        elif self.kind in (INTEGER, TYPED):
            body["@type"] = compact(cast(str, self.datatype))
        if self.many and self.kind != LANGUAGE:
            body["@container"] = "@set"
        return body


@dataclass(frozen=True)
class Context:
    """The terms of a context, by IRI."""

    terms: dict[str, TermDefinition]

    def body(self) -> dict[str, Any]:
        """The value of ``@context``: the prefixes, then one definition per term."""
        value: dict[str, Any] = {"@version": 1.1, **PREFIXES}
        for term in self.terms.values():
            value[term.name] = term.definition()
        return dict(sorted(value.items()))

    def document(self) -> dict[str, Any]:
        """The context file: ``{"@context": …}``."""
        return {"@context": self.body()}

    def name(self, value: str) -> str:
        """The key or ``@type`` name of an IRI: its term, else its compact IRI, else itself."""
        term = self.terms.get(value)
        return term.name if term is not None else compact(value)

    def used_by(self, triples: Iterable[ox.Triple]) -> Context:
        """The same context with only the terms ``triples`` use (for an embedded context)."""
        used = set()
        for triple in triples:
            used.add(triple.predicate.value)
            if triple.predicate.value == RDF_TYPE and isinstance(triple.object, ox.NamedNode):
                used.add(triple.object.value)
        return Context({k: v for k, v in self.terms.items() if k in used})


@lru_cache(maxsize=65536)
def compact(value: str) -> str:
    """``prefix:local`` where a prefix of ``vocab.PREFIXES`` fits and the local part is safe, else
    the IRI itself."""
    best = ""
    for name, namespace in PREFIXES.items():
        if value.startswith(namespace) and len(namespace) > len(PREFIXES.get(best, "")):
            best = name
    if not best:
        return value
    local = value[len(PREFIXES[best]) :]
    if not local or local.startswith("//"):
        return value
    return f"{best}:{local}"


def _local_name(value: str) -> str:
    return re.split(r"[#/]", value)[-1]


def _priority(value: str) -> tuple[int, str]:
    """Which IRI keeps a shared local name: the namespace listed first in ``PREFIXES``."""
    order = [
        index
        for index, namespace in enumerate(PREFIXES.values())
        if value.startswith(namespace) and _local_name(value) == value[len(namespace) :]
    ]
    return (min(order) if order else len(PREFIXES), value)


def _kind_of(term: ox.NamedNode | ox.BlankNode | ox.Literal) -> tuple[str, str | None]:
    if not isinstance(term, ox.Literal):
        return (LINK, None)
    if term.language:
        return (LANGUAGE, None)
    datatype = term.datatype.value
    if datatype == XSD_STRING:
        return (STRING, None)
    return (INTEGER if datatype == XSD_INTEGER else TYPED, datatype)


def derive_context(triples: Iterable[ox.Triple]) -> Context:
    """The context for ``triples`` (see the module docstring for the rule)."""
    uses: dict[str, set[tuple[str, str | None]]] = defaultdict(set)
    declared: dict[str, set[str]] = defaultdict(set)
    ranges: dict[str, set[str]] = defaultdict(set)
    classes: set[str] = set()
    for triple in triples:
        predicate, obj = triple.predicate.value, triple.object
        if predicate == RDF_TYPE and isinstance(obj, ox.NamedNode):
            classes.add(obj.value)
            if isinstance(triple.subject, ox.NamedNode):
                declared[triple.subject.value].add(obj.value)
            continue
        uses[predicate].add(_kind_of(cast("ox.NamedNode | ox.BlankNode | ox.Literal", obj)))
        if predicate == RANGE and isinstance(obj, ox.NamedNode):
            ranges[cast(ox.NamedNode, triple.subject).value].add(obj.value)
    properties = {iri for iri, types in declared.items() if types & PROPERTY_TYPES} | set(uses)
    classes |= {iri for iri, types in declared.items() if types & CLASS_TYPES}
    classes -= properties
    kinds: dict[str, tuple[str, str | None]] = dict.fromkeys(classes, (CLASS, None))
    for iri in properties:
        kinds[iri] = _property_kind(uses.get(iri, set()), declared[iri], ranges[iri])
    return Context(_named(kinds, {iri for iri in properties if FUNCTIONAL in declared[iri]}))


def _property_kind(
    used: set[tuple[str, str | None]], declared: set[str], ranges: set[str]
) -> tuple[str, str | None]:
    if len(used) == 1:
        return next(iter(used))
    if used == {(LANGUAGE, None), (STRING, None)}:
        return (LANGUAGE, None)  # plain strings go under "@none"
    if used:
        return (MIXED, None)
    if OBJECT_PROPERTY in declared:
        return (LINK, None)
    if len(ranges) == 1 and next(iter(ranges)).startswith(XSD_NS):
        datatype = next(iter(ranges))
        if datatype == XSD_STRING:
            return (STRING, None)
        return (INTEGER if datatype == XSD_INTEGER else TYPED, datatype)
    return (MIXED, None)


def _named(kinds: dict[str, tuple[str, str | None]], functional: set[str]) -> dict[str, Any]:
    by_name: dict[str, list[str]] = defaultdict(list)
    for iri in kinds:
        local = _local_name(iri)
        by_name[local if _SIMPLE.fullmatch(local) and local not in PREFIXES else ""].append(iri)
    terms = {}
    for local, iris in sorted(by_name.items()):
        for index, iri in enumerate(sorted(iris, key=_priority)):
            name = local if index == 0 and local else compact(iri)
            kind, datatype = kinds[iri]
            terms[iri] = TermDefinition(name, iri, kind, datatype, iri not in functional)
    return dict(sorted(terms.items()))


# --- documents -------------------------------------------------------------------------------


def _node_id(term: ox.NamedNode | ox.BlankNode) -> str:
    return term.value if isinstance(term, ox.NamedNode) else f"_:{term.value}"


def _value(term: ox.NamedNode | ox.BlankNode | ox.Literal, definition: TermDefinition) -> Any:
    """A value as the term's kind writes it (a value object where the term says nothing)."""
    if not isinstance(term, ox.Literal):
        return _node_id(term) if definition.kind == LINK else {"@id": _node_id(term)}
    if definition.kind == INTEGER and _CANONICAL_INTEGER.fullmatch(term.value):
        return int(term.value)
    if definition.kind in (INTEGER, TYPED, STRING):
        return term.value
    if term.language:
        return {"@language": term.language, "@value": term.value}
    if term.datatype.value == XSD_STRING:
        return term.value
    return {"@type": compact(term.datatype.value), "@value": term.value}


def _fits(term: ox.NamedNode | ox.BlankNode | ox.Literal, definition: TermDefinition) -> bool:
    """Whether the term's kind can write ``term`` (a context made for other triples may not)."""
    if definition.kind in (MIXED, CLASS):
        return True
    kind, datatype = _kind_of(term)
    if definition.kind == LANGUAGE and kind == STRING:
        return True
    return kind == definition.kind and datatype == definition.datatype


def _entries(values: list[Any], definition: TermDefinition) -> list[tuple[str, Any]]:
    """The node-object entries of one property: its term, and for values the term cannot write,
    its compact IRI (or IRI) with value objects."""
    fitting = [value for value in values if _fits(value, definition)]
    others = [value for value in values if not _fits(value, definition)]
    entries: list[tuple[str, Any]] = []
    if fitting and definition.kind == LANGUAGE:
        by_language: dict[str, list[str]] = defaultdict(list)
        for literal in fitting:
            by_language[literal.language or "@none"].append(literal.value)
        languages = {
            language: texts[0] if len(texts) == 1 else texts
            for language, texts in sorted(by_language.items())
        }
        entries.append((definition.name, languages))
    elif fitting:
        written = [_value(value, definition) for value in fitting]
        single = not definition.many and len(written) == 1
        entries.append((definition.name, written[0] if single else written))
    if others:
        key = compact(definition.iri)
        key = definition.iri if key == definition.name else key
        entries.append((key, [_value(value, _fallback(definition.iri)) for value in others]))
    return entries


def _fallback(iri: str) -> TermDefinition:
    return TermDefinition(compact(iri), iri, MIXED)


def document(
    triples: Iterable[ox.Triple],
    context: Context,
    *,
    reference: str | None = None,
    main: ox.NamedNode | None = None,
) -> dict[str, Any]:
    """Triples as a compacted JSON-LD document: one node object per subject (``main`` first, the
    others in term order), keys sorted. ``@context`` is ``reference`` (a URL) if given, else the
    context's terms that the triples use, embedded."""
    triples = sorted(set(triples), key=lambda t: tuple(map(term_key, t)))
    grouped: dict[Any, dict[str, list[Any]]] = defaultdict(lambda: defaultdict(list))
    for triple in triples:
        grouped[triple.subject][triple.predicate.value].append(triple.object)
    nodes = []
    for subject in sorted(grouped, key=lambda s: (s != main, term_key(s))):
        node: dict[str, Any] = {"@id": _node_id(subject)}
        for predicate, values in grouped[subject].items():
            if predicate == RDF_TYPE and all(isinstance(v, ox.NamedNode) for v in values):
                names = sorted(context.name(v.value) for v in values)
                node["@type"] = names[0] if len(names) == 1 else names
                continue
            definition = context.terms.get(predicate) or _fallback(predicate)
            node.update(_entries(values, definition))
        nodes.append(dict(sorted(node.items())))
    head: dict[str, Any] = {
        "@context": reference if reference is not None else context.used_by(triples).body()
    }
    if main is not None and len(nodes) == 1:
        return {**head, **nodes[0]}
    return {**head, "@graph": nodes}


def dumps(value: Any) -> str:
    """JSON text as the project writes it: UTF-8 characters, indented, keys sorted."""
    return json.dumps(value, ensure_ascii=False, indent=1, sort_keys=True)
