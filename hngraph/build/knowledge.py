"""The knowledge layer: curated judgements (``data/knowledge/*.tsv``) and lineage → RDF triples.

Each TSV row is one judgement about a task or one of its measures (policy area, initiative
mentioned, action type, deliverable type, education level, national framework link, target year)
with the phrase that justifies it. A judgement becomes a node of its own (``hn:AreaAssignment``,
…) carrying ``hn:target``, ``hn:concept`` (or ``hn:targetYear``) and ``hn:evidence``, plus the
direct triple (``task hn:policyArea area``, …) kept in step with it. Curated data that is wrong
(an unknown task, measure or concept, an evidence phrase not found verbatim in the text it
justifies, a duplicate) raises ``KnowledgeError`` naming file, line and task. Concept schemes are
read from ``ontology/`` to check slugs and take labels, but are not returned: the build loads them.
``load_knowledge`` checks every row first; ``Knowledge.triples`` then gives one list's triples at a
time, so the build can stream. No network.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import cast

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import RDF, RDFS, SKOS, XSD
from rdflib.term import Identifier, Node

from hngraph import project
from hngraph.errors import RegistryError
from hngraph.rdf.read import read_turtle
from hngraph.source.records import Task, TaskList
from hngraph.vocab import HN, HNID, ORG, measure_iri, task_iri

COLUMNS_BEFORE = ("list", "task", "measure")
COLUMNS_AFTER = ("evidence", "note")
SCHEME_FILES = (
    "policy-areas.ttl",
    "measure-types.ttl",
    "education-levels.ttl",
    "initiatives.ttl",
    "national-framework.ttl",
)
LINEAGE_FILE = "lineage.ttl"
YEAR_PATTERN = re.compile(r"^[0-9]{4}$")
# An evidence phrase is a complete constituent: it neither ends nor begins inside one
# (the same rule as hnsk:EvidenceCompleteShape).
COMPLETE_PATTERN = re.compile(r"^[^、，；：的和与及].*[^、，；：的和与及之或并对把将向]$", re.S)
SLUG_PATTERN = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
CONCEPT_PREFIX = str(HNID["concept/"])
FRAMEWORK_SCHEMES = frozenset({"national-vet-reform-plan"})
Triple = tuple[URIRef, URIRef, Node]


class KnowledgeError(RegistryError):
    """Wrong curated knowledge data, located by file (relative to the project), line and task."""

    def __init__(
        self, message: str, *, path: str, line: int | None = None, task: int | None = None
    ) -> None:
        self.path = path
        self.line = line
        self.task = task
        self.detail = message
        where = path if line is None else f"{path}:{line}"
        if task is not None:
            where += f" (task {task})"
        super().__init__(f"{where}: {message}")


@dataclass(frozen=True)
class Kind:
    """One kind of judgement: its TSV file, value column, scheme and RDF terms."""

    file: str
    column: str
    scheme: str | None  # None: the value is a year; "*": a framework "{scheme}/{slug}"
    judgement: URIRef
    direct: URIRef
    segment: str  # of the judgement's IRI: {target}/{segment}/{slug}
    measure_required: bool
    label_zh: str
    label_en: str


def _kind(
    file: str,
    column: str,
    scheme: str | None,
    judgement: URIRef,
    direct: URIRef,
    segment: str,
    labels: tuple[str, str],
    *,
    per_measure: bool = False,
) -> Kind:
    return Kind(file, column, scheme, judgement, direct, segment, per_measure, *labels)


KINDS: tuple[Kind, ...] = (
    _kind("areas.tsv", "area", "policy-area", HN.AreaAssignment, HN.policyArea, "area",
          ("政策领域", "policy area")),
    _kind("initiatives.tsv", "initiative", "initiative", HN.InitiativeMention,
          HN.mentionsInitiative, "initiative", ("提及专项", "initiative mentioned")),
    _kind("actions.tsv", "action", "action-type", HN.ActionClassification, HN.actionType,
          "action", ("行动类型", "action type"), per_measure=True),
    _kind("deliverables.tsv", "deliverable", "deliverable-type", HN.DeliverableClassification,
          HN.deliverableType, "deliverable", ("预期成果类型", "deliverable type"),
          per_measure=True),
    _kind("levels.tsv", "level", "education-level", HN.LevelMention, HN.educationLevel,
          "level", ("教育层次", "education level")),
    _kind("framework-links.tsv", "component", "*", HN.FrameworkLink,
          HN.relatedFrameworkComponent, "framework", ("国家框架关联", "national framework link")),
    _kind("target-years.tsv", "year", None, HN.TargetYearStatement, HN.targetYear,
          "target-year", ("目标年份", "target year")),
)  # fmt: skip


@dataclass(frozen=True)
class Concept:
    """A concept of one of the knowledge schemes, with its labels."""

    iri: URIRef
    label_zh: str
    label_en: str
    keywords: tuple[str, ...] = ()  # hn:evidenceKeyword @zh of it and its narrower concepts


@dataclass(frozen=True)
class Row:
    """One TSV row, located by file (relative path) and line."""

    path: str
    line: int
    list_slug: str
    task: int
    measure: int | None
    value: str
    evidence: str
    note: str


def knowledge_dir(root: Path) -> Path:
    """Hand-edited knowledge-layer data."""
    return root / "data" / "knowledge"


def knowledge_graph(task_lists: Sequence[TaskList], root: Path) -> Graph:
    """All knowledge-layer triples (judgements, direct links, lineage) for the given lists."""
    knowledge = load_knowledge(task_lists, root)
    graph = Graph()
    graph.bind("hn", HN._NS)
    graph.bind("hnid", HNID)
    graph.bind("org", ORG)
    for task_list in task_lists:
        for triple in knowledge.triples(task_list):
            graph.add(triple)
    graph += knowledge.lineage
    return graph


@dataclass(frozen=True)
class Knowledge:
    """The checked knowledge layer of a build: rows by list, concepts and lineage.

    ``triples(task_list)`` gives one list's judgements at a time, so a build can stream them.
    """

    concepts: dict[str, dict[str, Concept]]
    rows: dict[str, tuple[tuple[Kind, Row], ...]]  # list slug → its rows, in file order per kind
    lineage: Graph

    def triples(self, task_list: TaskList) -> Iterator[Triple]:
        """One list's judgement and direct triples (already checked by ``load_knowledge``)."""
        return self.row_triples(task_list, self.rows.get(task_list.slug, ()))

    def rows_by_task(self, task_list: TaskList) -> dict[int, tuple[tuple[Kind, Row], ...]]:
        """One list's rows grouped by task number, in the order of ``rows``."""
        grouped: dict[int, list[tuple[Kind, Row]]] = {}
        for kind, row in self.rows.get(task_list.slug, ()):
            grouped.setdefault(row.task, []).append((kind, row))
        return {task: tuple(found) for task, found in grouped.items()}

    def row_triples(
        self, task_list: TaskList, rows: Iterable[tuple[Kind, Row]]
    ) -> Iterator[Triple]:
        """The judgement and direct triples of some of a list's (checked) rows.

        A row's triples are about its task, its measure, or the judgement under either IRI.
        """
        seen: dict[tuple[str, URIRef], int] = {}
        for kind, row in rows:
            yield from _judgement(kind, row, task_list, self.concepts, seen)


