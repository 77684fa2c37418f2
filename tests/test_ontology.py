"""The ontology, its SKOS schemes and the shapes: well formed, bilingual, aligned, conforming."""

from __future__ import annotations

from pathlib import Path

import pytest
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.collection import Collection
from rdflib.namespace import DCTERMS, OWL, RDF, RDFS, SH, SKOS, XSD

from hngraph import __version__
from hngraph.validation import load_shapes, validate
from hngraph.vocab import HN, HNID, ONTOLOGY_IRI, ORG

ONTOLOGY = Path(__file__).resolve().parents[1] / "ontology"
VANN = "http://purl.org/vocab/vann/"
SCHEMA = "https://schema.org/"
#: How a term is aligned (tests/test_alignments.py: no SKOS mapping properties on OWL terms).
ALIGNMENTS = (RDFS.subClassOf, RDFS.subPropertyOf, RDFS.seeAlso)
SCHEMES = {
    "role": {"lead", "supporting"},
    "organisation-kind": {
        "party-committee-department",
        "provincial-government-department",
        "provincial-constituent-department",
        "provincial-special-body",
        "provincial-directly-affiliated-body",
        "provincial-department-managed-body",
        "central-agency-in-hunan",
        "local-government-collective",
        "prefecture-government",
        "provincial-party-committee",
        "provincial-government",
        "central-agency",
    },
    "role-convention": {"first-listed-leads"},
}


@pytest.fixture(scope="module")
def ontology() -> Graph:
    return Graph().parse(ONTOLOGY / "hngraph.ttl")


@pytest.fixture(scope="module")
def schemes() -> Graph:
    return Graph().parse(ONTOLOGY / "schemes.ttl")


@pytest.fixture(scope="module")
def shapes() -> Graph:
    return load_shapes(ONTOLOGY / "shapes.ttl")


def terms(graph: Graph) -> list[URIRef]:
    return sorted(graph.subjects(RDFS.isDefinedBy, ONTOLOGY_IRI))


def by_lang(graph: Graph, node, prop) -> dict[str, list[str]]:
    values: dict[str, list[str]] = {}
    for value in graph.objects(node, prop):
        assert isinstance(value, Literal), (node, prop, value)
        values.setdefault(value.language or "", []).append(str(value))
    return values


@pytest.mark.parametrize("name", ["hngraph.ttl", "schemes.ttl"])
def test_vocabulary_file_has_no_blank_node_and_only_zh_en(name: str) -> None:
    graph = Graph().parse(ONTOLOGY / name)
    assert len(graph) > 100
    assert not [triple for triple in graph if any(isinstance(t, BNode) for t in triple)]
    tags = {o.language for o in graph.objects() if isinstance(o, Literal) and o.language}
    assert tags == {"zh", "en"}


def test_header(ontology: Graph) -> None:
    header = ONTOLOGY_IRI
    assert (header, RDF.type, OWL.Ontology) in ontology
    assert set(by_lang(ontology, header, DCTERMS.title)) == {"zh", "en"}
    assert set(by_lang(ontology, header, DCTERMS.description)) == {"zh", "en"}
    assert ontology.value(header, DCTERMS.license) == URIRef(
        "https://creativecommons.org/licenses/by/4.0/"
    )
    assert str(ontology.value(header, OWL.versionInfo)) == __version__
    assert ontology.value(header, OWL.versionIRI) == URIRef(f"{header}{__version__}")
    assert ontology.value(header, DCTERMS.creator) == HNID["agent/hngraph-project"]
    assert ontology.value(header, URIRef(VANN + "preferredNamespacePrefix")) == Literal("hn")


def test_every_term_is_bilingual_defined_and_aligned(ontology: Graph) -> None:
    assert len(terms(ontology)) == 29
    for term in terms(ontology):
        assert str(term).startswith(str(HN._NS))
        for prop in (RDFS.label, SKOS.definition):
            values = by_lang(ontology, term, prop)
            assert sorted(values) == ["en", "zh"], (term, prop)
            assert all(len(texts) == 1 for texts in values.values()), (term, prop)
        kinds = set(ontology.objects(term, RDF.type))
        assert kinds & {OWL.Class, OWL.ObjectProperty, OWL.DatatypeProperty}, term
        supers = {term, *ontology.transitive_objects(term, RDFS.subPropertyOf)}
        targets = [o for s in supers for p in ALIGNMENTS for o in ontology.objects(s, p)]
        assert any(not str(o).startswith(str(HN._NS)) for o in targets), f"{term} not aligned"


