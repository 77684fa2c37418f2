"""``hngraph/publish/jsonld.py`` on the real dataset (named ``test_site_jsonld``: pytest's
rootdir imports allow one ``test_jsonld`` basename, tests/rdf's). Every resource document and the
dump, read by pyld (an independent JSON-LD 1.1 processor), give the graph of the Turtle; the
context covers the ontology and every predicate; pyld's own compaction with it loses no triple."""

from __future__ import annotations

import json
from pathlib import Path

import pyoxigraph as ox
import pytest
import rdflib
from jsonld_support import from_bytes, loader_for, to_triples
from pyld import jsonld
from rdflib.compare import graph_diff, isomorphic

from hngraph.publish.graph import SiteGraph
from hngraph.publish.jsonld import context_bytes, resource_jsonld, resource_representation
from hngraph.publish.site import Prepared, PublishConfig, resource_nodes, site_for
from hngraph.rdf.jsonld import CONTEXT_URL
from hngraph.rdf.serialize import serialize_triples
from hngraph.vocab import DEF, HN_TERMS, OWL_NS, RDF_NS, RDFS_NS, XSD_NS

ROOT = Path(__file__).resolve().parents[2]
DATASET = ROOT / "data" / "dataset" / "hngraph.ttl"
TASK_1 = "https://w3id.org/hngraph/id/list/hunan-vet-reform/task/1"
#: At least this many resources have a document (793 when this was written): the set may grow,
#: never shrink silently.
MIN_RESOURCES = 790


@pytest.fixture(scope="module")
def release() -> tuple[SiteGraph, Prepared]:
    return site_for(DATASET, PublishConfig())


@pytest.fixture(scope="module")
def context(release: tuple[SiteGraph, Prepared]) -> bytes:
    return context_bytes(release[0])


def as_rdflib(triples: set[ox.Triple]) -> rdflib.Graph:
    return rdflib.Graph().parse(data=serialize_triples(triples, "nt"), format="nt")


def assert_isomorphic(expected: rdflib.Graph, actual: rdflib.Graph) -> None:
    if not isomorphic(expected, actual):
        _, only_expected, only_actual = graph_diff(expected, actual)
        pytest.fail(
            f"only in the Turtle: {sorted(only_expected)[:5]}\n"
            f"only in the JSON-LD: {sorted(only_actual)[:5]}"
        )


def test_every_resource_document_is_the_graph_of_its_turtle(
    release: tuple[SiteGraph, Prepared], context: bytes
) -> None:
    site, _ = release
    nodes = resource_nodes(site)
    assert len(nodes) >= MIN_RESOURCES
    for node, _path in nodes:
        body = resource_jsonld(site, node)
        assert json.loads(body)["@context"] == CONTEXT_URL
        turtle = resource_representation(site, node, "ttl")
        expected = rdflib.Graph().parse(data=turtle, format="turtle")
        assert_isomorphic(expected, as_rdflib(from_bytes(body, context)))


def test_the_dump_is_the_graph_of_the_turtle_dump(release: tuple[SiteGraph, Prepared]) -> None:
    _, prepared = release
    dump = json.loads(prepared.dumps["jsonld"])
    assert isinstance(dump["@context"], dict)  # embedded: the dump is read offline too
    expected = rdflib.Graph().parse(data=prepared.dumps["ttl"], format="turtle")
    assert len(expected) > 6000
    assert_isomorphic(expected, as_rdflib(to_triples(dump, loader_for({}))))


def test_pyld_compacts_the_whole_dataset_with_the_context_losing_nothing(
    release: tuple[SiteGraph, Prepared], context: bytes
) -> None:
    """pyld's compaction, with the published context, writes every predicate as a term (the
    context covers the data, and each value fits its term's definition), and expands back to the
    same triples."""
    site, _ = release
    triples = {*site.dataset, *site.metadata}
    published = json.loads(context)
    loader = loader_for(published)
    assert all(isinstance(t.subject, ox.NamedNode) for t in triples)  # no blank nodes
    compacted = jsonld.compact(expanded_form(triples), CONTEXT_URL, {"documentLoader": loader})
    terms = {name for name in published["@context"] if not name.startswith("@")}
    keys = {key for node in compacted["@graph"] for key in node if not key.startswith("@")}
    assert keys and keys <= terms, sorted(keys - terms)
    assert to_triples(compacted, loader) == triples


