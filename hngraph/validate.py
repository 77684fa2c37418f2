"""Validate a graph against the hngraph SHACL shapes; report results a person can act on.

``validate`` runs pySHACL (no inference, no SHACL-AF, graphs passed as objects so nothing is
fetched) and returns a ``ValidationReport``: typed results, sorted, each with the rule's message
in Chinese and English and, where the focus node is a task, measure, responsibility or
organisation, the task number and department name. Renderers: text, JSON, Turtle.

Shapes default to every ``ontology/shapes*.ttl`` of the project (core and knowledge layer).
The data is evaluated on an in-memory Oxigraph store by default: pySHACL's SPARQL-based
constraints then run in Rust, 5× to 20× faster on the Hunan list than on rdflib, which re-parses
every query for every focus node. ``engine="rdflib"`` gives the same results (tests compare them).
``data`` may also be a pyoxigraph store, validated as it is.

``validate(..., focus={shape: nodes})`` runs only those shapes, each on exactly those nodes
(``restrict_shapes``); ``build_report``, ``merge_reports`` and ``conforming_report`` make reports
from pySHACL results graphs, with the context looked up in an rdflib graph or a pyoxigraph store
(``context=``). ``hngraph.fastvalidate`` is built on these.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING
from typing import Literal as Choice

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import OWL, RDF, RDFS, SH, SKOS, XSD
from rdflib.term import Node

from hngraph.errors import HngraphError
from hngraph.namespace import BASE, HN, HNID, ORG

if TYPE_CHECKING:
    import pyoxigraph

HNSH = BASE + "shapes/core/"
Engine = Choice["oxigraph", "rdflib"]
SEVERITY_ORDER = {SH.Violation: 0, SH.Warning: 1, SH.Info: 2}
SEVERITY_WORDS = {
    "en": {"Violation": "violation", "Warning": "warning", "Info": "info"},
    "zh": {"Violation": "违规", "Warning": "警告", "Info": "提示"},
}
PREFIXES = {
    "hnsh": HNSH,
    "hnsk": BASE + "shapes/knowledge/",
    "hn": str(HN._NS),
    "hnid": str(HNID),
    "sh": str(SH),
    "org": str(ORG),
    "skos": str(SKOS),
    "rdfs": "http://www.w3.org/2000/01/rdf-schema#",
    "dcterms": "http://purl.org/dc/terms/",
    "xsd": str(XSD),
}
FORMATS = {".ttl": "turtle", ".nt": "nt", ".rdf": "xml", ".owl": "xml"}
TARGETS = (SH.targetClass, SH.targetNode, SH.targetSubjectsOf, SH.targetObjectsOf, SH.target)


class ValidationError(HngraphError):
    """Data or shapes that cannot be read, or a validation run that failed to complete."""


@dataclass(frozen=True)
class ValidationResult:
    """One SHACL validation result, with context for the person who has to fix it."""

    severity: str  # "Violation", "Warning" or "Info"
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
class ValidationReport:
    """The outcome of a validation run: conforms when there is no Violation."""

    results: tuple[ValidationResult, ...]
    results_graph: Graph

    @property
    def conforms(self) -> bool:
        """True when no result has severity Violation (warnings are allowed)."""
        return not self.count("Violation")

    def count(self, severity: str) -> int:
        """Number of results of one severity."""
        return sum(1 for result in self.results if result.severity == severity)


def project_shapes_files() -> list[Path]:
    """The project's shapes: ``ontology/shapes.ttl`` and any other ``ontology/shapes*.ttl``."""
    from hngraph import paths

    folder = paths.ontology_dir(paths.project_root())
    files = sorted(folder.glob("shapes*.ttl"))
    if not files:
        raise ValidationError(f"{folder / 'shapes.ttl'}: file not found")
    return files


def load_shapes(path: Path | None = None) -> Graph:
    """Parse a shapes file (default: every ``shapes*.ttl`` of the project's ontology folder)."""
    if path is not None:
        return read_graph(path)
    shapes = Graph()
    for file in project_shapes_files():
        shapes += read_graph(file)
    return shapes