def load_knowledge(task_lists: Sequence[TaskList], root: Path) -> Knowledge:
    """Read and check every row about the given lists, then the lineage; errors name file and line.

    The checks run in the order of files and rows, so the first error reported is the same one
    whether the triples are then wanted all at once or a list at a time.
    """
    concepts = load_concepts(root)
    by_slug = {task_list.slug: task_list for task_list in task_lists}
    rows: dict[str, list[tuple[Kind, Row]]] = {}
    for kind in KINDS:
        seen: dict[tuple[str, URIRef], int] = {}
        for row in read_rows(root, kind):
            task_list = by_slug.get(row.list_slug)
            if task_list is not None:
                _judgement(kind, row, task_list, concepts, seen)
                rows.setdefault(row.list_slug, []).append((kind, row))
    lineage = load_lineage(root)
    return Knowledge(concepts, {slug: tuple(found) for slug, found in rows.items()}, lineage)


def read_rows(root: Path, kind: Kind) -> list[Row]:
    """The rows of one kind's TSV file, checked for shape (not yet against the texts)."""
    path = knowledge_dir(root) / kind.file
    shown = _shown(path, root)
    header = (*COLUMNS_BEFORE, kind.column, *COLUMNS_AFTER)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise KnowledgeError("file not found", path=shown) from None
    except UnicodeDecodeError:
        raise KnowledgeError("not UTF-8", path=shown) from None
    lines = text.split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    if not lines or tuple(lines[0].split("\t")) != header:
        raise KnowledgeError(f"the header must be {'<TAB>'.join(header)}", path=shown, line=1)
    return [_row(fields, shown, number) for number, fields in _data_lines(lines, shown, header)]


