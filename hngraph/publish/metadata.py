"""The dataset description (DCAT 3 + VoID) and the SHA-256 manifest of a release.

Facts only: titles, licence, version and sources are read from the built dataset's own
description (``hnid:dataset``); what the project states about itself (description, rights,
publisher) is worded here. No dates are stated: none is known for the source, and release files
carry no wall-clock time.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Mapping
from dataclasses import dataclass

import pyoxigraph as ox

from hngraph.publish.graph import DUMP_GRAPHS, SiteGraph
from hngraph.rdf.convert import term_key
from hngraph.rdf.formats import FORMATS
from hngraph.rdf.serialize import RDF_TYPE, iri
from hngraph.vocab import (
    BASE,
    DCAT_NS,
    DCTERMS_NS,
    DEF,
    FOAF_NS,
    ID,
    OWL_NS,
    PROV_NS,
    RDF_NS,
    RDFS_NS,
    VOID_NS,
    XSD_NS,
)

DATASET = iri(ID + "dataset")
PUBLISHER = iri(ID + "agent/hngraph-project")
LICENCE = iri("https://creativecommons.org/licenses/by/4.0/")
DUMP_STEM = "dataset/hngraph"
MANIFEST = "SHA256SUMS"

Add = Callable[[ox.NamedNode, str, "ox.NamedNode | ox.Literal"], None]

DESCRIPTION_ZH = (
    "政策任务清单的关联数据知识图谱：每项任务及其举措、责任部门（牵头或配合）和政策领域。"
    "中文原文逐字保留；英文为本项目的非官方翻译。"
)
DESCRIPTION_EN = (
    "A linked-data knowledge graph of government policy task lists: each task with its measures, "
    "its responsible departments (lead or supporting) and its policy areas. Chinese texts are kept "
    "verbatim; English texts are unofficial translations by this project."
)
RIGHTS_ZH = (
    "本项目的工作（数据结构、标识符、翻译与标注）以 CC BY 4.0 许可发布。"
    "来源文件本身的使用条款未知，来源文本未载明。"
)
RIGHTS_EN = (
    "This project's work (data structure, identifiers, translations and annotations) is published "
    "under CC BY 4.0. The terms of use of the source documents themselves are unknown: the "
    "source texts do not state them."
)


def _lit(value: str, lang: str | None = None) -> ox.Literal:
    return ox.Literal(value, language=lang) if lang else ox.Literal(value)


def _int(value: int) -> ox.Literal:
    return ox.Literal(str(value), datatype=iri(XSD_NS + "integer"))


def _size(value: int) -> ox.Literal:
    return ox.Literal(str(value), datatype=iri(XSD_NS + "nonNegativeInteger"))


@dataclass(frozen=True)
class MetadataConfig:
    """Where the release is reached: the endpoint IRI and the download base."""

    sparql_endpoint: str = BASE + "sparql"
    download_base: str = BASE


def dump_name(key: str) -> str:
    """Path of a dump inside a release, e.g. ``dataset/hngraph.ttl``."""
    return DUMP_STEM + FORMATS[key].extension


def describe_release(
    site: SiteGraph, dumps: Mapping[str, bytes], config: MetadataConfig
) -> list[ox.Triple]:
    """The DCAT + VoID description of the dataset and of each dump in ``dumps`` (key → bytes)."""
    out: list[ox.Triple] = []

    def add(s: ox.NamedNode, p: str, o: ox.NamedNode | ox.Literal) -> None:
        out.append(ox.Triple(s, iri(p), o))

    add(DATASET, RDF_NS + "type", iri(DCAT_NS + "Dataset"))
    add(DATASET, RDF_NS + "type", iri(VOID_NS + "Dataset"))
    for lang in ("zh", "en"):
        title = site.literal(DATASET, iri(DCTERMS_NS + "title"), lang)
        if title:
            add(DATASET, DCTERMS_NS + "title", _lit(title, lang))
    add(DATASET, DCTERMS_NS + "description", _lit(DESCRIPTION_ZH, "zh"))
    add(DATASET, DCTERMS_NS + "description", _lit(DESCRIPTION_EN, "en"))
    add(DATASET, DCTERMS_NS + "rights", _lit(RIGHTS_ZH, "zh"))
    add(DATASET, DCTERMS_NS + "rights", _lit(RIGHTS_EN, "en"))
    add(DATASET, DCTERMS_NS + "license", LICENCE)
    for lang in ("zh", "en"):
        add(DATASET, DCTERMS_NS + "language", iri(f"http://id.loc.gov/vocabulary/iso639-1/{lang}"))
    version = site.literal(DATASET, iri(DCAT_NS + "version"))
    if version:
        add(DATASET, DCAT_NS + "version", _lit(version))
        add(DATASET, OWL_NS + "versionInfo", _lit(version))
    for source in site.objects(DATASET, iri(PROV_NS + "wasDerivedFrom")):
        if isinstance(source, ox.NamedNode):
            add(DATASET, DCTERMS_NS + "source", source)
    _publisher(add)
    add(DATASET, DCAT_NS + "landingPage", iri(BASE))
    add(DATASET, VOID_NS + "sparqlEndpoint", iri(config.sparql_endpoint))
    add(DATASET, VOID_NS + "uriSpace", _lit(ID))
    add(DATASET, VOID_NS + "triples", _int(len(site.dataset)))
    add(DATASET, VOID_NS + "entities", _int(_entity_count(site)))
    add(DATASET, VOID_NS + "distinctSubjects", _int(len({t.subject for t in site.dataset})))
    add(DATASET, VOID_NS + "properties", _int(len({t.predicate for t in site.dataset})))
    for example in example_resources(site):
        add(DATASET, VOID_NS + "exampleResource", example)
    for vocabulary in vocabularies_used(site):
        add(DATASET, VOID_NS + "vocabulary", vocabulary)
    for task_list in site.instances(iri(DEF + "TaskList")):
        if isinstance(task_list, ox.NamedNode):
            add(DATASET, VOID_NS + "rootResource", task_list)
    _add_subsets(site, add)
    for key, data in sorted(dumps.items(), key=lambda item: list(FORMATS).index(item[0])):
        _add_distribution(key, data, config, add)
    return out


def _publisher(add: Add) -> None:
    add(DATASET, DCTERMS_NS + "publisher", PUBLISHER)
    add(PUBLISHER, RDF_NS + "type", iri(FOAF_NS + "Agent"))
    add(PUBLISHER, FOAF_NS + "name", _lit("hngraph 项目", "zh"))
    add(PUBLISHER, FOAF_NS + "name", _lit("the hngraph project", "en"))
    add(PUBLISHER, RDFS_NS + "label", _lit("hngraph 项目", "zh"))
    add(PUBLISHER, RDFS_NS + "label", _lit("the hngraph project", "en"))
    add(PUBLISHER, FOAF_NS + "homepage", iri(BASE))


def _add_subsets(site: SiteGraph, add: Add) -> None:
    names = {
        "ontology": ("本体", "ontology"),
        "vocabularies": ("词表（SKOS 概念体系）", "vocabularies (SKOS concept schemes)"),
        "data": ("数据（机构、任务清单、数据集描述）", "data (organisations, task lists, dataset)"),
    }
    sizes = site.graph_sizes()
    for graph in DUMP_GRAPHS:
        zh, en = names[graph.value.rsplit("/", 1)[1]]
        add(DATASET, VOID_NS + "subset", graph)
        add(graph, RDF_NS + "type", iri(VOID_NS + "Dataset"))
        add(graph, RDFS_NS + "label", _lit(f"命名图：{zh}", "zh"))
        add(graph, RDFS_NS + "label", _lit(f"named graph: {en}", "en"))
        add(graph, VOID_NS + "triples", _int(sizes[graph]))


def _add_distribution(key: str, data: bytes, config: MetadataConfig, add: Add) -> None:
    fmt = FORMATS[key]
    node = iri(f"{ID}dataset/distribution/{key}")
    url = iri(config.download_base + dump_name(key))
    add(DATASET, DCAT_NS + "distribution", node)
    add(DATASET, VOID_NS + "dataDump", url)
    add(node, RDF_NS + "type", iri(DCAT_NS + "Distribution"))
    add(node, RDFS_NS + "label", _lit(f"{fmt.name_zh} 格式数据转储", "zh"))
    add(node, RDFS_NS + "label", _lit(f"{fmt.name_en} dump", "en"))
    add(node, DCTERMS_NS + "title", _lit(f"{fmt.name_zh} 格式数据转储", "zh"))
    add(node, DCTERMS_NS + "title", _lit(f"{fmt.name_en} dump", "en"))
    add(node, DCAT_NS + "downloadURL", url)
    add(node, DCAT_NS + "accessURL", url)
    add(
        node,
        DCAT_NS + "mediaType",
        iri(f"https://www.iana.org/assignments/media-types/{fmt.media_type}"),
    )
    add(node, DCTERMS_NS + "format", _lit(fmt.media_type))
    add(node, DCTERMS_NS + "conformsTo", iri(fmt.spec))
    add(node, DCAT_NS + "byteSize", _size(len(data)))
    add(node, DEF + "sha256", _lit(hashlib.sha256(data).hexdigest()))
    add(node, DCTERMS_NS + "license", LICENCE)


def _entity_count(site: SiteGraph) -> int:
    return len({t.subject for t in site.dataset if t.subject.value.startswith(ID)})


def example_resources(site: SiteGraph) -> list[ox.NamedNode]:
    """Each task list, its lowest-numbered task, and the organisation with most responsibilities."""
    examples: list[ox.NamedNode] = []
    task_number = iri(DEF + "taskNumber")
    for task_list in site.instances(iri(DEF + "TaskList")):
        if not isinstance(task_list, ox.NamedNode):
            continue
        examples.append(task_list)
        tasks = [
            t for t in site.objects(task_list, iri(DEF + "hasTask")) if isinstance(t, ox.NamedNode)
        ]
        numbered = sorted(tasks, key=lambda t: (_number(site.literal(t, task_number)), t.value))
        if numbered:
            examples.append(numbered[0])
    counts: dict[ox.NamedNode, int] = {}
    for predicate in ("leadDepartment", "supportingDepartment"):
        for triple in site.dataset:
            if triple.predicate.value == DEF + predicate and isinstance(
                triple.object, ox.NamedNode
            ):
                counts[triple.object] = counts.get(triple.object, 0) + 1
    if counts:
        examples.append(min(counts, key=lambda o: (-counts[o], o.value)))
    return examples


def _number(text: str | None) -> int:
    try:
        return int(text or "")
    except ValueError:
        return 1 << 30


def vocabularies_used(site: SiteGraph) -> list[ox.NamedNode]:
    """Namespaces of every predicate and class used in the dataset."""
    namespaces: set[str] = set()
    for triple in site.dataset:
        namespaces.add(_namespace(triple.predicate.value))
        if triple.predicate == RDF_TYPE and isinstance(triple.object, ox.NamedNode):
            namespaces.add(_namespace(triple.object.value))
    return sorted((iri(n) for n in namespaces if n), key=term_key)


def _namespace(value: str) -> str:
    for separator in ("#", "/"):
        if separator in value:
            head = value.rsplit(separator, 1)[0] + separator
            if head not in {"http://", "https://"}:
                return head
    return ""


def manifest(files: Mapping[str, bytes]) -> bytes:
    """``sha256sum -c``-compatible lines for every file, sorted by path."""
    from hngraph.rdf.files import manifest_bytes

    return manifest_bytes((name, hashlib.sha256(data).hexdigest()) for name, data in files.items())
