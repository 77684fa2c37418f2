"""Turn parsed task lists, the organisation registry and the ontology into one RDF graph."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCAT, DCTERMS, FOAF, OWL, PROV, RDF, RDFS, SKOS, VOID, XSD

from hngraph import __version__, paths
from hngraph.errors import SourceError
from hngraph.knowledge import knowledge_graph
from hngraph.namespace import HN, HNID, ORG, concept_iri, measure_iri, responsibility_iri, task_iri
from hngraph.namespace import list_iri as list_iri_of
from hngraph.parse import read_metadata
from hngraph.rdfio import read_turtle
from hngraph.records import Task, TaskList
from hngraph.registry import Registry, load_registry
from hngraph.translations import load_translations, task_translation, translation_file

SCHEMA = "https://schema.org/"
DCAT_VERSION = URIRef("http://www.w3.org/ns/dcat#version")
LICENCE = URIRef("https://creativecommons.org/licenses/by/4.0/")
DATASET = HNID["dataset"]
SOFTWARE = HNID["software/hngraph"]
LEAD = concept_iri("role", "lead")
SUPPORTING = concept_iri("role", "supporting")
FIRST_LISTED_LEADS = concept_iri("role-convention", "first-listed-leads")
TRANSLATION_NOTE_EN = (
    "English texts (hn:unofficialTranslation) are unofficial translations made by the hngraph "
    "project; only the Chinese text is authoritative."
)
TRANSLATION_NOTE_ZH = (
    "英文文本（hn:unofficialTranslation）为 hngraph 项目的非官方翻译，仅中文原文具有权威性。"
)
PREFIXES = {
    "hn": HN._NS,
    "hnid": HNID,
    "org": ORG,
    "skos": SKOS,
    "dcterms": DCTERMS,
    "prov": PROV,
    "dcat": DCAT,
    "void": VOID,
    "foaf": FOAF,
    "owl": OWL,
    "schema": SCHEMA,
}


@dataclass(frozen=True)
class BuildInputs:
    """Everything a build reads besides the source lists."""

    root: Path
    registry: Registry
    vocabularies: Graph


def load_inputs(root: Path) -> BuildInputs:
    """Read the ontology, SKOS schemes (``ontology/*.ttl`` except shapes) and the registry."""
    vocabularies = Graph()
    for path in sorted(paths.ontology_dir(root).glob("*.ttl")):
        if not path.name.startswith("shapes"):
            vocabularies += read_turtle(path)
    return BuildInputs(
        root=root, registry=load_registry(paths.registry_file(root)), vocabularies=vocabularies
    )


def build_graph(task_lists: Sequence[TaskList], inputs: BuildInputs) -> Graph:
    """The whole dataset: ontology, schemes, registry, every list and the dataset description."""
    _check_unique_slugs(task_lists)
    graph = Graph()
    for prefix, namespace in PREFIXES.items():
        graph.bind(prefix, namespace)
    graph += inputs.vocabularies
    graph += inputs.registry.graph
    for task_list in task_lists:
        translations = load_translations(
            translation_file(paths.translations_dir(inputs.root), task_list.slug), task_list
        )
        _add_task_list(graph, task_list, inputs, translations)
    graph += knowledge_graph(task_lists, inputs.root)
    _add_dataset(graph, task_lists, inputs.root)
    return graph


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


def _add_task_list(
    graph: Graph,
    task_list: TaskList,
    inputs: BuildInputs,
    translations: dict[tuple[int, int], str],
) -> None:
    slug = task_list.slug
    the_list = list_iri_of(slug)
    source = HNID[f"list/{slug}/source"]
    metadata = read_metadata(task_list.source)
    graph.add((the_list, RDF.type, HN.TaskList))
    graph.add((the_list, DCTERMS.title, Literal(task_list.title, lang="zh")))
    graph.add((the_list, RDFS.label, Literal(task_list.title, lang="zh")))
    graph.add((the_list, HN.attachmentLabel, Literal(task_list.attachment_label, lang="zh")))
    graph.add((the_list, HN.roleConvention, FIRST_LISTED_LEADS))
    graph.add((the_list, DCTERMS.source, source))
    if "title_en" in metadata:
        graph.add((the_list, RDFS.label, Literal(metadata["title_en"], lang="en")))
        graph.add((the_list, HN.unofficialTranslation, Literal(metadata["title_en"], lang="en")))
    for key, lang in (("coverage_zh", "zh"), ("coverage_en", "en")):
        if key in metadata:
            graph.add((the_list, DCTERMS.coverage, Literal(metadata[key], lang=lang)))
    for key, lang in (("note_zh", "zh"), ("note_en", "en")):
        if key in metadata:
            graph.add((the_list, SKOS.editorialNote, Literal(metadata[key], lang=lang)))

    graph.add((source, RDF.type, PROV.Entity))
    graph.add((source, RDF.type, FOAF.Document))
    graph.add((source, RDFS.label, Literal(f"{task_list.title}（来源文本）", lang="zh")))
    graph.add((source, RDFS.label, Literal(f"Source text of list {slug}", lang="en")))
    graph.add((source, HN.sha256, Literal(task_list.sha256)))
    graph.add(
        (source, DCAT.byteSize, Literal(task_list.byte_size, datatype=XSD.nonNegativeInteger))
    )
    graph.add((source, DCTERMS.format, Literal("text/plain; charset=utf-8")))
    graph.add((source, HN.sourcePath, Literal(source_path_text(task_list.source, inputs.root))))

    for task in task_list.tasks:
        _add_task(graph, task_list, task, inputs.registry, translations)


def _add_task(
    graph: Graph,
    task_list: TaskList,
    task: Task,
    registry: Registry,
    translations: dict[tuple[int, int], str],
) -> None:
    slug = task_list.slug
    node = task_iri(slug, task.number)
    graph.add((list_iri_of(slug), HN.hasTask, node))
    graph.add((node, RDF.type, HN.Task))
    graph.add((node, HN.taskList, list_iri_of(slug)))
    graph.add((node, HN.taskNumber, Literal(task.number)))
    graph.add((node, RDFS.label, Literal(f"任务 {task.number}", lang="zh")))
    graph.add((node, RDFS.label, Literal(f"Task {task.number}", lang="en")))
    graph.add((node, HN.text, Literal(task.text, lang="zh")))
    graph.add((node, HN.sourceLine, Literal(task.line)))
    if translations:
        english = task_translation(translations, task.number, len(task.measures))
        graph.add((node, HN.unofficialTranslation, Literal(english, lang="en")))
    for measure in task.measures:
        item = measure_iri(slug, task.number, measure.number)
        graph.add((node, HN.hasMeasure, item))
        graph.add((item, RDF.type, HN.Measure))
        graph.add((item, HN.task, node))
        graph.add((item, HN.measureNumber, Literal(measure.number)))
        graph.add(
            (item, RDFS.label, Literal(f"任务 {task.number} 举措 {measure.number}", lang="zh"))
        )
        graph.add(
            (item, RDFS.label, Literal(f"Task {task.number} measure {measure.number}", lang="en"))
        )
        graph.add((item, HN.text, Literal(measure.text, lang="zh")))
        if translations:
            english = translations[(task.number, measure.number)]
            graph.add((item, HN.unofficialTranslation, Literal(english, lang="en")))
    for rank, name in enumerate(task.departments, start=1):
        organisation = registry.resolve(name, task_list, task.number, task.line + 2)
        role = LEAD if rank == 1 else SUPPORTING
        holder = responsibility_iri(slug, task.number, rank)
        graph.add((node, HN.responsibility, holder))
        graph.add((node, HN.leadDepartment if rank == 1 else HN.supportingDepartment, organisation))
        graph.add((holder, RDF.type, HN.Responsibility))
        graph.add((holder, HN.task, node))
        graph.add((holder, HN.organization, organisation))
        graph.add((holder, HN.role, role))
        graph.add((holder, HN.rank, Literal(rank)))
        graph.add((holder, HN.nameAsWritten, Literal(name, lang="zh")))
        graph.add(
            (holder, RDFS.label, Literal(f"任务 {task.number} 责任部门 {rank}：{name}", lang="zh"))
        )
        graph.add((holder, RDFS.label, Literal(f"Task {task.number} department {rank}", lang="en")))


def _add_dataset(graph: Graph, task_lists: Sequence[TaskList], root: Path) -> None:
    activity = HNID[f"build/{__version__}"]
    graph.add((DATASET, RDF.type, DCAT.Dataset))
    graph.add((DATASET, RDF.type, VOID.Dataset))
    graph.add((DATASET, DCTERMS.title, Literal("hngraph：政策任务清单知识图谱", lang="zh")))
    graph.add(
        (
            DATASET,
            DCTERMS.title,
            Literal("hngraph: a knowledge graph of policy task lists", lang="en"),
        )
    )
    graph.add((DATASET, RDFS.label, Literal("hngraph 数据集", lang="zh")))
    graph.add((DATASET, RDFS.label, Literal("hngraph dataset", lang="en")))
    graph.add((DATASET, DCTERMS.license, LICENCE))
    graph.add((DATASET, DCAT_VERSION, Literal(__version__)))
    graph.add((DATASET, SKOS.editorialNote, Literal(TRANSLATION_NOTE_ZH, lang="zh")))
    graph.add((DATASET, SKOS.editorialNote, Literal(TRANSLATION_NOTE_EN, lang="en")))
    graph.add((DATASET, PROV.wasGeneratedBy, activity))
    graph.add((activity, RDF.type, PROV.Activity))
    graph.add((activity, RDFS.label, Literal(f"hngraph build {__version__}", lang="en")))
    graph.add((activity, PROV.wasAssociatedWith, SOFTWARE))
    graph.add((SOFTWARE, RDF.type, PROV.SoftwareAgent))
    graph.add((SOFTWARE, RDFS.label, Literal("hngraph", lang="en")))
    graph.add((SOFTWARE, URIRef(SCHEMA + "softwareVersion"), Literal(__version__)))
    for task_list in task_lists:
        source = HNID[f"list/{task_list.slug}/source"]
        graph.add((DATASET, DCTERMS.hasPart, list_iri_of(task_list.slug)))
        graph.add((DATASET, PROV.wasDerivedFrom, source))
        graph.add((activity, PROV.used, source))
        graph.add((list_iri_of(task_list.slug), PROV.wasGeneratedBy, activity))