def _data_lines(
    lines: list[str], shown: str, header: tuple[str, ...]
) -> Iterator[tuple[int, list[str]]]:
    for number, line in enumerate(lines[1:], start=2):
        if not line.strip() or line.startswith("#"):
            continue
        fields = line.split("\t")
        if len(fields) != len(header):
            raise KnowledgeError(
                f"expected {len(header)} tab-separated columns, found {len(fields)}",
                path=shown,
                line=number,
            )
        yield number, fields


def _row(fields: list[str], shown: str, line: int) -> Row:
    list_slug, task_text, measure_text, value, evidence, note = fields
    task = _number(task_text, "task", shown, line, None)
    for name, field in (("list", list_slug), ("value", value), ("evidence", evidence)):
        if field != field.strip():
            raise KnowledgeError(f"{name} has surrounding spaces", path=shown, line=line, task=task)
    if not SLUG_PATTERN.match(list_slug):
        raise KnowledgeError(f"bad list slug {list_slug!r}", path=shown, line=line, task=task)
    measure = _number(measure_text, "measure", shown, line, task) if measure_text else None
    if not evidence:
        raise KnowledgeError("the evidence phrase is empty", path=shown, line=line, task=task)
    return Row(shown, line, list_slug, task, measure, value, evidence, note.strip())


def _number(text: str, name: str, shown: str, line: int, task: int | None) -> int:
    if not text.isdigit() or text.startswith("0"):
        raise KnowledgeError(
            f"{name} number {text!r} is not a positive integer", path=shown, line=line, task=task
        )
    return int(text)


def _judgement(
    kind: Kind,
    row: Row,
    task_list: TaskList,
    concepts: dict[str, dict[str, Concept]],
    seen: dict[tuple[str, URIRef], int],
) -> list[Triple]:
    """The triples of one row's judgement, after checking the row against the list's texts."""
    task = _task(task_list, row)
    target, text, label_zh, label_en = _target(task_list, task, row, kind)
    if row.evidence not in text:
        where = f"measure {row.measure}" if row.measure else "the task"
        raise KnowledgeError(
            f"evidence {row.evidence!r} does not occur verbatim in the text of {where}",
            path=row.path,
            line=row.line,
            task=row.task,
        )
    if not COMPLETE_PATTERN.match(row.evidence):
        raise KnowledgeError(
            f"evidence {row.evidence!r} begins or ends inside a constituent (on a function word "
            "or on 、，；：): quote a complete phrase",
            path=row.path,
            line=row.line,
            task=row.task,
        )
    value: Literal | URIRef
    if kind.scheme is None:
        value, slug, value_zh, value_en = _year(row)
    else:
        concept, slug = _concept(kind, row, concepts)
        value, value_zh, value_en = concept.iri, concept.label_zh, concept.label_en
        if concept.keywords and not any(word in row.evidence for word in concept.keywords):
            raise KnowledgeError(
                f"evidence {row.evidence!r} contains none of the words that carry the judgement "
                f"{row.value!r} ({'、'.join(concept.keywords)})",
                path=row.path,
                line=row.line,
                task=row.task,
            )
    node = URIRef(f"{target}/{kind.segment}/{slug}")
    if (kind.file, node) in seen:
        raise KnowledgeError(
            f"duplicate judgement: {kind.column} {row.value!r} for the same target is already "
            f"on line {seen[(kind.file, node)]}",
            path=row.path,
            line=row.line,
            task=row.task,
        )
    seen[(kind.file, node)] = row.line
    triples: list[Triple] = [
        (node, RDF.type, kind.judgement),
        (node, HN.target, target),
        (node, HN.targetYear if kind.scheme is None else HN.concept, value),
        (node, HN.evidence, Literal(row.evidence, lang="zh")),
        (node, RDFS.label, Literal(f"{label_zh} {kind.label_zh}：{value_zh}", lang="zh")),
        (node, RDFS.label, Literal(f"{label_en} {kind.label_en}: {value_en}", lang="en")),
    ]
    if row.note:
        triples.append((node, RDFS.comment, Literal(row.note, lang="en")))
    triples.append((target, kind.direct, value))
    return triples


def _task(task_list: TaskList, row: Row) -> Task:
    for task in task_list.tasks:
        if task.number == row.task:
            return task
    raise KnowledgeError(
        f"list {task_list.slug!r} has no task {row.task}",
        path=row.path,
        line=row.line,
        task=row.task,
    )


