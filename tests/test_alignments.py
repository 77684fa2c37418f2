"""Alignment hygiene: OWL 2 DL, no SKOS mapping on OWL terms, distinct labels, agents as IRIs.

Two independent checks: py-horned-owl's OWL 2 DL profile checker over the ontology graph
(``hngraph.ttl`` + ``knowledge.ttl``), and the SHACL shape ``ontology/shapes-ontology.ttl`` over
every vocabulary file, each with failing examples under ``tests/fixtures/alignments/``.
"""

from __future__ import annotations

import re
import subprocess
import sys
import threading
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pyhornedowl
import pyoxigraph as ox
import pytest
from pyhornedowl.profile import check_profile
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, OWL, RDF, RDFS, SKOS

from hngraph.publish.graph import load_site_graph
from hngraph.publish.htaccess import RESOURCE_PATTERN
from hngraph.publish.links import site_path
from hngraph.publish.site import resource_nodes
from hngraph.validation import load_shapes, validate
from hngraph.vocab import HN, ID, ONTOLOGY_IRI

ROOT = Path(__file__).resolve().parents[1]
ONTOLOGY = ROOT / "ontology"
FIXTURES = ROOT / "tests" / "fixtures" / "alignments"
DATASET = ROOT / "data" / "dataset" / "hngraph.ttl"
SHAPE = URIRef("https://w3id.org/hngraph/shapes/ontology/MappingBetweenConceptsShape")
AGENT = URIRef(ID + "agent/hngraph-project")
PROPERTY_KINDS = (OWL.ObjectProperty, OWL.DatatypeProperty, OWL.AnnotationProperty)


def ontology_graph() -> Graph:
    graph = Graph()
    for name in ("hngraph.ttl", "knowledge.ttl"):
        graph.parse(ONTOLOGY / name)
    return graph


def vocabularies() -> Graph:
    graph = Graph()
    for path in sorted(ONTOLOGY.glob("*.ttl")):
        if not path.name.startswith("shapes"):
            graph.parse(path)
    return graph


def dl_violations(graph: Graph) -> list[tuple[str, str]]:
    """(violation kind, IRI) of every OWL 2 DL violation py-horned-owl finds."""
    ontology = pyhornedowl.open_ontology_from_string(graph.serialize(format="xml"), "rdf")
    report = check_profile(ontology, "DL")
    found = [(type(v).__name__, str(getattr(v, "iri", ""))) for v in report.violations]
    assert report.conformant == (not found)
    return sorted(found)


def hn_terms(graph: Graph, kinds: tuple[URIRef, ...]) -> set[URIRef]:
    return {
        s
        for kind in kinds
        for s in graph.subjects(RDF.type, kind)
        if isinstance(s, URIRef) and str(s).startswith(str(ONTOLOGY_IRI))
    }


# --- OWL 2 DL ------------------------------------------------------------------------------


def test_the_ontology_is_owl2_dl() -> None:
    assert dl_violations(ontology_graph()) == []


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("lang-string-range", ("UseOfUndeclaredDatatype", "langString")),
        ("undeclared-superclass", ("UseOfUndeclaredClass", "https://schema.org/ItemList")),
        ("punned-property", ("UseOfIllegalPunning", "https://w3id.org/hngraph/def/rank")),
    ],
)
def test_the_profile_check_fails_on_examples(name: str, expected: tuple[str, str]) -> None:
    found = dl_violations(Graph().parse(FIXTURES / f"{name}.ttl"))
    assert len(found) == 1
    kind, value = found[0]
    assert kind == expected[0] and value.endswith(expected[1]), found


# --- SKOS mappings only between concepts -----------------------------------------------------


def mapping_results(data: Graph) -> set[tuple[str, str, str]]:
    report = validate(data, load_shapes(ONTOLOGY / "shapes-ontology.ttl"))
    results = set()
    for result in report.results:
        assert str(result.source_shape) == str(SHAPE), result
        assert str(result.constraint_component).endswith("SPARQLConstraintComponent")
        results.add((str(result.focus_node), str(result.result_path), str(result.value)))
    return results


def test_no_skos_mapping_between_non_concepts_in_the_vocabularies() -> None:
    assert mapping_results(vocabularies()) == set()


def test_the_mapping_shape_catches_the_old_alignments() -> None:
    skos = str(SKOS)
    assert mapping_results(Graph().parse(FIXTURES / "skos-mapping-on-owl-terms.ttl")) == {
        (str(HN.Responsibility), skos + "closeMatch", "http://www.w3.org/ns/org#Membership"),
        (str(HN.InitiativeKind), skos + "relatedMatch", "http://purl.org/dc/terms/DCMIType"),
        (str(HN.relatedFrameworkComponent), skos + "closeMatch", skos + "relatedMatch"),
        (
            ID + "concept/education-level/x",
            skos + "closeMatch",
            "https://schema.org/educationalLevel",
        ),
    }


def test_no_skos_mapping_property_on_any_ontology_term() -> None:
    graph = ontology_graph()
    mappings = {SKOS[n] for n in ("exactMatch", "closeMatch", "broadMatch", "narrowMatch")}
    mappings |= {SKOS.relatedMatch, SKOS.mappingRelation}
    on_terms = [(s, p) for s, p, _ in graph if p in mappings]
    assert on_terms == []


