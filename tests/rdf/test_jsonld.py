"""The JSON-LD context rule and writer (``hngraph.rdf.jsonld``) on small graphs, each document
read back by pyld and by pyoxigraph (two independent JSON-LD processors)."""

from __future__ import annotations

import json
import random

import pyoxigraph as ox
import pytest
from jsonld_support import loader_for, to_triples

from hngraph.rdf.jsonld import CONTEXT_URL, derive_context, document, dumps
from hngraph.vocab import DCTERMS_NS, DEF, ID, OWL_NS, RDF_NS, RDFS_NS, SCHEMA_NS, XSD_NS

TYPE = ox.NamedNode(RDF_NS + "type")
TASK = ox.NamedNode(ID + "list/x/task/1")
OTHER = ox.NamedNode(ID + "list/x/task/2")
LIST = ox.NamedNode(ID + "list/x")


def hn(name: str) -> ox.NamedNode:
    return ox.NamedNode(DEF + name)


def xsd(name: str) -> ox.NamedNode:
    return ox.NamedNode(XSD_NS + name)


def owl(name: str) -> ox.NamedNode:
    return ox.NamedNode(OWL_NS + name)


def t(s: ox.NamedNode, p: ox.NamedNode, o: ox.NamedNode | ox.Literal) -> ox.Triple:
    return ox.Triple(s, p, o)


LABEL = ox.NamedNode(RDFS_NS + "label")
SAMPLE = [
    t(TASK, TYPE, hn("Task")),
    t(TASK, hn("taskList"), LIST),
    t(TASK, hn("taskNumber"), ox.Literal("1", datatype=xsd("integer"))),
    t(OTHER, hn("taskNumber"), ox.Literal("07", datatype=xsd("integer"))),
    t(OTHER, hn("sourceLine"), ox.Literal("1" + "0" * 21, datatype=xsd("integer"))),
    t(TASK, hn("text"), ox.Literal("原文", language="zh")),
    t(TASK, LABEL, ox.Literal("任务 1", language="zh")),
    t(TASK, LABEL, ox.Literal("Task 1", language="en")),
    t(TASK, LABEL, ox.Literal("Task one", language="en")),
    t(OTHER, LABEL, ox.Literal("no language")),
    t(TASK, ox.NamedNode(SCHEMA_NS + "text"), ox.Literal("0123")),
    t(TASK, ox.NamedNode(DCTERMS_NS + "date"), ox.Literal("2024-01-31", datatype=xsd("date"))),
    t(TASK, ox.NamedNode(DCTERMS_NS + "publisher"), ox.Literal("某厅", language="zh")),
    t(TASK, ox.NamedNode(DCTERMS_NS + "publisher"), ox.NamedNode(ID + "org/a")),
    t(LIST, hn("hasTask"), TASK),
    t(LIST, hn("hasTask"), OTHER),
    # the ontology's declarations
    t(hn("taskList"), TYPE, owl("ObjectProperty")),
    t(hn("taskList"), TYPE, owl("FunctionalProperty")),
    t(hn("taskNumber"), TYPE, owl("DatatypeProperty")),
    t(hn("taskNumber"), TYPE, owl("FunctionalProperty")),
    t(hn("leadDepartment"), TYPE, owl("ObjectProperty")),
    t(hn("rank"), TYPE, owl("DatatypeProperty")),
    t(hn("rank"), ox.NamedNode(RDFS_NS + "range"), xsd("integer")),
    t(hn("Measure"), TYPE, owl("Class")),
]
REFUSE_ALL = loader_for({})


def read_back(body: dict) -> tuple[set[ox.Triple], set[ox.Triple]]:
    """The triples pyld and pyoxigraph read from an embedded-context document."""
    parsed = ox.parse(json.dumps(body).encode(), format=ox.RdfFormat.JSON_LD)
    return to_triples(body, REFUSE_ALL), {
        ox.Triple(q.subject, q.predicate, q.object) for q in parsed
    }


@pytest.fixture(scope="module")
def context() -> dict:
    return derive_context(SAMPLE).body()