def _target(task_list: TaskList, task: Task, row: Row, kind: Kind) -> tuple[URIRef, str, str, str]:
    """IRI, text and labels (zh, en) of the task or measure a row is about."""
    if row.measure is None:
        if kind.measure_required:
            raise KnowledgeError(
                f"a {kind.column} is judged per measure: the measure column is required",
                path=row.path,
                line=row.line,
                task=row.task,
            )
        iri = URIRef(task_iri(task_list.slug, task.number))
        return iri, task.text, f"任务 {task.number}", f"Task {task.number}"
    for measure in task.measures:
        if measure.number == row.measure:
            return (
                URIRef(measure_iri(task_list.slug, task.number, measure.number)),
                measure.text,
                f"任务 {task.number} 举措 {measure.number}",
                f"Task {task.number} measure {measure.number}",
            )
    raise KnowledgeError(
        f"task {task.number} has no measure {row.measure} (it has {len(task.measures)})",
        path=row.path,
        line=row.line,
        task=row.task,
    )


def _year(row: Row) -> tuple[Literal, str, str, str]:
    if not YEAR_PATTERN.match(row.value):
        raise KnowledgeError(
            f"year {row.value!r} is not four digits", path=row.path, line=row.line, task=row.task
        )
    if row.value not in row.evidence:
        raise KnowledgeError(
            f"the evidence {row.evidence!r} does not state the year {row.value}",
            path=row.path,
            line=row.line,
            task=row.task,
        )
    return Literal(row.value, datatype=XSD.gYear), row.value, row.value, row.value


def _concept(kind: Kind, row: Row, concepts: dict[str, dict[str, Concept]]) -> tuple[Concept, str]:
    """The concept a row names and the slug used in the judgement's IRI."""
    if kind.scheme == "*":
        scheme, _, slug = row.value.partition("/")
        found = concepts.get(scheme, {}).get(slug) if scheme in FRAMEWORK_SCHEMES else None
        path_slug = f"{scheme}/{slug}"
        hint = "write {scheme}/{slug}, e.g. national-vet-reform-plan/part-1"
    else:
        scheme = kind.scheme or ""
        found = concepts.get(scheme, {}).get(row.value)
        path_slug = row.value
        hint = f"not a concept of scheme {scheme!r} (see ontology/)"
    if found is None:
        raise KnowledgeError(
            f"unknown {kind.column} {row.value!r}: {hint}",
            path=row.path,
            line=row.line,
            task=row.task,
        )
    return found, path_slug


def load_concepts(root: Path) -> dict[str, dict[str, Concept]]:
    """Scheme name → slug → concept, from the knowledge schemes in ``ontology/``."""
    vocabulary = Graph()
    for name in SCHEME_FILES:
        vocabulary += read_turtle(project.ontology_dir(root) / name)
    result: dict[str, dict[str, Concept]] = {}
    for concept, scheme in sorted(vocabulary.subject_objects(SKOS.inScheme)):
        scheme_name = str(scheme).rsplit("/", 1)[-1]
        prefix = f"{CONCEPT_PREFIX}{scheme_name}/"
        if not str(concept).startswith(prefix):
            raise RegistryError(f"concept <{concept}> is not under {prefix}")
        slug = str(concept)[len(prefix) :]
        # rdflib types objects as Node; skos:prefLabel values are literals
        labels = {
            cast(Literal, lit).language: str(lit)
            for lit in vocabulary.objects(concept, SKOS.prefLabel)
        }
        carriers = [concept, *vocabulary.subjects(SKOS.broader, concept)]
        keywords = sorted(
            {str(w) for c in carriers for w in vocabulary.objects(c, HN.evidenceKeyword)}
        )
        result.setdefault(scheme_name, {})[slug] = Concept(
            URIRef(cast(URIRef, concept)),
            labels.get("zh", slug),
            labels.get("en", slug),
            tuple(keywords),
        )
    return result


def load_lineage(root: Path) -> Graph:
    """Department lineage (``org:ChangeEvent``s); organisations must be known."""
    path = knowledge_dir(root) / LINEAGE_FILE
    shown = _shown(path, root)
    graph = read_turtle(path)
    known = set(read_turtle(project.registry_file(root)).subjects(RDF.type, ORG.Organization))
    known |= set(graph.subjects(RDF.type, ORG.Organization))
    # rdflib types subjects as Node, which has no order; each is an (ordered) Identifier
    for event in sorted(cast(Iterable[Identifier], graph.subjects(RDF.type, ORG.ChangeEvent))):
        for role in (ORG.originalOrganization, ORG.resultingOrganization):
            for organisation in graph.objects(event, role):
                if organisation not in known:
                    raise KnowledgeError(
                        f"change event <{event}>: {role.fragment} <{organisation}> is neither in "
                        "the organisation registry nor defined in this file",
                        path=shown,
                    )
    return graph


def _shown(path: Path, root: Path) -> str:
    """A path as shown in messages: relative to the project root when inside it."""
    try:
        return path.resolve().relative_to(root.resolve()).as_posix()
    except ValueError:
        return path.name
