"""``hngraph.vocab.HN`` and the ontology declare the same ``hn:`` terms; HN is closed."""

from __future__ import annotations

from pathlib import Path

import pytest
from rdflib import Graph, URIRef
from rdflib.namespace import RDFS

from hngraph import __version__
from hngraph.vocab import HN, ONTOLOGY_IRI

ONTOLOGY = Path(__file__).resolve().parents[1] / "ontology"
NAMESPACE = str(HN._NS)
VERSION_IRI = URIRef(NAMESPACE + __version__)


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


def test_module_lists_exactly_the_terms_of_the_ontology_folder() -> None:
    vocabularies = [path.name for path in ONTOLOGY.glob("*.ttl") if "shapes" not in path.name]
    everything = declared(parse(*vocabularies))
    assert module_terms(HN) == everything, (
        f"only in HN: {sorted(module_terms(HN) - everything)}; "
        f"only in ontology/: {sorted(everything - module_terms(HN))}"
    )


def test_every_hn_term_used_in_ontology_files_is_declared() -> None:
    files = sorted(path.name for path in ONTOLOGY.glob("*.ttl"))
    for name in files:
        unknown = used_hn_terms(parse(name)) - module_terms(HN)
        assert not unknown, f"{name} uses undeclared hn: terms: {sorted(unknown)}"


def test_core_and_knowledge_terms_share_one_closed_namespace() -> None:
    assert HN.policyArea == URIRef(NAMESPACE + "policyArea")
    assert HN.Task == URIRef(NAMESPACE + "Task")


def test_importing_the_vocabulary_does_not_import_rdflib() -> None:
    import subprocess
    import sys

    code = "import sys, hngraph.vocab; print('rdflib' in sys.modules)"
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.stdout.strip() == "False", result.stderr


def test_terms_resolve_and_a_typo_raises() -> None:
    assert HN.leadDepartment == URIRef(NAMESPACE + "leadDepartment")
    assert HN["taskNumber"] == URIRef(NAMESPACE + "taskNumber")
    with pytest.raises(AttributeError):
        _ = HN.leadDepartmnet
