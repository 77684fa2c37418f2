"""Closed namespaces for the hngraph ontology and identifiers.

``HN`` is a closed ``DefinedNamespace``: a typo in a term name raises ``AttributeError``.
A test checks that this module and ``ontology/*.ttl`` declare the same ``hn:`` terms.
"""

from __future__ import annotations

from rdflib import Namespace, URIRef
from rdflib.namespace import DefinedNamespace

BASE = "https://w3id.org/hngraph/"
ONTOLOGY_IRI = URIRef(BASE + "def/")
HNID = Namespace(BASE + "id/")
ORG = Namespace("http://www.w3.org/ns/org#")


class HN(DefinedNamespace):
    """Terms of the hngraph ontology (``https://w3id.org/hngraph/def/``)."""

    _NS = Namespace(BASE + "def/")
    _fail = True

    # classes
    TaskList: URIRef
    Task: URIRef
    Measure: URIRef
    Responsibility: URIRef
    Role: URIRef
    PolicyArea: URIRef
    CollectiveOfGovernments: URIRef
    # task list
    hasTask: URIRef
    taskList: URIRef
    attachmentLabel: URIRef
    roleConvention: URIRef
    sha256: URIRef
    sourcePath: URIRef
    # tasks and measures
    taskNumber: URIRef
    text: URIRef
    unofficialTranslation: URIRef
    sourceLine: URIRef
    hasMeasure: URIRef
    task: URIRef
    measureNumber: URIRef
    # responsibility
    responsibility: URIRef
    organization: URIRef
    role: URIRef
    rank: URIRef
    nameAsWritten: URIRef
    responsibleDepartment: URIRef
    leadDepartment: URIRef
    supportingDepartment: URIRef
    # organisations
    divisionCode: URIRef


def list_iri(slug: str) -> URIRef:
    """IRI of a task list."""
    return HNID[f"list/{slug}"]


def task_iri(slug: str, number: int) -> URIRef:
    """IRI of task ``number`` of list ``slug``."""
    return HNID[f"list/{slug}/task/{number}"]


def measure_iri(slug: str, task: int, measure: int) -> URIRef:
    """IRI of measure ``measure`` of a task."""
    return HNID[f"list/{slug}/task/{task}/measure/{measure}"]


def responsibility_iri(slug: str, task: int, rank: int) -> URIRef:
    """IRI of the responsibility at position ``rank`` of a task's department cell."""
    return HNID[f"list/{slug}/task/{task}/responsibility/{rank}"]


def concept_iri(scheme: str, slug: str) -> URIRef:
    """IRI of a concept in one of the project's SKOS schemes."""
    return HNID[f"concept/{scheme}/{slug}"]


def scheme_iri(scheme: str) -> URIRef:
    """IRI of one of the project's SKOS concept schemes."""
    return HNID[f"scheme/{scheme}"]
