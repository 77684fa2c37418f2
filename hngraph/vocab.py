"""The project's vocabulary in one place: base IRIs, prefixes and the closed ``hn:`` namespace.

Everything at module level is a plain string, so importing this module costs nothing. The rdflib
objects ``HN`` (a closed ``DefinedNamespace``: a typo in a term name raises ``AttributeError``),
``HNID`` and ``ORG`` are made on first use, because rdflib takes ~100 ms to import. A test checks
that ``HN`` and ``ontology/*.ttl`` declare the same ``hn:`` terms.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from rdflib import URIRef

BASE = "https://w3id.org/hngraph/"
DEF = BASE + "def/"
ID = BASE + "id/"
SHAPES_CORE = BASE + "shapes/core/"
SHAPES_KNOWLEDGE = BASE + "shapes/knowledge/"

RDF_NS = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
RDFS_NS = "http://www.w3.org/2000/01/rdf-schema#"
XSD_NS = "http://www.w3.org/2001/XMLSchema#"
OWL_NS = "http://www.w3.org/2002/07/owl#"
SKOS_NS = "http://www.w3.org/2004/02/skos/core#"
DCTERMS_NS = "http://purl.org/dc/terms/"
DCAT_NS = "http://www.w3.org/ns/dcat#"
VOID_NS = "http://rdfs.org/ns/void#"
PROV_NS = "http://www.w3.org/ns/prov#"
FOAF_NS = "http://xmlns.com/foaf/0.1/"
ORG_NS = "http://www.w3.org/ns/org#"
SCHEMA_NS = "https://schema.org/"
SH_NS = "http://www.w3.org/ns/shacl#"
SD_NS = "http://www.w3.org/ns/sparql-service-description#"
VANN_NS = "http://purl.org/vocab/vann/"

#: Every prefix the project writes: Turtle, TriG, RDF/XML, the JSON-LD context, SPARQL headers.
PREFIXES: dict[str, str] = {
    "hn": DEF,
    "hnid": ID,
    "rdf": RDF_NS,
    "rdfs": RDFS_NS,
    "xsd": XSD_NS,
    "owl": OWL_NS,
    "skos": SKOS_NS,
    "dcterms": DCTERMS_NS,
    "dcat": DCAT_NS,
    "void": VOID_NS,
    "prov": PROV_NS,
    "foaf": FOAF_NS,
    "org": ORG_NS,
    "schema": SCHEMA_NS,
    "sh": SH_NS,
    "sd": SD_NS,
    "oa": "http://www.w3.org/ns/oa#",
    "eli": "http://data.europa.eu/eli/ontology#",
    "bibo": "http://purl.org/ontology/bibo/",
    "vann": VANN_NS,
    "isced": "https://w3id.org/kim/isced-2011/",
}
#: Prefixes declared for ad-hoc SPARQL (``hngraph sparql``, the API) when a query does not declare
#: them, as the Wikidata Query Service does, and used to print IRIs in tables: ``PREFIXES`` plus
#: one per kind of thing whose local names are plain slugs, so that
#: ``hnorg:hunan-finance-department`` is a valid SPARQL prefixed name (``hnid:org/…`` is not).
SPARQL_PREFIXES: dict[str, str] = {
    **PREFIXES,
    "hnorg": ID + "org/",
    "hnlist": ID + "list/",
    "hnscheme": ID + "scheme/",
    "hnarea": ID + "concept/policy-area/",
    "hnkind": ID + "concept/organisation-kind/",
    "hnrole": ID + "concept/role/",
    "hnaction": ID + "concept/action-type/",
    "hndeliverable": ID + "concept/deliverable-type/",
    "hnlevel": ID + "concept/education-level/",
    "hninitiative": ID + "concept/initiative/",
    "hninitiativekind": ID + "concept/initiative-kind/",
    "hnframework": ID + "concept/national-vet-reform-plan/",
}
#: Prefixes of the published Turtle family. ``hnid:`` is left out on purpose: its local names
#: hold ``/``, which Turtle must escape.
TURTLE_PREFIXES = {name: iri for name, iri in PREFIXES.items() if name != "hnid"}
#: Prefixes declared at the top of the built dataset file, used or not.
DATASET_PREFIXES = {
    name: PREFIXES[name]
    for name in (
        "hn",
        "hnid",
        "org",
        "skos",
        "dcterms",
        "prov",
        "dcat",
        "void",
        "foaf",
        "owl",
        "schema",
        "rdf",
        "rdfs",
        "xsd",
        "vann",
    )
}
#: Prefixes of validation reports: the shapes' namespaces and what results mention.
REPORT_PREFIXES = {
    "hnsh": SHAPES_CORE,
    "hnsk": SHAPES_KNOWLEDGE,
    **{
        name: PREFIXES[name]
        for name in ("hn", "hnid", "sh", "org", "skos", "rdfs", "dcterms", "xsd")
    },
}

#: Every term of the hngraph ontology (``ontology/*.ttl``), core and knowledge layer.
HN_TERMS: tuple[str, ...] = (
    # classes of the core
    "TaskList",
    "Task",
    "Measure",
    "Responsibility",
    "Role",
    "PolicyArea",
    "CollectiveOfGovernments",
    # task list
    "hasTask",
    "taskList",
    "attachmentLabel",
    "roleConvention",
    "sha256",
    "sourcePath",
    # tasks and measures
    "taskNumber",
    "text",
    "unofficialTranslation",
    "sourceLine",
    "hasMeasure",
    "task",
    "measureNumber",
    # responsibility
    "responsibility",
    "organization",
    "role",
    "rank",
    "nameAsWritten",
    "responsibleDepartment",
    "leadDepartment",
    "supportingDepartment",
    # organisations
    "divisionCode",
    # knowledge layer: judgements
    "Judgement",
    "AreaAssignment",
    "InitiativeMention",
    "ActionClassification",
    "DeliverableClassification",
    "LevelMention",
    "FrameworkLink",
    "TargetYearStatement",
    # knowledge layer: kinds of concept
    "Initiative",
    "InitiativeKind",
    "ActionType",
    "DeliverableType",
    "EducationLevel",
    "FrameworkComponent",
    # knowledge layer: properties of judgements
    "target",
    "concept",
    "evidence",
    "evidenceKeyword",
    # knowledge layer: direct properties kept in step with judgements
    "policyArea",
    "mentionsInitiative",
    "actionType",
    "deliverableType",
    "educationLevel",
    "relatedFrameworkComponent",
    "targetYear",
)


def list_iri(slug: str) -> str:
    """IRI of a task list."""
    return f"{ID}list/{slug}"


def task_iri(slug: str, number: int) -> str:
    """IRI of task ``number`` of list ``slug``."""
    return f"{ID}list/{slug}/task/{number}"


def measure_iri(slug: str, task: int, measure: int) -> str:
    """IRI of measure ``measure`` of a task."""
    return f"{ID}list/{slug}/task/{task}/measure/{measure}"


def responsibility_iri(slug: str, task: int, rank: int) -> str:
    """IRI of the responsibility at position ``rank`` of a task's department cell."""
    return f"{ID}list/{slug}/task/{task}/responsibility/{rank}"


