"""The dataset description (DCAT-AP 3 + VoID) and the SHA-256 manifest of a release.

Facts only: titles, licence, version and sources are read from the built dataset's own
description (``hnid:dataset``); what the project states about itself (description, rights,
publisher, contact, keywords) is worded here. Controlled values are IRIs of their authorities: EU
data themes, languages and file types, IANA media types, SPDX checksum algorithms. No dates are
stated (none is known for the source, and release files carry no wall-clock time), no temporal
coverage (the source states none); the spatial coverage is each list's ``dcterms:spatial``, an
authority IRI from the list's curated metadata with its evidence (see docs/publishing.md).
``tests/publish/test_dcat_ap.py`` checks the result with the official DCAT-AP 3.0.1 shapes.

Sections: the catalogue, the dataset, its publisher and contact, the SPARQL service, VoID subsets
and linksets, the distributions (one per file: ``_add_distribution``), the manifest.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import cast

import pyoxigraph as ox

from hngraph.publish.graph import DUMP_GRAPHS, SiteGraph
from hngraph.publish.terms import HN_HAS_TASK, HN_TASK_NUMBER, TASK_LIST
from hngraph.rdf.convert import term_key
from hngraph.rdf.formats import FORMATS
from hngraph.rdf.serialize import RDF_TYPE, Term, iri
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
    SKOS_NS,
    VOID_NS,
    XSD_NS,
)

DATASET = iri(ID + "dataset")
CATALOG = iri(ID + "catalog")
SERVICE = iri(ID + "dataset/service/sparql")
PUBLISHER = iri(ID + "agent/hngraph-project")
CONTACT = iri(ID + "agent/hngraph-project/contact")
LICENCE = iri("https://creativecommons.org/licenses/by/4.0/")
DUMP_STEM = "dataset/hngraph"
MANIFEST = "SHA256SUMS"
MAPPINGS_FILE = "mappings/hngraph.sssom.tsv"

SPDX_NS = "http://spdx.org/rdf/terms#"
VCARD_NS = "http://www.w3.org/2006/vcard/ns#"
EU_AUTHORITY = "http://publications.europa.eu/resource/authority/"
IANA_MEDIA_TYPES = "https://www.iana.org/assignments/media-types/"
SCHEMA_VOCAB = "https://schema.org/"
THEME_SCHEME = iri(EU_AUTHORITY + "data-theme")
#: EU data theme "Education, culture and sport".
THEME_EDUCATION = iri(EU_AUTHORITY + "data-theme/EDUC")
#: Language tag → EU language authority code.
LANGUAGES = {"zh": "ZHO", "en": "ENG"}
#: Format key → EU file-type authority code.
FILE_TYPES = {
    "ttl": "RDF_TURTLE",
    "nt": "RDF_N_TRIPLES",
    "jsonld": "JSON_LD",
    "rdf": "RDF_XML",
    "nq": "RDF_N_QUADS",
    "trig": "RDF_TRIG",
}
SPARQL_PROTOCOL = iri("https://www.w3.org/TR/sparql11-protocol/")
#: Keywords (zh, en, phrase): a keyword with a phrase is stated only when some task or measure
#: text of the dataset contains the phrase, so no keyword claims what the data does not hold.
KEYWORDS = (
    ("政策任务清单", "policy task lists", None),
    ("关联数据", "linked data", None),
    ("职业教育", "vocational education", "职业教育"),
    ("产教融合", "industry-education integration", "产教融合"),
    ("湖南省", "Hunan Province", "湖南"),
)
#: Namespace of a mapping target → (slug, zh name, en name). Every SKOS mapping target of the
#: dataset must be listed (``linksets`` refuses others), so each gets its VoID linksets.
TARGETS = {
    "https://w3id.org/kim/isced-2011/": (
        "isced-2011",
        "ISCED 2011 教育等级（SKOS 版，dini-ag-kim/vocabs-edu）",
        "ISCED 2011 levels of education (SKOS edition, dini-ag-kim/vocabs-edu)",
    ),
}
SKOS_MAPPINGS = tuple(
    SKOS_NS + name
    for name in ("exactMatch", "closeMatch", "broadMatch", "narrowMatch", "relatedMatch")
)

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
    """The DCAT-AP + VoID description of the dataset and of each dump in ``dumps`` (key → bytes)."""
    out: list[ox.Triple] = []

    def add(s: ox.NamedNode, p: str, o: ox.NamedNode | ox.Literal) -> None:
        out.append(ox.Triple(s, iri(p), o))

    _catalog(add)
    _dataset(site, add)
    _publisher(add)
    _service(config, add)
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
    for task_list in site.instances(TASK_LIST):
        if isinstance(task_list, ox.NamedNode):
            add(DATASET, VOID_NS + "rootResource", task_list)
    _add_subsets(site, add)
    _add_linksets(site, config, add)
    for key, data in sorted(dumps.items(), key=lambda item: list(FORMATS).index(item[0])):
        _add_distribution(key, data, config, add)
    return out


# --- catalogue, dataset, agents, service ------------------------------------------------------


def _catalog(add: Add) -> None:
    add(CATALOG, RDF_NS + "type", iri(DCAT_NS + "Catalog"))
    add(CATALOG, DCTERMS_NS + "title", _lit("hngraph 数据目录", "zh"))
    add(CATALOG, DCTERMS_NS + "title", _lit("hngraph catalogue", "en"))
    add(CATALOG, DCTERMS_NS + "description", _lit("hngraph 发布的数据集及其 SPARQL 服务。", "zh"))
    add(
        CATALOG,
        DCTERMS_NS + "description",
        _lit("The dataset hngraph publishes and its SPARQL service.", "en"),
    )
    add(CATALOG, DCTERMS_NS + "publisher", PUBLISHER)
    add(CATALOG, DCTERMS_NS + "license", _licence(add))
    add(CATALOG, FOAF_NS + "homepage", _document(iri(BASE), add))
    add(CATALOG, DCAT_NS + "dataset", DATASET)
    add(CATALOG, DCAT_NS + "service", SERVICE)
    for lang in LANGUAGES:
        add(CATALOG, DCTERMS_NS + "language", _language(lang, add))


def _dataset(site: SiteGraph, add: Add) -> None:
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
    add(DATASET, DCTERMS_NS + "license", _licence(add))
    for lang in LANGUAGES:
        add(DATASET, DCTERMS_NS + "language", _language(lang, add))
    version = site.literal(DATASET, iri(DCAT_NS + "version"))
    if version:
        add(DATASET, DCAT_NS + "version", _lit(version))
        add(DATASET, OWL_NS + "versionInfo", _lit(version))
    # The source files are documents, not datasets (DCAT-AP's range of dct:source): PROV says it.
    for source in site.objects(DATASET, iri(PROV_NS + "wasDerivedFrom")):
        if isinstance(source, ox.NamedNode):
            add(DATASET, PROV_NS + "wasDerivedFrom", source)
    add(DATASET, DCTERMS_NS + "publisher", PUBLISHER)
    add(DATASET, DCAT_NS + "contactPoint", CONTACT)
    add(DATASET, DCAT_NS + "landingPage", _document(iri(BASE), add))
    for task_list in site.instances(TASK_LIST):
        for place in site.objects(task_list, iri(DCTERMS_NS + "spatial")):
            if isinstance(place, ox.NamedNode):
                add(DATASET, DCTERMS_NS + "spatial", place)
                add(place, RDF_NS + "type", iri(DCTERMS_NS + "Location"))
                for label in site.objects(task_list, iri(DCTERMS_NS + "coverage")):
                    if isinstance(label, ox.Literal):
                        add(place, RDFS_NS + "label", label)
    add(DATASET, DCAT_NS + "theme", THEME_EDUCATION)
    add(THEME_EDUCATION, RDF_NS + "type", iri(SKOS_NS + "Concept"))
    add(THEME_EDUCATION, SKOS_NS + "prefLabel", _lit("Education, culture and sport", "en"))
    add(THEME_EDUCATION, SKOS_NS + "inScheme", _scheme(THEME_SCHEME, add))
    texts = [cast(Term, t.object).value for t in site.dataset if t.predicate.value == DEF + "text"]
    for zh, en, phrase in KEYWORDS:
        if phrase is None or any(phrase in text for text in texts):
            add(DATASET, DCAT_NS + "keyword", _lit(zh, "zh"))
            add(DATASET, DCAT_NS + "keyword", _lit(en, "en"))


def _publisher(add: Add) -> None:
    add(PUBLISHER, RDF_NS + "type", iri(FOAF_NS + "Agent"))
    add(PUBLISHER, FOAF_NS + "name", _lit("hngraph 项目", "zh"))
    add(PUBLISHER, FOAF_NS + "name", _lit("the hngraph project", "en"))
    add(PUBLISHER, RDFS_NS + "label", _lit("hngraph 项目", "zh"))
    add(PUBLISHER, RDFS_NS + "label", _lit("the hngraph project", "en"))
    add(PUBLISHER, FOAF_NS + "homepage", _document(iri(BASE), add))
    # The contact point names the project and its home page only: no e-mail address or telephone
    # number is known, and none is invented.
    add(CONTACT, RDF_NS + "type", iri(VCARD_NS + "Kind"))
    add(CONTACT, RDF_NS + "type", iri(VCARD_NS + "Organization"))
    add(CONTACT, VCARD_NS + "fn", _lit("hngraph 项目", "zh"))
    add(CONTACT, VCARD_NS + "fn", _lit("the hngraph project", "en"))
    add(CONTACT, VCARD_NS + "hasURL", iri(BASE))


def _service(config: MetadataConfig, add: Add) -> None:
    add(SERVICE, RDF_NS + "type", iri(DCAT_NS + "DataService"))
    add(SERVICE, DCTERMS_NS + "title", _lit("hngraph SPARQL 端点", "zh"))
    add(SERVICE, DCTERMS_NS + "title", _lit("hngraph SPARQL endpoint", "en"))
    add(
        SERVICE,
        DCTERMS_NS + "description",
        _lit("只读的 SPARQL 1.1 查询端点；默认图是各命名图之并。", "zh"),
    )
    add(
        SERVICE,
        DCTERMS_NS + "description",
        _lit(
            "A read-only SPARQL 1.1 query endpoint; its default graph is the union of the named "
            "graphs.",
            "en",
        ),
    )
    endpoint = iri(config.sparql_endpoint)
    add(SERVICE, DCAT_NS + "endpointURL", endpoint)
    add(endpoint, RDF_NS + "type", iri(RDFS_NS + "Resource"))  # DCAT-AP's range check asks it
    add(SERVICE, DCAT_NS + "servesDataset", DATASET)
    add(SERVICE, DCTERMS_NS + "conformsTo", _standard(SPARQL_PROTOCOL, add))
    add(SERVICE, DCTERMS_NS + "publisher", PUBLISHER)
    add(SERVICE, DCTERMS_NS + "license", _licence(add))
    add(SERVICE, DCAT_NS + "contactPoint", CONTACT)


# --- the classes DCAT-AP expects of the things we point at -----------------------------------
# Each type is the rdfs:range of the property that points at the thing (DCTERMS, DCAT, FOAF),
# so RDFS entails it; it is stated because DCAT-AP's shapes check it without inference.


def _licence(add: Add) -> ox.NamedNode:
    add(LICENCE, RDF_NS + "type", iri(DCTERMS_NS + "LicenseDocument"))
    return LICENCE


def _document(node: ox.NamedNode, add: Add) -> ox.NamedNode:
    add(node, RDF_NS + "type", iri(FOAF_NS + "Document"))
    return node


def _standard(node: ox.NamedNode, add: Add) -> ox.NamedNode:
    add(node, RDF_NS + "type", iri(DCTERMS_NS + "Standard"))
    return node


def _scheme(node: ox.NamedNode, add: Add) -> ox.NamedNode:
    """An EU vocabulary's scheme, by IRI only: its title is the EU's to state, not ours."""
    return node


def _language(lang: str, add: Add) -> ox.NamedNode:
    node = iri(f"{EU_AUTHORITY}language/{LANGUAGES[lang]}")
    add(node, RDF_NS + "type", iri(DCTERMS_NS + "LinguisticSystem"))
    add(node, SKOS_NS + "inScheme", _scheme(iri(EU_AUTHORITY + "language"), add))
    return node


# --- VoID subsets and linksets ---------------------------------------------------------------


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


def _add_linksets(site: SiteGraph, config: MetadataConfig, add: Add) -> None:
    """One VoID linkset per target vocabulary and mapping property (VoID: one predicate each)."""
    for (namespace, predicate), count in sorted(linksets(site).items()):
        slug, zh, en = TARGETS[namespace]
        target = iri(f"{ID}dataset/target/{slug}")
        name = predicate.rsplit("#", 1)[1]
        node = iri(f"{ID}dataset/linkset/{slug}/{name.lower()}")
        add(DATASET, VOID_NS + "subset", node)
        add(node, RDF_NS + "type", iri(VOID_NS + "Linkset"))
        add(node, RDFS_NS + "label", _lit(f"到{zh}的 skos:{name} 链接", "zh"))
        add(node, RDFS_NS + "label", _lit(f"skos:{name} links to {en}", "en"))
        add(node, VOID_NS + "subjectsTarget", DATASET)
        add(node, VOID_NS + "objectsTarget", target)
        add(node, VOID_NS + "linkPredicate", iri(predicate))
        add(node, VOID_NS + "triples", _int(count))
        add(node, RDFS_NS + "seeAlso", iri(config.download_base + MAPPINGS_FILE))
        add(target, RDF_NS + "type", iri(VOID_NS + "Dataset"))
        add(target, RDFS_NS + "label", _lit(zh, "zh"))
        add(target, RDFS_NS + "label", _lit(en, "en"))
        add(target, VOID_NS + "uriSpace", _lit(namespace))


def linksets(site: SiteGraph) -> dict[tuple[str, str], int]:
    """(target namespace, SKOS mapping property) → number of links from the dataset."""
    counts: dict[tuple[str, str], int] = {}
    for triple in site.dataset:
        predicate = triple.predicate.value
        target = triple.object
        if predicate not in SKOS_MAPPINGS or not isinstance(target, ox.NamedNode):
            continue
        if target.value.startswith(BASE):
            continue
        namespace = next((n for n in TARGETS if target.value.startswith(n)), None)
        if namespace is None:
            raise ValueError(
                f"{target.value}: a mapping target in no known vocabulary; "
                "add its namespace to hngraph.publish.metadata.TARGETS"
            )
        counts[(namespace, predicate)] = counts.get((namespace, predicate), 0) + 1
    return counts


# --- distributions ---------------------------------------------------------------------------


@dataclass(frozen=True)
class FileDescription:
    """How one released file is described as a DCAT distribution."""

    slug: str  # the distribution is ``id/dataset/distribution/{slug}``
    path: str  # its path in the release
    title_zh: str
    title_en: str
    media_type: str  # an IANA media type
    spec: str  # the standard it conforms to
    file_type: str | None  # its name in the EU file-type authority, where it has one
    rdf_dump: bool = False  # a VoID data dump


def _add_distribution(key: str, data: bytes, config: MetadataConfig, add: Add) -> None:
    fmt = FORMATS[key]
    described = FileDescription(
        key,
        dump_name(key),
        f"{fmt.name_zh} 格式数据转储",
        f"{fmt.name_en} dump",
        fmt.media_type,
        fmt.spec,
        FILE_TYPES[key],
        rdf_dump=True,
    )
    add_file_distribution(described, data, config.download_base, add)


def add_file_distribution(file: FileDescription, data: bytes, download_base: str, add: Add) -> None:
    """The DCAT-AP 3 distribution of one released file: URLs, media type and EU file type as
    IRIs, standard, byte size, SPDX checksum, licence."""
    node = iri(f"{ID}dataset/distribution/{file.slug}")
    url = iri(download_base + file.path)
    add(DATASET, DCAT_NS + "distribution", node)
    if file.rdf_dump:
        add(DATASET, VOID_NS + "dataDump", url)
    add(node, RDF_NS + "type", iri(DCAT_NS + "Distribution"))
    for lang, title in (("zh", file.title_zh), ("en", file.title_en)):
        add(node, RDFS_NS + "label", _lit(title, lang))
        add(node, DCTERMS_NS + "title", _lit(title, lang))
    add(node, DCAT_NS + "downloadURL", url)
    add(node, DCAT_NS + "accessURL", url)
    media = iri(IANA_MEDIA_TYPES + file.media_type)
    add(node, DCAT_NS + "mediaType", media)
    add(media, RDF_NS + "type", iri(DCTERMS_NS + "MediaType"))
    if file.file_type is not None:
        file_type = iri(f"{EU_AUTHORITY}file-type/{file.file_type}")
        add(node, DCTERMS_NS + "format", file_type)
        add(file_type, RDF_NS + "type", iri(DCTERMS_NS + "MediaTypeOrExtent"))
        add(file_type, SKOS_NS + "inScheme", _scheme(iri(EU_AUTHORITY + "file-type"), add))
    add(node, DCTERMS_NS + "conformsTo", _standard(iri(file.spec), add))
    add(node, DCAT_NS + "byteSize", _size(len(data)))
    _checksum(node, data, add)
    add(node, DCTERMS_NS + "license", _licence(add))


def _checksum(node: ox.NamedNode, data: bytes, add: Add) -> None:
    """``spdx:checksum``: the SHA-256 of ``data`` (an IRI node; the release has no blank nodes)."""
    checksum = iri(node.value + "/checksum/sha256")
    algorithm = iri(SPDX_NS + "checksumAlgorithm_sha256")
    add(node, SPDX_NS + "checksum", checksum)
    add(checksum, RDF_NS + "type", iri(SPDX_NS + "Checksum"))
    add(checksum, SPDX_NS + "algorithm", algorithm)
    add(algorithm, RDF_NS + "type", iri(SPDX_NS + "ChecksumAlgorithm"))
    digest = hashlib.sha256(data).hexdigest()
    add(checksum, SPDX_NS + "checksumValue", ox.Literal(digest, datatype=iri(XSD_NS + "hexBinary")))


# --- schema.org, for search engines -----------------------------------------------------------


def schema_org_dataset(site: SiteGraph) -> dict[str, object]:
    """The dataset as a schema.org ``Dataset`` (JSON-LD, inline ``@vocab``: nothing to fetch),
    from the same facts as the DCAT description (``site.metadata``)."""
    names = [
        {"@value": title, "@language": lang}
        for lang in ("zh", "en")
        if (title := site.literal(DATASET, iri(DCTERMS_NS + "title"), lang))
    ]
    texts = [cast(Term, t.object).value for t in site.dataset if t.predicate.value == DEF + "text"]
    keywords = [
        {"@value": word, "@language": lang}
        for zh, en, phrase in KEYWORDS
        if phrase is None or any(phrase in text for text in texts)
        for word, lang in ((zh, "zh"), (en, "en"))
    ]
    document: dict[str, object] = {
        "@context": {"@vocab": SCHEMA_VOCAB},
        "@type": "Dataset",
        "@id": DATASET.value,
        "name": names,
        "description": [
            {"@value": DESCRIPTION_ZH, "@language": "zh"},
            {"@value": DESCRIPTION_EN, "@language": "en"},
        ],
        "url": BASE,
        "license": LICENCE.value,
        "inLanguage": list(LANGUAGES),
        "keywords": keywords,
        "isAccessibleForFree": True,
        "publisher": {
            "@type": "Organization",
            "@id": PUBLISHER.value,
            "name": "the hngraph project",
            "url": BASE,
        },
        "distribution": _schema_org_downloads(site),
    }
    version = site.literal(DATASET, iri(DCAT_NS + "version"))
    if version:
        document["version"] = version
    return document


def _entity_count(site: SiteGraph) -> int:
    return len({t.subject for t in site.dataset if cast(Term, t.subject).value.startswith(ID)})


def example_resources(site: SiteGraph) -> list[ox.NamedNode]:
    """Each task list, its lowest-numbered task, and the organisation with most responsibilities."""
    examples: list[ox.NamedNode] = []
    task_number = HN_TASK_NUMBER
    for task_list in site.instances(TASK_LIST):
        if not isinstance(task_list, ox.NamedNode):
            continue
        examples.append(task_list)
        tasks = [t for t in site.objects(task_list, HN_HAS_TASK) if isinstance(t, ox.NamedNode)]
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


def _schema_org_downloads(site: SiteGraph) -> list[dict[str, object]]:
    """Every DCAT distribution of the release description as a schema.org ``DataDownload``."""
    facts: dict[str, dict[str, str]] = {}
    for triple in site.metadata:
        subject, value = cast(Term, triple.subject), cast(Term, triple.object)  # no triple terms
        facts.setdefault(subject.value, {})[triple.predicate.value] = value.value
    downloads: list[dict[str, object]] = []
    for triple in site.metadata:
        if triple.subject != DATASET or triple.predicate.value != DCAT_NS + "distribution":
            continue
        node = facts.get(cast(Term, triple.object).value, {})
        checksum = facts.get(node.get(SPDX_NS + "checksum", ""), {})
        downloads.append(
            {
                "@type": "DataDownload",
                "contentUrl": node.get(DCAT_NS + "downloadURL"),
                "encodingFormat": node.get(DCAT_NS + "mediaType", "").removeprefix(
                    IANA_MEDIA_TYPES
                ),
                "contentSize": f"{node.get(DCAT_NS + 'byteSize')} B",
                "sha256": checksum.get(SPDX_NS + "checksumValue"),
            }
        )
    return sorted(downloads, key=lambda d: str(d["contentUrl"]))