def test_named_alignments(ontology: Graph) -> None:
    def has(s, p, o) -> bool:
        return (s, p, o) in ontology

    assert has(HN.Role, RDFS.subClassOf, SKOS.Concept)
    assert has(HN.PolicyArea, RDFS.subClassOf, SKOS.Concept)
    assert has(HN.CollectiveOfGovernments, RDFS.subClassOf, ORG.Organization)
    assert has(HN.Responsibility, RDFS.seeAlso, ORG.Membership)
    assert has(HN.role, RDFS.seeAlso, ORG.role)
    assert has(HN.hasTask, RDFS.subPropertyOf, DCTERMS.hasPart)
    assert has(HN.hasMeasure, RDFS.subPropertyOf, DCTERMS.hasPart)
    assert has(HN.taskNumber, RDFS.subPropertyOf, URIRef(SCHEMA + "position"))
    assert has(HN.text, RDFS.subPropertyOf, URIRef(SCHEMA + "text"))
    for direct in (HN.leadDepartment, HN.supportingDepartment):
        assert has(direct, RDFS.subPropertyOf, HN.responsibleDepartment)
        assert has(direct, RDFS.range, ORG.Organization)
    for number in (HN.taskNumber, HN.measureNumber, HN.rank, HN.sourceLine):
        assert has(number, RDF.type, OWL.DatatypeProperty)
        assert has(number, RDFS.range, XSD.integer)
    definition = by_lang(ontology, HN.unofficialTranslation, SKOS.definition)
    assert "hngraph project" in definition["en"][0]
    assert "unofficial translation, not an official text" in definition["en"][0]
    assert "非官方译文，不是官方文本" in definition["zh"][0]


def test_schemes_match_the_data_model(schemes: Graph) -> None:
    for scheme, slugs in SCHEMES.items():
        scheme_iri = HNID[f"scheme/{scheme}"]
        assert (scheme_iri, RDF.type, SKOS.ConceptScheme) in schemes
        concepts = set(schemes.subjects(SKOS.inScheme, scheme_iri))
        assert concepts == {HNID[f"concept/{scheme}/{slug}"] for slug in slugs}
        assert set(schemes.objects(scheme_iri, SKOS.hasTopConcept)) == concepts
        for node in (scheme_iri, *concepts):
            for prop in (SKOS.prefLabel, SKOS.definition):
                assert sorted(by_lang(schemes, node, prop)) == ["en", "zh"], (node, prop)
        for concept in concepts:
            assert (concept, SKOS.topConceptOf, scheme_iri) in schemes
    for slug in SCHEMES["role"]:
        assert (HNID[f"concept/role/{slug}"], RDF.type, HN.Role) in schemes
    assert str(schemes.value(HNID["concept/role/lead"], SKOS.prefLabel)) in {"牵头", "lead"}


def test_role_shape_allows_exactly_the_role_scheme(schemes: Graph, shapes: Graph) -> None:
    shape = URIRef("https://w3id.org/hngraph/shapes/core/ResponsibilityRoleShape")
    allowed = set(Collection(shapes, shapes.value(shape, SH["in"])))
    assert allowed == set(schemes.subjects(SKOS.inScheme, HNID["scheme/role"]))


def test_every_shape_explains_itself_in_both_languages(shapes: Graph) -> None:
    named = [
        shape
        for kind in (SH.NodeShape, SH.PropertyShape)
        for shape in shapes.subjects(RDF.type, kind)
    ]
    assert len(named) == 60  # the set cannot shrink silently (58 + two link-IRI shapes)
    for shape in named:
        assert isinstance(shape, URIRef), "every shape has an IRI"
        for prop in (SH.name, SH.description, SH.message):
            values = by_lang(shapes, shape, prop)
            assert sorted(values) == ["en", "zh"], (shape, prop)
            assert all(len(texts) == 1 for texts in values.values()), (shape, prop)


def test_ontology_and_schemes_conform_to_the_shapes(
    ontology: Graph, schemes: Graph, shapes: Graph
) -> None:
    report = validate(ontology + schemes, shapes)
    assert report.results == ()
