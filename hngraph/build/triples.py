"""Turn parsed task lists, the organisation registry and the ontology into RDF triples.

``prepare_build`` checks every input first; the resulting ``Build`` gives the shared triples and
then one list's triples at a time, in parts (the list's own description, then each task with its
measures, responsibilities and judgements), which ``build.dataset`` streams to Turtle so that
memory holds one task's triples, not the list's. ``build_graph`` puts the same triples into one
rdflib graph (the in-memory reference, for small data and tests).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from functools import lru_cache
from itertools import chain
from pathlib import Path
from typing import cast

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCAT, DCTERMS, FOAF, PROV, RDF, RDFS, SKOS, VOID, XSD

from hngraph import __version__, project
from hngraph.build.inputs import BuildInputs
from hngraph.build.knowledge import Knowledge, Triple, load_knowledge
from hngraph.build.registry import Registry
from hngraph.build.translations import load_translations, task_translation, translation_file
from hngraph.errors import SourceError
from hngraph.source.parse import read_metadata
from hngraph.source.records import Task, TaskList
from hngraph.vocab import (
    DATASET_PREFIXES,
    HN,
    HNID,
    concept_iri,
    measure_iri,
    responsibility_iri,
    task_iri,
)
from hngraph.vocab import list_iri as list_iri_of

SCHEMA = "https://schema.org/"
DCAT_VERSION = URIRef("http://www.w3.org/ns/dcat#version")
LICENCE = URIRef("https://creativecommons.org/licenses/by/4.0/")
DATASET = HNID["dataset"]
SOFTWARE = HNID["software/hngraph"]
LEAD = URIRef(concept_iri("role", "lead"))
SUPPORTING = URIRef(concept_iri("role", "supporting"))
FIRST_LISTED_LEADS = URIRef(concept_iri("role-convention", "first-listed-leads"))
TRANSLATION_NOTE_EN = (
    "English texts (hn:unofficialTranslation) are unofficial translations made by the hngraph "
    "project; only the Chinese text is authoritative."
)
TRANSLATION_NOTE_ZH = (
    "英文文本（hn:unofficialTranslation）为 hngraph 项目的非官方翻译，仅中文原文具有权威性。"
)


#: Some of a list's triples, and the least IRI that the list's later parts are about (None: last).
Part = tuple[Iterable[Triple], str | None]


@dataclass(frozen=True)
class Build:
    """A checked build: every list with its inputs resolved, ready to give its triples.

    ``shared_triples`` (ontology, schemes, registry, lineage, dataset description) and
    ``list_triples`` (one list with its judgements) together are the whole dataset. A writer can
    take a list in parts (``list_parts``: its description, then one task at a time), so memory
    holds one task's triples plus the shared ones.
    """

    task_lists: tuple[TaskList, ...]
    inputs: BuildInputs
    knowledge: Knowledge

    def shared_triples(self) -> Iterator[Triple]:
        """Triples that belong to no list: vocabularies, registry, lineage, the dataset."""
        # rdflib types a graph's triples as (Node, Node, Node); the dataset's subjects and
        # predicates are IRIs (its Turtle writer refuses blank nodes). No check at run time.
        yield from cast(Iterable[Triple], self.inputs.vocabularies)
        yield from cast(Iterable[Triple], self.inputs.registry.graph)
        yield from cast(Iterable[Triple], self.knowledge.lineage)
        yield from _dataset_triples(self.task_lists)

    def list_triples(self, task_list: TaskList) -> Iterator[Triple]:
        """One list's triples: description, tasks, measures, responsibilities, judgements."""
        for triples, _before in self.list_parts(task_list):
            yield from triples

    def list_parts(self, task_list: TaskList) -> Iterator[Part]:
        """One list's triples in parts: the list's own description (with every ``hn:hasTask``),
        then each task with its measures, responsibilities and judgements.

        Each part comes with ``before``: the IRI of the next task, the least IRI that later
        parts are about (their subjects are that task's or later ones' resources), or None for
        the last part. A writer may write the subjects below it as soon as the part is in.
        """
        translations = _translations(task_list, self.inputs)
        judgements = self.knowledge.rows_by_task(task_list)
        slug, tasks = task_list.slug, task_list.tasks
        following = [task_iri(slug, task.number) for task in tasks[1:]]
        yield _list_description(task_list, self.inputs), task_iri(slug, tasks[0].number)
        for task, before in zip(tasks, [*following, None], strict=True):
            triples = chain(
                _task_triples(task_list, task, self.inputs.registry, translations),
                self.knowledge.row_triples(task_list, judgements.get(task.number, ())),
            )
            yield triples, before


def prepare_build(task_lists: Sequence[TaskList], inputs: BuildInputs) -> Build:
    """Check everything bad input can break, in the order a build meets it; write nothing.

    Slugs, translations, department names and the knowledge layer are checked for every list
    before any triple is made, so an error names its file and line and no output has begun.
    """
    _check_unique_slugs(task_lists)
    for task_list in task_lists:
        _translations(task_list, inputs)
        for task in task_list.tasks:
            _organisations(task_list, task, inputs.registry)
    knowledge = load_knowledge(task_lists, inputs.root)
    return Build(tuple(task_lists), inputs, knowledge)