def test_alignments_pair_classes_with_classes_and_properties_with_properties() -> None:
    """External terms follow the W3C and schema.org convention: classes capitalised."""
    graph = ontology_graph()
    classes = hn_terms(graph, (OWL.Class,))
    properties = hn_terms(graph, PROPERTY_KINDS)
    for term in classes | properties:
        targets = [
            o
            for p in (RDFS.subClassOf, RDFS.subPropertyOf, RDFS.seeAlso)
            for o in graph.objects(term, p)
        ]
        assert targets, f"{term} is not aligned"
        for target in targets:
            local = str(target).rstrip("/").rsplit("/", 1)[-1].rsplit("#", 1)[-1]
            assert local[0].isupper() == (term in classes), (term, target)
            assert not local.endswith(("Type", "Scheme")) or local == "ActionType", (term, target)
        assert not list(graph.objects(term, RDFS.subPropertyOf)) or term in properties
        assert not list(graph.objects(term, RDFS.subClassOf)) or term in classes
        if list(graph.objects(term, RDFS.seeAlso)):
            notes = sorted(n.language for n in graph.objects(term, SKOS.editorialNote))
            assert notes == ["en", "zh"], f"{term}: rdfs:seeAlso without a note in zh and en"


def test_class_and_property_labels_differ() -> None:
    graph = ontology_graph()
    class_labels = {
        (str(label).lower(), label.language)
        for term in hn_terms(graph, (OWL.Class,))
        for label in graph.objects(term, RDFS.label)
    }
    for term in hn_terms(graph, PROPERTY_KINDS):
        for label in graph.objects(term, RDFS.label):
            assert (str(label).lower(), label.language) not in class_labels, (term, label)
    assert (HN.taskList, RDFS.label, Literal("in task list", lang="en")) in graph
    assert (HN.Task, RDFS.label, Literal("task", lang="en")) in graph


def test_creator_and_publisher_are_agents() -> None:
    graph = ontology_graph()
    for prop in (DCTERMS.creator, DCTERMS.publisher):
        assert list(graph.objects(ONTOLOGY_IRI, prop)) == [AGENT]


# --- hn:responsibleDepartment is materialised ------------------------------------------------


def test_responsible_department_is_lead_plus_supporting() -> None:
    if not DATASET.exists():
        pytest.fail("the built dataset is missing; run hngraph build")
    triples = list(ox.parse(path=str(DATASET)))

    def pairs(name: str) -> set[tuple[str, str]]:
        return {
            (t.subject.value, t.object.value) for t in triples if t.predicate.value == str(HN[name])
        }

    responsible = pairs("responsibleDepartment")
    assert responsible, "no hn:responsibleDepartment triple"
    assert responsible == pairs("leadDepartment") | pairs("supportingDepartment")


# --- owl:versionIRI resolves -----------------------------------------------------------------


def version_iri() -> URIRef:
    """The ontology's owl:versionIRI: ``def/{owl:versionInfo}``."""
    graph = ontology_graph()
    (value,) = graph.objects(ONTOLOGY_IRI, OWL.versionIRI)
    assert value == URIRef(f"{ONTOLOGY_IRI}{graph.value(ONTOLOGY_IRI, OWL.versionInfo)}")
    return URIRef(value)


def test_version_iri_is_published_with_the_ontology() -> None:
    version_iri_ = version_iri()
    site = load_site_graph(DATASET)
    version = ox.NamedNode(str(version_iri_))
    path = site_path(str(version_iri_))
    assert path == str(version_iri_).removeprefix("https://w3id.org/hngraph/")
    assert (version, path) in resource_nodes(site)
    assert site.resource_triples(version) == site.resource_triples(ox.NamedNode(str(ONTOLOGY_IRI)))
    assert re.match(RESOURCE_PATTERN, path)


@pytest.fixture(scope="module")
def server() -> Iterator[str]:
    command = [sys.executable, "-m", "hngraph", "serve", "--port", "0", "--workers", "1"]
    command += ["--data", str(DATASET)]
    process = subprocess.Popen(
        command, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )
    found: list[str] = []
    reader = threading.Thread(target=lambda: found.append(process.stdout.readline()), daemon=True)
    reader.start()
    reader.join(120)
    try:
        if not found or not found[0].startswith("http"):
            process.kill()
            pytest.fail(f"serve did not start: {process.stderr.read()[-2000:]}")
        yield found[0].strip().rstrip("/")
    finally:
        process.terminate()
        try:
            process.wait(15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(5)


def test_serve_answers_the_version_iri(server: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("NO_PROXY", "127.0.0.1,localhost")
    monkeypatch.setenv("no_proxy", "127.0.0.1,localhost")
    path = str(version_iri()).removeprefix("https://w3id.org/hngraph/")
    request = urllib.request.Request(f"{server}/{path}", headers={"Accept": "text/turtle"})
    with urllib.request.urlopen(request, timeout=30) as response:
        assert response.status == 200
        body = response.read()
    graph = Graph().parse(data=body, format="turtle")
    assert (ONTOLOGY_IRI, RDF.type, OWL.Ontology) in graph
    assert (version_iri(), DCTERMS.isVersionOf, ONTOLOGY_IRI) in graph
