"""SHACL results as plain rows, to compare engines and to store expected results.

A row is what identifies a validation result: severity, focus node, path, value, source shape
and constraint component (messages are left out: engines word them differently). Rows come from
a SHACL results graph (pySHACL's, or any engine's) and hold only its top-level results
(``sh:result`` of the ``sh:ValidationReport``), never the nested ``sh:detail`` ones.

Terms are written compactly and exactly: IRIs as prefixed names of ``REPORT_PREFIXES`` (else
``<iri>``), literals in N-Triples form with their lexical form as in the data (``"2.5"^^xsd:
integer``, ``"文本"@zh``; ``xsd:string`` left out), blank nodes as ``_:`` (their labels are not
comparable across graphs), and paths in SPARQL property-path syntax (``^hn:hasTask``,
``(ex:p / ex:q)``, ``ex:p*``). Expected-results files (``*.expected.json`` beside each invalid
shapes fixture, golden results of the test corpus) hold ``{"conforms": …, "results": [rows]}``
with the rows sorted (``sort_rows``).
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from pathlib import Path

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.collection import Collection
from rdflib.namespace import RDF, SH, XSD
from rdflib.term import Node

from hngraph.vocab import REPORT_PREFIXES

KEYS = ("severity", "focusNode", "resultPath", "value", "sourceShape", "sourceConstraintComponent")
Row = dict[str, "str | None"]

_PATH_OPERATORS = {
    SH.inversePath: ("^", ""),
    SH.zeroOrMorePath: ("", "*"),
    SH.oneOrMorePath: ("", "+"),
    SH.zeroOrOnePath: ("", "?"),
}


def term_text(
    node: Node | None,
    prefixes: dict[str, str] = REPORT_PREFIXES,
    *,
    blank_labels: bool = False,
) -> str | None:
    """A term as the rows write it (see the module docstring); ``None`` stays ``None``.

    ``blank_labels``: write a blank node's label (``_:b0``; reports for people) instead of ``_:``.
    """
    if node is None:
        return None
    if isinstance(node, BNode):
        return f"_:{node}" if blank_labels else "_:"
    if isinstance(node, Literal):
        lexical = json.dumps(str(node), ensure_ascii=False)
        if node.language:
            return f"{lexical}@{node.language}"
        if node.datatype is None or node.datatype == XSD.string:
            return lexical
        return f"{lexical}^^{term_text(node.datatype, prefixes)}"
    text = str(node)
    for prefix, namespace in prefixes.items():
        if text.startswith(namespace) and len(text) > len(namespace):
            return f"{prefix}:{text[len(namespace) :]}"
    return f"<{text}>"


def path_text(graph: Graph, path: Node | None, prefixes: dict[str, str] = REPORT_PREFIXES) -> str:
    """A SHACL path (an IRI or a path structure in ``graph``) in SPARQL property-path syntax."""
    if path is None or isinstance(path, URIRef | Literal):
        return term_text(path, prefixes) or ""
    for operator, (before, after) in _PATH_OPERATORS.items():
        inner = graph.value(path, operator)
        if inner is not None:
            return f"{before}{path_text(graph, inner, prefixes)}{after}"
    alternatives = graph.value(path, SH.alternativePath)
    if alternatives is not None:
        parts = [path_text(graph, p, prefixes) for p in Collection(graph, alternatives)]
        return "(" + " | ".join(parts) + ")"
    if graph.value(path, RDF.first) is not None:
        parts = [path_text(graph, p, prefixes) for p in Collection(graph, path)]
        return "(" + " / ".join(parts) + ")"
    return "_:"


def result_rows(graph: Graph, prefixes: dict[str, str] = REPORT_PREFIXES) -> list[Row]:
    """The top-level results of a SHACL results graph as rows, sorted."""
    rows = []
    for report in graph.subjects(RDF.type, SH.ValidationReport):
        for result in graph.objects(report, SH.result):
            severity = graph.value(result, SH.resultSeverity)
            path = graph.value(result, SH.resultPath)
            rows.append(
                {
                    "severity": str(severity).rsplit("#", 1)[-1] if severity is not None else None,
                    "focusNode": term_text(graph.value(result, SH.focusNode), prefixes),
                    "resultPath": path_text(graph, path, prefixes) if path is not None else None,
                    "value": term_text(graph.value(result, SH.value), prefixes),
                    "sourceShape": term_text(graph.value(result, SH.sourceShape), prefixes),
                    "sourceConstraintComponent": term_text(
                        graph.value(result, SH.sourceConstraintComponent), prefixes
                    ),
                }
            )
    return sort_rows(rows)


def conforms(graph: Graph) -> bool | None:
    """``sh:conforms`` of the results graph's report (``None`` when it has none)."""
    for report in graph.subjects(RDF.type, SH.ValidationReport):
        value = graph.value(report, SH.conforms)
        return bool(value.toPython()) if isinstance(value, Literal) else None
    return None


def sort_rows(rows: Iterable[Row]) -> list[Row]:
    """Rows in a fixed order (by their JSON text), each with exactly the keys ``KEYS``."""
    full = [{key: row.get(key) for key in KEYS} for row in rows]
    return sorted(full, key=lambda row: json.dumps(row, ensure_ascii=False, sort_keys=True))


def read_expected(path: Path) -> dict:
    """An expected-results file: ``{"conforms": bool, "results": [rows]}``, rows sorted."""
    data = json.loads(path.read_text(encoding="utf-8"))
    return {"conforms": data["conforms"], "results": sort_rows(data["results"])}


def write_expected(path: Path, graph_conforms: bool, rows: Iterable[Row]) -> None:
    """Write an expected-results file in the one format ``read_expected`` reads."""
    data = {"conforms": graph_conforms, "results": sort_rows(rows)}
    path.write_text(json.dumps(data, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