def build_graph(task_lists: Sequence[TaskList], inputs: BuildInputs) -> Graph:
    """The whole dataset in memory: ontology, schemes, registry, every list and the dataset.

    The reference for small data and tests; ``hngraph build`` streams the same triples instead.
    """
    build = prepare_build(task_lists, inputs)
    graph = Graph()
    for prefix, namespace in DATASET_PREFIXES.items():
        graph.bind(prefix, namespace)
    for triple in build.shared_triples():
        graph.add(triple)
    for task_list in build.task_lists:
        for triple in build.list_triples(task_list):
            graph.add(triple)
    return graph


def _translations(task_list: TaskList, inputs: BuildInputs) -> dict[tuple[int, int], str]:
    return load_translations(
        translation_file(project.translations_dir(inputs.root), task_list.slug), task_list
    )


def _organisations(task_list: TaskList, task: Task, registry: Registry) -> list[URIRef]:
    """The organisations of a task's department cell, in order; an unknown name is an error."""
    return [
        registry.resolve(name, task_list, task.number, task.line + 2) for name in task.departments
    ]


def _check_unique_slugs(task_lists: Sequence[TaskList]) -> None:
    seen: dict[str, Path] = {}
    for task_list in task_lists:
        if task_list.slug in seen:
            raise SourceError(
                f"list slug {task_list.slug!r} is already used by {seen[task_list.slug]}; "
                "give one of them another 'slug' in its metadata file",
                path=task_list.source,
            )
        seen[task_list.slug] = task_list.source


def source_path_text(source: Path, root: Path) -> str:
    """The source's path relative to the project, or its bare name when it lies elsewhere."""
    try:
        return source.resolve().relative_to(root.resolve()).as_posix()
    except ValueError:
        return source.name


def _list_description(task_list: TaskList, inputs: BuildInputs) -> Iterator[Triple]:
    """The list and its source text: title, labels, metadata, checksum, and every task it has."""
    slug = task_list.slug
    the_list = URIRef(list_iri_of(slug))
    source = HNID[f"list/{slug}/source"]
    metadata = read_metadata(task_list.source)
    yield (the_list, RDF.type, HN.TaskList)
    yield (the_list, DCTERMS.title, Literal(task_list.title, lang="zh"))
    yield (the_list, RDFS.label, Literal(task_list.title, lang="zh"))
    yield (the_list, HN.attachmentLabel, Literal(task_list.attachment_label, lang="zh"))
    yield (the_list, HN.roleConvention, FIRST_LISTED_LEADS)
    yield (the_list, DCTERMS.source, source)
    if "title_en" in metadata:
        yield (the_list, RDFS.label, Literal(metadata["title_en"], lang="en"))
        yield (the_list, HN.unofficialTranslation, Literal(metadata["title_en"], lang="en"))
    for key, lang in (("coverage_zh", "zh"), ("coverage_en", "en")):
        if key in metadata:
            yield (the_list, DCTERMS.coverage, Literal(metadata[key], lang=lang))
    if "spatial" in metadata:  # the place's authority IRI; its evidence is in the metadata file
        yield (the_list, DCTERMS.spatial, URIRef(metadata["spatial"]))
    for key, lang in (("note_zh", "zh"), ("note_en", "en")):
        if key in metadata:
            yield (the_list, SKOS.editorialNote, Literal(metadata[key], lang=lang))

    yield (source, RDF.type, PROV.Entity)
    yield (source, RDF.type, FOAF.Document)
    yield (source, RDFS.label, Literal(f"{task_list.title}（来源文本）", lang="zh"))
    yield (source, RDFS.label, Literal(f"Source text of list {slug}", lang="en"))
    yield (source, HN.sha256, Literal(task_list.sha256))
    yield (source, DCAT.byteSize, Literal(task_list.byte_size, datatype=XSD.nonNegativeInteger))
    yield (source, DCTERMS.format, Literal("text/plain; charset=utf-8"))
    yield (source, HN.sourcePath, Literal(source_path_text(task_list.source, inputs.root)))
    for task in task_list.tasks:
        yield (the_list, _HN.hasTask, URIRef(task_iri(slug, task.number)))


class _Terms:
    """A namespace whose terms are made once: rdflib builds a new URIRef on every attribute access.

    The first access of a name goes through the namespace (so a closed one still refuses a typo);
    later ones are plain attribute reads. Used where terms are needed per task and measure.
    """

    def __init__(self, namespace: object) -> None:
        self._namespace = namespace

    def __getattr__(self, name: str) -> URIRef:
        term = getattr(self._namespace, name)
        setattr(self, name, term)
        return term


_HN, _RDF, _RDFS = _Terms(HN), _Terms(RDF), _Terms(RDFS)


@lru_cache(maxsize=1 << 13)
def _label(text: str, lang: str) -> Literal:
    """A language-tagged literal that repeats across lists ("Task 7"@en): made once, then shared."""
    return Literal(text, lang=lang)


