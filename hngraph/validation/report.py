"""Validation reports: pySHACL results with the task number, department and bilingual rule."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import RDF, SH, SKOS, XSD
from rdflib.term import Node

from hngraph.errors import HngraphError
from hngraph.validation.compare import term_text
from hngraph.vocab import HN, ORG
from hngraph.vocab import REPORT_PREFIXES as PREFIXES

if TYPE_CHECKING:
    import pyoxigraph


#: Report order of the SHACL severities; a custom severity (any other IRI) comes after them.
SEVERITY_ORDER = {"Violation": 0, "Warning": 1, "Info": 2}


class ValidationError(HngraphError):
    """Data or shapes that cannot be read, or a validation run that failed to complete."""


@dataclass(frozen=True)
class ValidationResult:
    """One SHACL validation result, with context for the person who has to fix it."""

    severity: str  # "Violation", "Warning" or "Info"; a custom severity by its local name
    focus_node: Node
    result_path: str | None  # the property IRI; "^IRI" for an inverse path
    value: Node | None
    source_shape: Node
    constraint_component: URIRef
    message_zh: str
    message_en: str
    rule_zh: str  # the shape's sh:name
    rule_en: str
    task_list: URIRef | None = None
    task_number: int | None = None
    measure_number: int | None = None
    department: str | None = None

    def message(self, lang: str) -> str:
        """The message in ``lang`` ("zh" or "en")."""
        return self.message_zh if lang == "zh" else self.message_en

    def rule(self, lang: str) -> str:
        """The rule's name in ``lang`` ("zh" or "en")."""
        return self.rule_zh if lang == "zh" else self.rule_en


@dataclass(frozen=True)
class Fallback:
    """A shape the fast engine could not handle its own way, and what validated it instead."""

    shape: str  # where to find it: "<IRI> (file)", or a blank node by its path and owner
    reason: str  # the construct or failure, e.g. "constraint sh:foo"
    route: str  # what ran instead, e.g. "pySHACL on the whole store, every shape"

    def __str__(self) -> str:
        return f"{self.shape}: {self.reason}; {self.route}"


@dataclass(frozen=True)
class ValidationReport:
    """The outcome of a validation run: conforms when there is no Violation.

    ``fallbacks``: where the fast engine gave a shape to plain pySHACL (empty otherwise).
    """

    results: tuple[ValidationResult, ...]
    results_graph: Graph
    fallbacks: tuple[Fallback, ...] = ()

    @property
    def conforms(self) -> bool:
        """True when no result has severity Violation (warnings are allowed)."""
        return not self.count("Violation")

    def count(self, severity: str) -> int:
        """Number of results of one severity."""
        return sum(1 for result in self.results if result.severity == severity)


def build_report(
    results_graph: Graph, data: Graph | pyoxigraph.Store, shapes: Graph
) -> ValidationReport:
    """A ``ValidationReport`` from pySHACL's results graph; context is looked up in ``data``."""
    for prefix, namespace in PREFIXES.items():
        results_graph.bind(prefix, namespace)
    for s, p, o in list(results_graph):  # "x"^^xsd:string (from pyoxigraph) is the same as "x"
        if isinstance(o, Literal) and o.datatype == XSD.string:
            results_graph.remove((s, p, o))
            results_graph.add((s, p, Literal(str(o))))
    view = _view(data)
    # the report's own results (sh:result), not the nested ones they carry as sh:detail
    nodes = {
        result
        for report in results_graph.subjects(RDF.type, SH.ValidationReport)
        for result in results_graph.objects(report, SH.result)
    }
    results = [_result(node, results_graph, view, shapes) for node in nodes]
    return ValidationReport(
        results=tuple(sorted(results, key=_sort_key)), results_graph=results_graph
    )


def conforming_report() -> ValidationReport:
    """The report of data with no result: pySHACL's conforming results graph."""
    graph = Graph(bind_namespaces="core")
    report = BNode()
    graph.add((report, RDF.type, SH.ValidationReport))
    graph.add((report, SH.conforms, Literal(True)))
    for prefix, namespace in PREFIXES.items():
        graph.bind(prefix, namespace)
    return ValidationReport(results=(), results_graph=graph)


def merge_reports(reports: Iterable[ValidationReport]) -> ValidationReport:
    """One report holding the results of several runs (on different shapes or focus nodes)."""
    graph = conforming_report().results_graph
    (root,) = graph.subjects(RDF.type, SH.ValidationReport)
    conforms = True
    results: list[ValidationResult] = []
    for report in reports:
        results.extend(report.results)
        graph += report.results_graph
        for node in list(report.results_graph.subjects(RDF.type, SH.ValidationReport)):
            conforms = conforms and report.results_graph.value(node, SH.conforms) != Literal(False)
            for result in report.results_graph.objects(node, SH.result):
                graph.add((root, SH.result, result))
            graph.remove((node, None, None))
    graph.set((root, SH.conforms, Literal(conforms)))
    return ValidationReport(results=tuple(sorted(results, key=_sort_key)), results_graph=graph)


def _result(node: Node, report: Graph, data: _View, shapes: Graph) -> ValidationResult:
    severity = report.value(node, SH.resultSeverity)
    shape = report.value(node, SH.sourceShape)
    focus = report.value(node, SH.focusNode)
    value = report.value(node, SH.value)
    messages = list(report.objects(node, SH.resultMessage))
    if not any(isinstance(m, Literal) and m.language for m in messages):
        messages += list(shapes.objects(shape, SH.message))
    names = list(shapes.objects(shape, SH.name))
    component = report.value(node, SH.sourceConstraintComponent)
    if focus is None or shape is None or not isinstance(component, URIRef):
        raise ValidationError("a validation result lacks its focus node, shape or component")
    context = _context(focus, value, data)
    return ValidationResult(
        severity=str(severity).rsplit("#", 1)[-1],
        focus_node=focus,
        result_path=_path_text(report, report.value(node, SH.resultPath)),
        value=value,
        source_shape=shape,
        constraint_component=component,
        message_zh=_pick(messages, "zh"),
        message_en=_pick(messages, "en"),
        rule_zh=_pick(names, "zh") or short_term(shape),
        rule_en=_pick(names, "en") or short_term(shape),
        **context,
    )