def concept_iri(scheme: str, slug: str) -> str:
    """IRI of a concept in one of the project's SKOS schemes."""
    return f"{ID}concept/{scheme}/{slug}"


def scheme_iri(scheme: str) -> str:
    """IRI of one of the project's SKOS concept schemes."""
    return f"{ID}scheme/{scheme}"


def _closed_namespace() -> Any:
    from rdflib import Namespace
    from rdflib.namespace import DefinedNamespace

    annotations = dict.fromkeys(HN_TERMS, "URIRef")
    return type(
        "HN",
        (DefinedNamespace,),
        {
            "__doc__": "Terms of the hngraph ontology (``https://w3id.org/hngraph/def/``).",
            "__annotations__": annotations,
            "_NS": Namespace(DEF),
            "_fail": True,
        },
    )


_LAZY: dict[str, Any] = {}


def __getattr__(name: str) -> Any:
    """``HN``, ``HNID`` and ``ORG`` as rdflib namespaces, made on first use."""
    if name not in {"HN", "HNID", "ORG", "ONTOLOGY_IRI"}:
        raise AttributeError(f"module 'hngraph.vocab' has no attribute {name!r}")
    if name not in _LAZY:
        from rdflib import Namespace, URIRef

        _LAZY.update(
            HN=_closed_namespace(),
            HNID=Namespace(ID),
            ORG=Namespace(ORG_NS),
            ONTOLOGY_IRI=URIRef(DEF),
        )
    return _LAZY[name]


if TYPE_CHECKING:
    from rdflib import Namespace

    class _ClosedNamespace:
        """What type checkers see of ``HN``: every attribute is a term."""

        _NS: Namespace
        __annotations__: dict[str, str]

        def __getattr__(self, name: str) -> URIRef: ...
        def __getitem__(self, name: str) -> URIRef: ...

    HN: _ClosedNamespace
    HNID: Namespace
    ORG: Namespace
    ONTOLOGY_IRI: URIRef
