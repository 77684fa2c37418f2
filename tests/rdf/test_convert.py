"""Term conversion between pyoxigraph and rdflib keeps every kind of term."""

from __future__ import annotations

import pyoxigraph as ox
import pytest
from rdflib import BNode, Literal, URIRef
from rdflib.namespace import XSD

from hngraph.rdf.convert import to_oxigraph, to_rdflib

TERMS = [
    URIRef("https://w3id.org/hngraph/id/org/湖南省教育厅"),
    BNode("b0"),
    Literal("湖南省", lang="zh"),
    Literal("Hunan", lang="en-GB"),
    Literal("7", datatype=XSD.integer),
    Literal("2022", datatype=XSD.gYear),
    Literal('a "quoted"\nline'),
]


@pytest.mark.parametrize("term", TERMS, ids=lambda term: term.n3())
def test_round_trip_keeps_the_term(term: object) -> None:
    assert to_rdflib(to_oxigraph(term)) == term


def test_xsd_string_becomes_a_plain_literal() -> None:
    typed = ox.Literal("x", datatype=ox.NamedNode(str(XSD.string)))
    assert to_rdflib(typed) == Literal("x")
    assert to_oxigraph(Literal("x")) == typed


def test_oxigraph_terms_pass_through() -> None:
    node = ox.NamedNode("https://example.org/a")
    assert to_oxigraph(node) is node