def read_graph(path: Path) -> Graph:
    """Parse an RDF file chosen by suffix; errors name the file and, for syntax, the line."""
    fmt = FORMATS.get(path.suffix.lower())
    if fmt is None:
        known = ", ".join(sorted(FORMATS))
        raise ValidationError(f"{path}: unsupported file type (use one of {known})")
    if not path.is_file():
        raise ValidationError(f"{path}: file not found")
    graph = Graph()
    try:
        with _quiet_rdflib():
            graph.parse(path, format=fmt)
    except Exception as error:  # rdflib raises several unrelated types for bad syntax
        raise ValidationError(
            f"{_error_place(path, error)}: not valid {fmt}: {_why(error)}"
        ) from None
    return graph


@contextmanager
def _quiet_rdflib() -> Iterator[None]:
    """Mute rdflib's traceback for ill-typed literals: the shapes report them instead."""
    logger = logging.getLogger("rdflib.term")
    level = logger.level
    logger.setLevel(logging.ERROR)
    try:
        yield
    finally:
        logger.setLevel(level)


def _error_place(path: Path, error: Exception) -> str:
    line = getattr(error, "lines", None)  # notation3.BadSyntax: 0-based line
    if isinstance(line, int):
        return f"{path}:{line + 1}"
    line = getattr(error, "getLineNumber", None)  # SAXParseException (RDF/XML)
    return f"{path}:{line()}" if callable(line) else str(path)


def _why(error: Exception) -> str:
    reason = getattr(error, "_why", None)
    return str(reason if reason else error).strip().splitlines()[0]


def validate(
    data: Graph | pyoxigraph.Store,
    shapes: Graph | None = None,
    *,
    engine: Engine = "oxigraph",
    focus: Mapping[Node, Iterable[Node]] | None = None,
    context: Graph | pyoxigraph.Store | None = None,
) -> ValidationReport:
    """Validate ``data`` against ``shapes`` (default: the project's shapes) with pySHACL.

    ``data`` is an rdflib graph (evaluated on an Oxigraph copy, or on itself with
    ``engine="rdflib"``) or a pyoxigraph store (evaluated as it is). ``focus`` maps shapes to
    focus nodes: only those shapes run, each on exactly those nodes (``restrict_shapes``), and the
    results are those plain pySHACL reports for them. ``context`` is where the task number and
    department of each result are looked up (default: ``data``).
    """
    import pyshacl

    shapes_graph = shapes if shapes is not None else load_shapes()
    run_shapes = restrict_shapes(shapes_graph, focus) if focus is not None else shapes_graph
    try:
        with _quiet_rdflib():
            if isinstance(data, Graph):
                target = _oxigraph_store(data) if engine == "oxigraph" else data
            else:
                target = data
            if not isinstance(target, Graph):
                target = _pyshacl_data(target)
            _, results_graph, _ = pyshacl.validate(
                target,
                shacl_graph=run_shapes,
                inference="none",
                advanced=False,
                inplace=False,
                allow_warnings=True,
            )
    except Exception as error:  # pySHACL reports bad shapes and failed queries this way
        raise ValidationError(f"validation could not run: {error}") from None
    return build_report(results_graph, context if context is not None else data, shapes_graph)


def restrict_shapes(shapes: Graph, focus: Mapping[Node, Iterable[Node]]) -> Graph:
    """A copy of ``shapes`` in which each shape of ``focus`` targets exactly its nodes.

    Every other target (``sh:target*``, implicit class targets) is dropped, so pySHACL validates
    those shapes on those nodes only, nested shapes included (pySHACL's own ``focus_nodes`` option
    would also skip the nested shapes' value nodes that are not in the list). The shapes' other
    triples are unchanged, so every result names the same shape, constraint and message.
    """
    restricted = Graph()
    restricted += shapes
    for prefix, namespace in shapes.namespaces():
        restricted.bind(prefix, namespace)
    for predicate in TARGETS:
        restricted.remove((None, predicate, None))
    for kind in (SH.NodeShape, SH.PropertyShape):
        for shape in shapes.subjects(RDF.type, kind):
            for cls in (RDFS.Class, OWL.Class):
                restricted.remove((shape, RDF.type, cls))
    for shape, nodes in focus.items():
        for node in nodes:
            restricted.add((shape, SH.targetNode, node))
    return restricted


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
    nodes = results_graph.subjects(RDF.type, SH.ValidationResult)
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