def _pick(literals: list[Node], lang: str) -> str:
    """The literal in ``lang``, else the other language, else an untagged one, else ""."""
    ordered = sorted(literals, key=lambda m: m.n3())
    tagged = {
        str(m.language).lower().split("-")[0]: str(m)
        for m in ordered
        if isinstance(m, Literal) and _has_lang(m)
    }
    plain = sorted(str(m) for m in literals if isinstance(m, Literal) and not m.language)
    other = "en" if lang == "zh" else "zh"
    return tagged.get(lang) or tagged.get(other) or (plain[0] if plain else "")


def _has_lang(node: Node) -> bool:
    return isinstance(node, Literal) and bool(node.language)


def _path_text(report: Graph, path: Node | None) -> str | None:
    if path is None:
        return None
    if isinstance(path, URIRef):
        return str(path)
    inverse = report.value(path, SH.inversePath)
    if isinstance(inverse, URIRef):
        return f"^{inverse}"
    return path.n3()


class _View:
    """The data as the report's context sees it: the objects of a subject and property.

    Over an rdflib graph or a pyoxigraph store; where there are several objects, the same one is
    picked on both (the least by N-Triples form), so the context does not depend on the store.
    """

    def __init__(self, data: Graph | pyoxigraph.Store) -> None:
        self.data = data

    def objects(self, subject: Node | None, predicate: URIRef) -> list[Node]:
        if subject is None or isinstance(subject, Literal):
            return []
        if isinstance(self.data, Graph):
            found = list(self.data.objects(subject, predicate))
        else:
            from hngraph.rdf.convert import to_oxigraph, to_rdflib

            node, verb = to_oxigraph(subject), to_oxigraph(predicate)
            import pyoxigraph as ox

            if isinstance(node, ox.Literal) or not isinstance(verb, ox.NamedNode):
                return []  # a literal has no properties; a predicate is an IRI
            quads = self.data.quads_for_pattern(node, verb, None, None)
            found = [to_rdflib(quad.object) for quad in quads]
        return sorted(set(found), key=lambda term: term.n3())

    def value(self, subject: Node | None, predicate: URIRef) -> Node | None:
        found = self.objects(subject, predicate)
        return found[0] if found else None

    def has(self, subject: Node, predicate: URIRef, obj: Node | None = None) -> bool:
        found = self.objects(subject, predicate)
        return bool(found) if obj is None else obj in found


def _view(data: Graph | pyoxigraph.Store | _View) -> _View:
    return data if isinstance(data, _View) else _View(data)


def _context(focus: Node, value: Node | None, data: _View) -> dict:
    """Task list, task number, measure number and department for the focus node."""
    task: Node | None = None
    measure_number = None
    department = None
    if data.has(focus, RDF.type, HN.Task) or data.has(focus, HN.taskNumber):
        task = focus
        department = _department(value, data) if value is not None else None
    elif data.has(focus, HN.task):
        task = data.value(focus, HN.task)
        measure_number = _integer(data.value(focus, HN.measureNumber))
        department = _department(focus, data)
    elif data.has(focus, SKOS.prefLabel) or data.has(focus, RDF.type, ORG.Organization):
        department = _department(focus, data)
    return {
        "task_list": _iri(data.value(task, HN.taskList)) if task is not None else None,
        "task_number": _integer(data.value(task, HN.taskNumber)) if task is not None else None,
        "measure_number": measure_number,
        "department": department,
    }


def _department(node: Node, data: _View, depth: int = 0) -> str | None:
    """A responsibility's name as written, else an organisation's Chinese name."""
    for prop in (HN.nameAsWritten, SKOS.prefLabel, SKOS.altLabel):
        names = data.objects(node, prop)
        if names:
            return _pick(names, "zh") or None
    organisation = data.value(node, HN.organization)
    if organisation is None or depth > 8:
        return None
    return _department(organisation, data, depth + 1)


def _integer(node: Node | None) -> int | None:
    try:
        return int(str(node)) if isinstance(node, Literal) else None
    except ValueError:
        return None


def _iri(node: Node | None) -> URIRef | None:
    return node if isinstance(node, URIRef) else None


def _sort_key(result: ValidationResult) -> tuple:
    return (
        SEVERITY_ORDER.get(result.severity, 9),
        result.severity,
        str(result.task_list or ""),
        result.task_number if result.task_number is not None else -1,
        result.measure_number if result.measure_number is not None else -1,
        str(result.focus_node),
        result.result_path or "",
        str(result.source_shape),
        str(result.constraint_component),
        result.value.n3() if result.value is not None else "",
        result.message_en,  # results that differ only in their message (a SPARQL constraint's
        result.message_zh,  # other variables) keep one order, not the order of a set
    )


# ---------------------------------------------------------------------------------------------
# Renderers
# ---------------------------------------------------------------------------------------------


def short_term(node: Node | str | None) -> str:
    """A term as a prefixed name, ``_:`` blank node or quoted literal, for reports (a plain
    string is an IRI): the rows' ``term_text``, blank node labels kept."""
    if isinstance(node, str) and not isinstance(node, Node):
        node = URIRef(node)
    return term_text(node, blank_labels=True) or ""
