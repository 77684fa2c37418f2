"""Validate a graph against the hngraph SHACL shapes; report results a person can act on.

``validate`` runs pySHACL (no inference, no SHACL-AF, graphs passed as objects so nothing is
fetched) and returns a ``ValidationReport``: typed results, sorted, each with the rule's message
in Chinese and English and, where the focus node is a task, measure, responsibility or
organisation, the task number and department name. Renderers: text, JSON, Turtle.

Shapes default to every ``ontology/shapes*.ttl`` of the project (core and knowledge layer).
The data is evaluated on an in-memory Oxigraph store by default: pySHACL's SPARQL-based
constraints then run in Rust, 5× to 20× faster on the Hunan list than on rdflib, which re-parses
every query for every focus node. ``engine="rdflib"`` gives the same results (tests compare them).
"""

from __future__ import annotations

import json
import logging
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING
from typing import Literal as Choice

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import RDF, SH, SKOS, XSD
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
    data: Graph, shapes: Graph | None = None, *, engine: Engine = "oxigraph"
) -> ValidationReport:
    """Validate ``data`` against ``shapes`` (default: the project's shapes) with pySHACL."""
    import pyshacl

    shapes_graph = shapes if shapes is not None else load_shapes()
    try:
        with _quiet_rdflib():
            target = _oxigraph_store(data) if engine == "oxigraph" else data
            _, results_graph, _ = pyshacl.validate(
                target,
                shacl_graph=shapes_graph,
                inference="none",
                advanced=False,
                inplace=False,
                allow_warnings=True,
            )
    except Exception as error:  # pySHACL reports bad shapes and failed queries this way
        raise ValidationError(f"validation could not run: {error}") from None
    for prefix, namespace in PREFIXES.items():
        results_graph.bind(prefix, namespace)
    results = [_result(node, results_graph, data, shapes_graph) for node in _nodes(results_graph)]
    return ValidationReport(
        results=tuple(sorted(results, key=_sort_key)), results_graph=results_graph
    )


def _oxigraph_store(data: Graph) -> pyoxigraph.Store:
    import pyoxigraph

    store = pyoxigraph.Store()
    store.load(data.serialize(format="nt", encoding="utf-8"), format=pyoxigraph.RdfFormat.N_TRIPLES)
    return store


def _nodes(results_graph: Graph) -> list[Node]:
    return list(results_graph.subjects(RDF.type, SH.ValidationResult))


def _result(node: Node, report: Graph, data: Graph, shapes: Graph) -> ValidationResult:
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
    tagged = {str(m.language).lower().split("-")[0]: str(m) for m in literals if _has_lang(m)}
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


def _context(focus: Node, value: Node | None, data: Graph) -> dict:
    """Task list, task number, measure number and department for the focus node."""
    task: Node | None = None
    measure_number = None
    department = None
    if (focus, RDF.type, HN.Task) in data or (focus, HN.taskNumber, None) in data:
        task = focus
        department = _department(value, data) if value is not None else None
    elif (focus, HN.task, None) in data:
        task = data.value(focus, HN.task)
        measure_number = _integer(data.value(focus, HN.measureNumber))
        department = _department(focus, data)
    elif (focus, SKOS.prefLabel, None) in data or (focus, RDF.type, ORG.Organization) in data:
        department = _department(focus, data)
    return {
        "task_list": _iri(data.value(task, HN.taskList)) if task is not None else None,
        "task_number": _integer(data.value(task, HN.taskNumber)) if task is not None else None,
        "measure_number": measure_number,
        "department": department,
    }


def _department(node: Node, data: Graph) -> str | None:
    """A responsibility's name as written, else an organisation's Chinese name."""
    for prop in (HN.nameAsWritten, SKOS.prefLabel, SKOS.altLabel):
        names = list(data.objects(node, prop))
        if names:
            return _pick(names, "zh") or None
    organisation = data.value(node, HN.organization)
    return _department(organisation, data) if organisation is not None else None


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