def test_terms_are_local_names_with_hn_first(context: dict) -> None:
    assert context["text"] == {"@container": "@language", "@id": "hn:text"}
    assert context["schema:text"] == {"@container": "@set", "@id": "schema:text"}
    assert context["Task"] == "hn:Task" and context["Measure"] == "hn:Measure"
    assert context["hn"] == DEF and context["xsd"] == XSD_NS  # the prefixes stay
    assert context["@version"] == 1.1  # "@none" in language maps
    assert list(context) == sorted(context)


def test_each_kind_of_value_gets_its_definition(context: dict) -> None:
    assert context["taskList"] == {"@id": "hn:taskList", "@type": "@id"}  # functional: single
    assert context["hasTask"] == {"@container": "@set", "@id": "hn:hasTask", "@type": "@id"}
    assert context["taskNumber"] == {"@id": "hn:taskNumber", "@type": "xsd:integer"}
    assert context["label"] == {"@container": "@language", "@id": "rdfs:label"}
    assert context["date"] == {"@container": "@set", "@id": "dcterms:date", "@type": "xsd:date"}
    assert context["publisher"] == {"@container": "@set", "@id": "dcterms:publisher"}  # mixed
    # declared but unused: typed from the declaration
    assert context["leadDepartment"]["@type"] == "@id"
    assert context["rank"]["@type"] == "xsd:integer"


def test_documents_read_as_plain_json(context: dict) -> None:
    body = document(SAMPLE, derive_context(SAMPLE), reference=CONTEXT_URL, main=TASK)
    assert body["@context"] == CONTEXT_URL
    nodes = {node["@id"]: node for node in body["@graph"]}
    task, other = body["@graph"][0], nodes[OTHER.value]
    assert task["@id"] == TASK.value and task["@type"] == "Task"
    assert task["taskNumber"] == 1 and task["taskList"] == LIST.value
    assert task["label"] == {"en": ["Task 1", "Task one"], "zh": "任务 1"}
    assert other["label"] == {"@none": "no language"}
    assert task["text"] == {"zh": "原文"} and task["schema:text"] == ["0123"]
    assert task["publisher"] == [{"@id": ID + "org/a"}, {"@language": "zh", "@value": "某厅"}]
    # not canonical, or too large for a JSON-LD integer: kept as the lexical form
    assert other["taskNumber"] == "07" and other["sourceLine"] == ["1" + "0" * 21]
    ids = [node["@id"] for node in body["@graph"]]
    assert ids[0] == TASK.value and ids[1:] == sorted(ids[1:])  # the main node first


def test_documents_round_trip_through_pyld_and_pyoxigraph() -> None:
    body = document(SAMPLE, derive_context(SAMPLE))
    assert isinstance(body["@context"], dict)  # embedded: the terms the triples use
    by_pyld, by_oxigraph = read_back(body)
    assert by_pyld == set(SAMPLE) == by_oxigraph


def test_values_a_context_cannot_write_fall_back_to_value_objects() -> None:
    """A context made for other triples (a link where it expects text, a string where it expects
    a number) still gives a document with the same triples."""
    context = derive_context(SAMPLE)
    odd = [
        t(TASK, LABEL, ox.NamedNode(ID + "org/a")),
        t(TASK, LABEL, ox.Literal("2024", datatype=xsd("gYear"))),
        t(TASK, hn("taskNumber"), ox.Literal("x")),
        t(TASK, hn("taskList"), ox.Literal("2024", datatype=xsd("gYear"))),
        t(TASK, ox.NamedNode("https://e.x/unknown"), ox.Literal("?", language="en")),
    ]
    body = document([*SAMPLE, *odd], context)
    by_pyld, by_oxigraph = read_back(body)
    assert by_pyld == {*SAMPLE, *odd} == by_oxigraph
    task = next(node for node in body["@graph"] if node["@id"] == TASK.value)
    assert task["rdfs:label"] == [{"@id": ID + "org/a"}, {"@type": "xsd:gYear", "@value": "2024"}]
    assert task["hn:taskNumber"] == ["x"]


def test_output_does_not_depend_on_input_order() -> None:
    shuffled = SAMPLE[:]
    random.Random(7).shuffle(shuffled)
    assert dumps(document(shuffled, derive_context(shuffled))) == dumps(
        document(SAMPLE, derive_context(SAMPLE))
    )