@lru_cache(maxsize=1 << 12)
def _number(value: int) -> Literal:
    """An ``xsd:integer`` literal (task, measure, rank and line numbers repeat across lists)."""
    return Literal(value)


def _task_triples(
    task_list: TaskList,
    task: Task,
    registry: Registry,
    translations: dict[tuple[int, int], str],
) -> Iterator[Triple]:
    slug = task_list.slug
    node = URIRef(task_iri(slug, task.number))
    the_list = URIRef(list_iri_of(slug))
    yield (node, _RDF.type, _HN.Task)
    yield (node, _HN.taskList, the_list)
    yield (node, _HN.taskNumber, _number(task.number))
    yield (node, _RDFS.label, _label(f"任务 {task.number}", "zh"))
    yield (node, _RDFS.label, _label(f"Task {task.number}", "en"))
    yield (node, _HN.text, Literal(task.text, lang="zh"))
    yield (node, _HN.sourceLine, _number(task.line))
    if translations:
        english = task_translation(translations, task.number, len(task.measures))
        yield (node, _HN.unofficialTranslation, Literal(english, lang="en"))
    for measure in task.measures:
        item = URIRef(measure_iri(slug, task.number, measure.number))
        yield (node, _HN.hasMeasure, item)
        yield (item, _RDF.type, _HN.Measure)
        yield (item, _HN.task, node)
        yield (item, _HN.measureNumber, _number(measure.number))
        yield (item, _RDFS.label, _label(f"任务 {task.number} 举措 {measure.number}", "zh"))
        yield (item, _RDFS.label, _label(f"Task {task.number} measure {measure.number}", "en"))
        yield (item, _HN.text, Literal(measure.text, lang="zh"))
        if translations:
            english = translations[(task.number, measure.number)]
            yield (item, _HN.unofficialTranslation, Literal(english, lang="en"))
    organisations = _organisations(task_list, task, registry)
    for rank, (name, organisation) in enumerate(
        zip(task.departments, organisations, strict=True), start=1
    ):
        role = LEAD if rank == 1 else SUPPORTING
        holder = URIRef(responsibility_iri(slug, task.number, rank))
        yield (node, _HN.responsibility, holder)
        yield (node, _HN.leadDepartment if rank == 1 else _HN.supportingDepartment, organisation)
        yield (node, _HN.responsibleDepartment, organisation)  # their super-property, materialised
        yield (holder, _RDF.type, _HN.Responsibility)
        yield (holder, _HN.task, node)
        yield (holder, _HN.organization, organisation)
        yield (holder, _HN.role, role)
        yield (holder, _HN.rank, _number(rank))
        yield (holder, _HN.nameAsWritten, _label(name, "zh"))
        yield (holder, _RDFS.label, _label(f"任务 {task.number} 责任部门 {rank}：{name}", "zh"))
        yield (holder, _RDFS.label, _label(f"Task {task.number} department {rank}", "en"))


def _dataset_triples(task_lists: Sequence[TaskList]) -> Iterator[Triple]:
    activity = HNID[f"build/{__version__}"]
    yield (DATASET, RDF.type, DCAT.Dataset)
    yield (DATASET, RDF.type, VOID.Dataset)
    yield (DATASET, DCTERMS.title, Literal("hngraph：政策任务清单知识图谱", lang="zh"))
    yield (
        DATASET,
        DCTERMS.title,
        Literal("hngraph: a knowledge graph of policy task lists", lang="en"),
    )
    yield (DATASET, RDFS.label, Literal("hngraph 数据集", lang="zh"))
    yield (DATASET, RDFS.label, Literal("hngraph dataset", lang="en"))
    yield (DATASET, DCTERMS.license, LICENCE)
    yield (DATASET, DCAT_VERSION, Literal(__version__))
    yield (DATASET, SKOS.editorialNote, Literal(TRANSLATION_NOTE_ZH, lang="zh"))
    yield (DATASET, SKOS.editorialNote, Literal(TRANSLATION_NOTE_EN, lang="en"))
    yield (DATASET, PROV.wasGeneratedBy, activity)
    yield (activity, RDF.type, PROV.Activity)
    yield (activity, RDFS.label, Literal(f"hngraph build {__version__}", lang="en"))
    yield (activity, PROV.wasAssociatedWith, SOFTWARE)
    yield (SOFTWARE, RDF.type, PROV.SoftwareAgent)
    yield (SOFTWARE, RDFS.label, Literal("hngraph", lang="en"))
    yield (SOFTWARE, URIRef(SCHEMA + "softwareVersion"), Literal(__version__))
    for task_list in task_lists:
        source = HNID[f"list/{task_list.slug}/source"]
        yield (DATASET, DCTERMS.hasPart, URIRef(list_iri_of(task_list.slug)))
        yield (DATASET, PROV.wasDerivedFrom, source)
        yield (activity, PROV.used, source)
        yield (URIRef(list_iri_of(task_list.slug)), PROV.wasGeneratedBy, activity)
