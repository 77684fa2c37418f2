"""A validation report as text (zh or en), JSON or Turtle."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

from rdflib import BNode, Literal, URIRef
from rdflib.term import Node

if TYPE_CHECKING:
    pass

from hngraph.validation.report import ValidationReport, ValidationResult, short_term

SEVERITY_WORDS = {
    "en": {"Violation": "violation", "Warning": "warning", "Info": "info"},
    "zh": {"Violation": "违规", "Warning": "警告", "Info": "提示"},
}
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
        lines.append(f"  {label['rule']}: {result.rule(lang)} ({short_term(result.source_shape)})")
        lines.append(f"  {label['focus']}: {short_term(result.focus_node)}")
        if result.result_path:
            lines.append(f"  {label['path']}: {_short_path(result.result_path)}")
        if result.value is not None:
            lines.append(f"  {label['value']}: {short_term(result.value)}")
        lines.append(f"  {label['via']}: {short_term(result.constraint_component)}")
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
    return " · ".join(parts) if parts else short_term(result.focus_node)


def _short_path(path: str) -> str:
    return f"^{short_term(path[1:])}" if path.startswith("^") else short_term(path)


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
    if not isinstance(node, Literal):
        return term
    if node.language:
        term["xml:lang"] = node.language
    elif node.datatype:
        term["datatype"] = str(node.datatype)
    return term


def render_turtle(report: ValidationReport) -> str:
    """pySHACL's results graph (a SHACL validation report) in Turtle."""
    return report.results_graph.serialize(format="turtle")
