"""A part's validation results as JSON and back; a report split by the part of each focus node.

``split_report`` files each top-level result of a report (with everything hanging under it in
the results graph: nested ``sh:detail`` results, paths) under the part of its focus node.
``encode`` turns one part's results into a JSON document (terms written exactly: a literal's
lexical form, language and datatype as they are) and ``decode`` gives back a
``ValidationReport`` with the same results and an isomorphic results graph; ``decode`` raises
``ValueError`` (or ``KeyError``/``TypeError``) on a document it did not write.
"""

from __future__ import annotations

from collections.abc import Callable

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import RDF, SH
from rdflib.term import Node

from hngraph.validation.report import ValidationReport, ValidationResult
from hngraph.vocab import REPORT_PREFIXES

ALLOWED = (SH.Info, SH.Warning)  # severities that do not make a report fail (allow_warnings)


def split_report(
    report: ValidationReport, owner: Callable[[Node], str | None]
) -> dict[str | None, tuple[list[ValidationResult], Graph]]:
    """Each part's results and results graph (a report node with only its results)."""
    graph = report.results_graph
    tops = [
        result
        for node in graph.subjects(RDF.type, SH.ValidationReport)
        for result in graph.objects(node, SH.result)
    ]
    graphs: dict[str | None, Graph] = {}
    roots: dict[str | None, BNode] = {}
    conforms: dict[str | None, bool] = {}
    for top in tops:
        key = owner(graph.value(top, SH.focusNode))  # type: ignore[arg-type]
        if key not in graphs:
            graphs[key], roots[key] = Graph(), BNode()
            conforms[key] = True
        part = graphs[key]
        part.add((roots[key], SH.result, top))
        severity = graph.value(top, SH.resultSeverity)
        conforms[key] = conforms[key] and severity in ALLOWED
        for triple in _tree(graph, top):
            part.add(triple)
    results: dict[str | None, list[ValidationResult]] = {key: [] for key in graphs}
    for result in report.results:
        results.setdefault(owner(result.focus_node), []).append(result)
    split = {}
    for key in results:
        part = graphs.get(key, Graph())
        root = roots.get(key, BNode())
        part.add((root, RDF.type, SH.ValidationReport))
        part.add((root, SH.conforms, Literal(conforms.get(key, True))))
        split[key] = (results[key], part)
    return split


def _tree(graph: Graph, node: Node) -> list[tuple[Node, Node, Node]]:
    """The triples of ``node`` and of every blank node below it."""
    found, todo, done = [], [node], set()
    while todo:
        subject = todo.pop()
        if subject in done:
            continue
        done.add(subject)
        for predicate, obj in graph.predicate_objects(subject):
            found.append((subject, predicate, obj))
            if isinstance(obj, BNode):
                todo.append(obj)
    return found


def encode(results: list[ValidationResult], graph: Graph | None) -> dict:
    """One part's results as a JSON document (``graph``: its results graph, if any)."""
    text = graph.serialize(format="nt", encoding="utf-8").decode("utf-8") if graph else ""
    return {"results": [_result(result) for result in results], "graph": text if results else ""}


def decode(document: dict) -> ValidationReport | None:
    """The report of ``encode``'s document; None for a part without results."""
    rows = document["results"]
    if not isinstance(rows, list):
        raise TypeError("results is not a list")
    if not rows:
        return None
    graph = Graph(bind_namespaces="core")
    for prefix, namespace in REPORT_PREFIXES.items():
        graph.bind(prefix, namespace)
    graph.parse(data=str(document["graph"]), format="nt")
    if len(list(graph.subjects(RDF.type, SH.ValidationReport))) != 1:
        raise ValueError("the results graph has no single report node")
    return ValidationReport(results=tuple(_unresult(row) for row in rows), results_graph=graph)


def _result(result: ValidationResult) -> dict:
    return {
        "severity": result.severity,
        "focus": _term(result.focus_node),
        "path": result.result_path,
        "value": _term(result.value) if result.value is not None else None,
        "shape": _term(result.source_shape),
        "component": str(result.constraint_component),
        "message": [result.message_zh, result.message_en],
        "rule": [result.rule_zh, result.rule_en],
        "list": str(result.task_list) if result.task_list is not None else None,
        "task": result.task_number,
        "measure": result.measure_number,
        "department": result.department,
    }


def _unresult(row: dict) -> ValidationResult:
    message_zh, message_en = (str(text) for text in row["message"])
    rule_zh, rule_en = (str(text) for text in row["rule"])
    return ValidationResult(
        severity=str(row["severity"]),
        focus_node=_unterm(row["focus"]),
        result_path=_optional_str(row["path"]),
        value=_unterm(row["value"]) if row["value"] is not None else None,
        source_shape=_unterm(row["shape"]),
        constraint_component=URIRef(str(row["component"])),
        message_zh=message_zh,
        message_en=message_en,
        rule_zh=rule_zh,
        rule_en=rule_en,
        task_list=URIRef(row["list"]) if row["list"] is not None else None,
        task_number=_optional_int(row["task"]),
        measure_number=_optional_int(row["measure"]),
        department=_optional_str(row["department"]),
    )


def _term(node: Node) -> list:
    if isinstance(node, URIRef):
        return ["u", str(node)]
    if isinstance(node, BNode):
        return ["b", str(node)]
    if isinstance(node, Literal):
        return ["l", str(node), node.language, str(node.datatype) if node.datatype else None]
    raise TypeError(f"not an RDF term: {node!r}")


def _unterm(data: list) -> Node:
    kind = data[0]
    if kind == "u":
        return URIRef(str(data[1]))
    if kind == "b":
        return BNode(str(data[1]))
    if kind == "l":
        _, lexical, lang, datatype = data
        return Literal(
            str(lexical),
            lang=str(lang) if lang else None,
            datatype=URIRef(datatype) if datatype else None,
            normalize=False,
        )
    raise ValueError(f"unknown term kind {kind!r}")


def _optional_str(value: object) -> str | None:
    if value is None:
        return None
    if not isinstance(value, str):
        raise TypeError("expected a string")
    return value


def _optional_int(value: object) -> int | None:
    if value is None:
        return None
    if not isinstance(value, int) or isinstance(value, bool):
        raise TypeError("expected an integer")
    return value