def _pyshacl_data(store: pyoxigraph.Store) -> object:
    """pySHACL's data graph over a pyoxigraph store, with a cheap truth value.

    pySHACL 0.40 tests ``datagraph or shapes_graph`` three times for every result it reports;
    on an Oxigraph store that counts every distinct triple (0.15 s for 30 k triples, seconds for
    a million). Here the test asks for one triple instead; the answer is the same.
    """
    try:
        from pyshacl.graph_abstraction import OxigraphDataGraph

        return _truthy_class(OxigraphDataGraph)(store)
    except (ImportError, TypeError):  # another pySHACL: hand it the store
        return store


_TRUTHY: dict[type, type] = {}


def _truthy_class(base: type) -> type:
    if base not in _TRUTHY:

        class Data(base):  # type: ignore[misc, valid-type]
            def __bool__(self) -> bool:
                return next(iter(self.impl), None) is not None

        _TRUTHY[base] = Data
    return _TRUTHY[base]


def _oxigraph_store(data: Graph) -> pyoxigraph.Store:
    import pyoxigraph

    store = pyoxigraph.Store()
    store.load(data.serialize(format="nt", encoding="utf-8"), format=pyoxigraph.RdfFormat.N_TRIPLES)
    return store


def _result(node: Node, report: Graph, data: _View, shapes: Graph) -> ValidationResult:
    severity = report.value(node, SH.resultSeverity)
    shape = report.value(node, SH.sourceShape)
    focus = report.value(node, SH.focusNode)
    value = report.value(node, SH.value)
    messages = list(report.objects(node, SH.resultMessage))
    if not any(isinstance(m, Literal) and m.language for m in messages):
        messages += list(shapes.objects(shape, SH.message))
    names = list(shapes.objects(shape, SH.name))
    context = _context(focus, value, data)
    return ValidationResult(
        severity=str(severity).rsplit("#", 1)[-1],
        focus_node=focus,
        result_path=_path_text(report, report.value(node, SH.resultPath)),
        value=value,
        source_shape=shape,
        constraint_component=report.value(node, SH.sourceConstraintComponent),
        message_zh=_pick(messages, "zh"),
        message_en=_pick(messages, "en"),
        rule_zh=_pick(names, "zh") or _short(shape),
        rule_en=_pick(names, "en") or _short(shape),
        **context,
    )


def _pick(literals: list[Node], lang: str) -> str:
    """The literal in ``lang``, else the other language, else an untagged one, else ""."""
    ordered = sorted(literals, key=lambda m: m.n3())
    tagged = {str(m.language).lower().split("-")[0]: str(m) for m in ordered if _has_lang(m)}
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
            from hngraph.oxterms import to_oxigraph, to_rdflib

            node, verb = to_oxigraph(subject), to_oxigraph(predicate)
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
        SEVERITY_ORDER.get(SH[result.severity], 9),
        str(result.task_list or ""),
        result.task_number if result.task_number is not None else -1,
        result.measure_number if result.measure_number is not None else -1,
        str(result.focus_node),
        result.result_path or "",
        str(result.source_shape),
        str(result.constraint_component),
        result.value.n3() if result.value is not None else "",
    )


# ---------------------------------------------------------------------------------------------
# Renderers
# ---------------------------------------------------------------------------------------------


LABELS = {
    "en": {"rule": "rule", "focus": "focus", "path": "path", "value": "value", "via": "constraint"},
    "zh": {"rule": "规则", "focus": "焦点节点", "path": "路径", "value": "值", "via": "约束组件"},
}


def render_text(report: ValidationReport, lang: str = "en") -> str:
    """A report for people, in ``lang`` ("zh" or "en")."""
    label = LABELS[lang]
    lines = [_summary(report, lang)]
    for result in report.results:
        lines.append("")
        lines.append(f"[{SEVERITY_WORDS[lang][result.severity]}] {_where(result, lang)}")
        lines.append(f"  {result.message(lang)}")
        lines.append(f"  {label['rule']}: {result.rule(lang)} ({_short(result.source_shape)})")
        lines.append(f"  {label['focus']}: {_short(result.focus_node)}")
        if result.result_path:
            lines.append(f"  {label['path']}: {_short_path(result.result_path)}")
        if result.value is not None:
            lines.append(f"  {label['value']}: {_short(result.value)}")
        lines.append(f"  {label['via']}: {_short(result.constraint_component)}")
    return "\n".join(lines) + "\n"