def expanded_form(triples: set[ox.Triple]) -> list[dict]:
    """Triples as expanded JSON-LD, written out directly (pyld's ``from_rdf`` does the same, 20 s
    slower); rdf:type as ``@type``, as ``from_rdf`` writes it."""
    nodes: dict[str, dict] = {}
    for triple in triples:
        node = nodes.setdefault(triple.subject.value, {"@id": triple.subject.value})
        obj = triple.object
        if triple.predicate.value == RDF_NS + "type":
            node.setdefault("@type", []).append(obj.value)
            continue
        if isinstance(obj, ox.NamedNode):
            value: dict = {"@id": obj.value}
        elif obj.language:
            value = {"@value": obj.value, "@language": obj.language}
        elif obj.datatype.value == XSD_NS + "string":
            value = {"@value": obj.value}
        else:
            value = {"@value": obj.value, "@type": obj.datatype.value}
        node.setdefault(triple.predicate.value, []).append(value)
    return list(nodes.values())


def test_the_context_has_a_term_for_every_ontology_term(context: bytes) -> None:
    published = json.loads(context)["@context"]
    for name in HN_TERMS:
        definition = published.get(name)
        assert definition is not None, name
        target = definition if isinstance(definition, str) else definition["@id"]
        assert target == "hn:" + name, name


def test_the_context_agrees_with_the_ontology(
    release: tuple[SiteGraph, Prepared], context: bytes
) -> None:
    """The kinds come from how the data uses each property: they must match what the ontology
    declares (object property: links; datatype range: that type; functional: one value)."""
    site, _ = release
    published = json.loads(context)["@context"]
    declared: dict[str, set[str]] = {}
    ranges: dict[str, str] = {}
    for triple in site.dataset:
        subject = triple.subject
        if not isinstance(subject, ox.NamedNode) or not subject.value.startswith(DEF):
            continue
        if triple.predicate.value == RDF_NS + "type":
            declared.setdefault(subject.value, set()).add(triple.object.value)
        elif triple.predicate.value == RDFS_NS + "range":
            ranges[subject.value] = triple.object.value
    checked = 0
    for iri, types in sorted(declared.items()):
        if iri == DEF:  # the ontology itself
            continue
        definition = published[iri.removeprefix(DEF)]
        if OWL_NS + "ObjectProperty" in types:
            assert definition["@type"] == "@id", iri
        elif ranges.get(iri, "").startswith(XSD_NS) and ranges[iri] != XSD_NS + "string":
            assert definition["@type"] == "xsd:" + ranges[iri].removeprefix(XSD_NS), iri
        elif OWL_NS + "DatatypeProperty" in types:
            assert definition.get("@type") is None, iri
        else:
            continue
        container = definition.get("@container")
        if container != "@language":  # a language map holds any number of values
            assert (container == "@set") == (OWL_NS + "FunctionalProperty" not in types), iri
        checked += 1
    assert checked >= 30


def test_a_task_reads_as_plain_json(release: tuple[SiteGraph, Prepared]) -> None:
    site, _ = release
    task = json.loads(resource_jsonld(site, ox.NamedNode(TASK_1)))["@graph"][0]
    assert task["@id"] == TASK_1 and task["@type"] == "Task"
    assert task["taskNumber"] == 1 and isinstance(task["sourceLine"], int)
    assert task["taskList"] == "https://w3id.org/hngraph/id/list/hunan-vet-reform"
    assert task["leadDepartment"].startswith("https://w3id.org/hngraph/id/org/")
    assert all(m.startswith(TASK_1 + "/measure/") for m in task["hasMeasure"])
    assert set(task["label"]) == {"zh", "en"} and set(task["text"]) == {"zh"}
    assert set(task["unofficialTranslation"]) == {"en"}
