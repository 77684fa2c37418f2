"""Regenerate a task list's source table from the built graph alone."""

from __future__ import annotations

import hashlib

from rdflib import Graph, URIRef
from rdflib.namespace import DCTERMS, RDF
from rdflib.term import Node

from hngraph.errors import HngraphError
from hngraph.source.parse import DEPARTMENT_SEPARATOR, MEASURE_SEPARATOR, table_text
from hngraph.source.records import Task
from hngraph.vocab import HN


def task_lists(graph: Graph) -> list[URIRef]:
    """Every task list in the graph, sorted by IRI."""
    return sorted(s for s in graph.subjects(RDF.type, HN.TaskList) if isinstance(s, URIRef))


def source_text(graph: Graph, task_list: URIRef) -> str:
    """The source table of ``task_list``, in the source layout, from the graph alone."""
    label = _one(graph, task_list, HN.attachmentLabel)
    title = _one(graph, task_list, DCTERMS.title)
    tasks = sorted(
        graph.objects(task_list, HN.hasTask), key=lambda t: _number(graph, t, HN.taskNumber)
    )
    rows = tuple(
        Task(
            number=_number(graph, task, HN.taskNumber),
            text=_one(graph, task, HN.text),
            measures=(),
            departments=tuple(_departments(graph, task).split(DEPARTMENT_SEPARATOR)),
            line=0,
        )
        for task in tasks
    )
    return table_text(label, title, rows)


def measures_text(graph: Graph, task: URIRef) -> str:
    """A task's measure texts joined with ``；`` in order (equals its text when consistent)."""
    measures = sorted(
        graph.objects(task, HN.hasMeasure), key=lambda m: _number(graph, m, HN.measureNumber)
    )
    return MEASURE_SEPARATOR.join(_one(graph, m, HN.text) for m in measures)


def source_bytes_verified(graph: Graph, task_list: URIRef) -> bytes:
    """The regenerated source, checked against the SHA-256 the graph records for it."""
    data = source_text(graph, task_list).encode("utf-8")
    source = graph.value(task_list, DCTERMS.source)
    recorded = str(graph.value(source, HN.sha256)) if source is not None else None
    if recorded != hashlib.sha256(data).hexdigest():
        raise HngraphError(
            f"<{task_list}>: the regenerated table does not match the source's recorded SHA-256"
        )
    return data


def _departments(graph: Graph, task: Node) -> str:
    holders = sorted(
        graph.objects(task, HN.responsibility), key=lambda r: _number(graph, r, HN.rank)
    )
    return DEPARTMENT_SEPARATOR.join(_one(graph, r, HN.nameAsWritten) for r in holders)


def _one(graph: Graph, subject: Node, predicate: URIRef) -> str:
    values = list(graph.objects(subject, predicate))
    if len(values) != 1:
        raise HngraphError(f"<{subject}> has {len(values)} values of <{predicate}>, expected 1")
    return str(values[0])


def _number(graph: Graph, subject: Node, predicate: URIRef) -> int:
    value = _one(graph, subject, predicate)
    if not value.isascii() or not value.isdigit() or value != str(int(value)):
        raise HngraphError(f"<{subject}>: <{predicate}> {value!r} is not a canonical whole number")
    return int(value)