def _summary(report: ValidationReport, lang: str) -> str:
    violations, warnings = report.count("Violation"), report.count("Warning")
    if lang == "zh":
        verdict = "符合" if report.conforms else "不符合"
        return f"验证结果：{verdict}（{violations} 个违规，{warnings} 个警告）"
    verdict = "conforms" if report.conforms else "does not conform"
    counts = f"{_plural(violations, 'violation')}, {_plural(warnings, 'warning')}"
    return f"validation: {verdict} ({counts})"


def _plural(count: int, word: str) -> str:
    return f"{count} {word}" if count == 1 else f"{count} {word}s"


def _where(result: ValidationResult, lang: str) -> str:
    parts = []
    if result.task_number is not None:
        slug = str(result.task_list).rsplit("/", 1)[-1] if result.task_list else ""
        if lang == "zh":
            parts.append(
                f"清单 {slug} 任务 {result.task_number}" if slug else f"任务 {result.task_number}"
            )
        else:
            parts.append(f"task {result.task_number}" + (f" of {slug}" if slug else ""))
    if result.measure_number is not None:
        parts.append(
            f"举措 {result.measure_number}" if lang == "zh" else f"measure {result.measure_number}"
        )
    if result.department:
        parts.append(result.department)
    return " · ".join(parts) if parts else _short(result.focus_node)


def _short(node: Node | str | None) -> str:
    if node is None:
        return ""
    if isinstance(node, Literal):
        text = json.dumps(str(node), ensure_ascii=False)  # escapes control characters
        if node.language:
            return f"{text}@{node.language}"
        return text if _is_string(node) else f"{text}^^{_short(node.datatype)}"
    if isinstance(node, BNode):
        return f"_:{node}"
    text = str(node)
    for prefix, namespace in PREFIXES.items():
        if text.startswith(namespace) and len(text) > len(namespace):
            return f"{prefix}:{text[len(namespace) :]}"
    return f"<{text}>"


def _is_string(node: Literal) -> bool:
    return node.datatype in (None, XSD.string) and not node.language


def _short_path(path: str) -> str:
    return f"^{_short(path[1:])}" if path.startswith("^") else _short(path)


def render_json(report: ValidationReport) -> str:
    """The report as JSON (both languages; terms in the SPARQL 1.1 JSON results form)."""
    document = {
        "conforms": report.conforms,
        "violations": report.count("Violation"),
        "warnings": report.count("Warning"),
        "infos": report.count("Info"),
        "results": [_result_json(result) for result in report.results],
    }
    return json.dumps(document, ensure_ascii=False, indent=2) + "\n"


def _result_json(result: ValidationResult) -> dict:
    return {
        "severity": result.severity,
        "focusNode": str(result.focus_node),
        "resultPath": result.result_path,
        "value": _term_json(result.value),
        "sourceShape": str(result.source_shape),
        "sourceConstraintComponent": str(result.constraint_component),
        "message": {"zh": result.message_zh, "en": result.message_en},
        "rule": {"zh": result.rule_zh, "en": result.rule_en},
        "taskList": str(result.task_list) if result.task_list else None,
        "taskNumber": result.task_number,
        "measureNumber": result.measure_number,
        "department": result.department,
    }


def _term_json(node: Node | None) -> dict | None:
    if node is None:
        return None
    if isinstance(node, URIRef):
        return {"type": "uri", "value": str(node)}
    if isinstance(node, BNode):
        return {"type": "bnode", "value": str(node)}
    term: dict = {"type": "literal", "value": str(node)}
    if node.language:
        term["xml:lang"] = node.language
    elif node.datatype:
        term["datatype"] = str(node.datatype)
    return term


def render_turtle(report: ValidationReport) -> str:
    """pySHACL's results graph (a SHACL validation report) in Turtle."""
    return report.results_graph.serialize(format="turtle")
