"""``hngraph.namespace.HN`` and the ontology declare the same ``hn:`` terms; HN is closed."""

from __future__ import annotations

from pathlib import Path

import pytest
from rdflib import Graph, URIRef
from rdflib.namespace import RDFS

from hngraph.knowledge_namespace import HNK
from hngraph.namespace import HN, ONTOLOGY_IRI

ONTOLOGY = Path(__file__).resolve().parent.parent / "ontology"
NAMESPACE = str(HN._NS)
VERSION_IRI = URIRef(NAMESPACE + "0.1.0")


def parse(*names: str) -> Graph:
    graph = Graph()
    for name in names:
        graph.parse(ONTOLOGY / name)
    return graph


def declared(graph: Graph) -> set[URIRef]:
    """Subjects defined by the hngraph ontology (``rdfs:isDefinedBy hn:``)."""
    return {term for term in graph.subjects(RDFS.isDefinedBy, ONTOLOGY_IRI)}


def module_terms(namespace: type) -> set[URIRef]:
    return {URIRef(NAMESPACE + name) for name in namespace.__annotations__}


def used_hn_terms(graph: Graph) -> set[URIRef]:
    """Every IRI in the hn: namespace that a graph mentions, except the ontology's own IRIs."""
    terms = {term for triple in graph for term in triple if isinstance(term, URIRef)}
    return {
        term
        for term in terms
        if str(term).startswith(NAMESPACE) and term not in (ONTOLOGY_IRI, VERSION_IRI)
    }


def test_module_lists_exactly_the_terms_of_the_core_ontology() -> None:
    ontology = declared(parse("hngraph.ttl"))
    assert module_terms(HN) == ontology, (
        f"only in HN: {sorted(module_terms(HN) - ontology)}; "
        f"only in ontology/hngraph.ttl: {sorted(ontology - module_terms(HN))}"
    )


def test_every_term_declared_in_the_ontology_folder_has_a_namespace_module() -> None:
    vocabularies = [path.name for path in ONTOLOGY.glob("*.ttl") if "shapes" not in path.name]
    everything = declared(parse(*vocabularies))
    assert not module_terms(HN) & module_terms(HNK)
    assert everything == module_terms(HN) | module_terms(HNK)


def test_every_hn_term_used_in_ontology_files_is_declared() -> None:
    files = sorted(path.name for path in ONTOLOGY.glob("*.ttl"))
    known = module_terms(HN) | module_terms(HNK)
    for name in files:
        unknown = used_hn_terms(parse(name)) - known
        assert not unknown, f"{name} uses undeclared hn: terms: {sorted(unknown)}"


def test_terms_resolve_and_a_typo_raises() -> None:
    assert HN.leadDepartment == URIRef(NAMESPACE + "leadDepartment")
    assert HN["taskNumber"] == URIRef(NAMESPACE + "taskNumber")
    with pytest.raises(AttributeError):
        _ = HN.leadDepartmnet
