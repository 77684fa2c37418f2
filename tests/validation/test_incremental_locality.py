"""``hngraph.validation.incremental.locality``: the project's shapes are local, global ones not."""

from __future__ import annotations

from pathlib import Path

import pytest
from rdflib import Graph

from hngraph.validation import load_shapes
from hngraph.validation.incremental.locality import Facts, prove
from hngraph.validation.incremental.parts import split_files

ROOT = Path(__file__).resolve().parents[2]
PREFIXES = """
@prefix sh: <http://www.w3.org/ns/shacl#> .
@prefix hn: <https://w3id.org/hngraph/def/> .
@prefix ex: <http://example.org/shapes/> .
@prefix org: <http://www.w3.org/ns/org#> .
@prefix dcterms: <http://purl.org/dc/terms/> .
@prefix void: <http://rdfs.org/ns/void#> .
"""


@pytest.fixture(scope="module")
def facts() -> Facts:
    """What the committed dataset's parts say about their predicates."""
    split = split_files([ROOT / "data" / "dataset" / "hngraph.ttl"])
    shared: dict[str, set[str]] = {}
    lists: dict[str, set[str]] = {}
    for part in [split.shared, *split.lists]:
        target = shared if part.slug is None else lists
        for predicate, kinds in part.parse().summary.objects.items():
            target.setdefault(predicate, set()).update(kinds)
    return Facts(
        {p: frozenset(k) for p, k in shared.items()}, {p: frozenset(k) for p, k in lists.items()}
    )


def shapes(text: str) -> Graph:
    return Graph().parse(data=PREFIXES + text, format="turtle")


def test_the_project_shapes_are_local_on_the_dataset(facts: Facts) -> None:
    verdict = prove(load_shapes(), facts)
    assert verdict.local, verdict.reasons


def test_a_uniqueness_over_the_whole_dataset_is_global(facts: Facts) -> None:
    """Two lists with the same title: the constraint must see both lists."""
    verdict = prove(
        shapes(
            """
            ex:TitleUnique a sh:NodeShape ; sh:targetClass hn:TaskList ;
                sh:sparql [ sh:select '''
                    SELECT $this WHERE {
                        $this <http://purl.org/dc/terms/title> ?t .
                        ?other <http://purl.org/dc/terms/title> ?t .
                        FILTER (?other != $this)
                    }''' ] .
            """
        ),
        facts,
    )
    assert not verdict.local
    assert any("TitleUnique" in r and "another list" in r for r in verdict.reasons)


def test_the_same_uniqueness_within_a_list_is_local(facts: Facts) -> None:
    verdict = prove(
        shapes(
            """
            ex:TitleUniqueInList a sh:NodeShape ; sh:targetClass hn:Task ;
                sh:sparql [ sh:select '''
                    SELECT $this WHERE {
                        $this <https://w3id.org/hngraph/def/taskList> ?list ;
                            <https://w3id.org/hngraph/def/text> ?t .
                        ?other <https://w3id.org/hngraph/def/taskList> ?list ;
                            <https://w3id.org/hngraph/def/text> ?t .
                        FILTER (?other != $this)
                    }''' ] .
            """
        ),
        facts,
    )
    assert verdict.local, verdict.reasons


def test_an_inverse_path_from_a_shared_node_into_the_lists_is_global(facts: Facts) -> None:
    """How many tasks an organisation leads depends on every list."""
    verdict = prove(
        shapes(
            """
            ex:LeadsFew a sh:PropertyShape ; sh:targetClass org:Organization ;
                sh:path [ sh:inversePath hn:leadDepartment ] ; sh:maxCount 5 .
            """
        ),
        facts,
    )
    assert not verdict.local
    assert any("LeadsFew (shared part)" in r for r in verdict.reasons)


def test_following_the_dataset_into_its_lists_is_global(facts: Facts) -> None:
    verdict = prove(
        shapes(
            """
            ex:PartsAreLists a sh:PropertyShape ; sh:targetClass void:Dataset ;
                sh:path dcterms:hasPart ; sh:class hn:TaskList .
            """
        ),
        facts,
    )
    assert not verdict.local
    assert any("PartsAreLists (shared part)" in r for r in verdict.reasons)


def test_what_is_not_analysed_is_not_local(facts: Facts) -> None:
    verdict = prove(
        shapes(
            """
            ex:Counted a sh:NodeShape ; sh:targetClass hn:TaskList ;
                sh:sparql [ sh:select '''
                    SELECT $this WHERE {
                        ?task <https://w3id.org/hngraph/def/taskList> $this .
                    } GROUP BY $this HAVING (COUNT(?task) > 100)''' ] .
            """
        ),
        facts,
    )
    assert not verdict.local
    assert any("not analysed" in r for r in verdict.reasons)


def test_a_list_node_that_shared_triples_point_to_is_not_read_through_them(facts: Facts) -> None:
    """A variable predicate limited by FILTER … IN to predicates that never reach a list."""
    verdict = prove(
        shapes(
            """
            ex:Mapped a sh:NodeShape ; sh:targetSubjectsOf dcterms:title ;
                sh:sparql [ sh:select '''
                    SELECT $this ?value WHERE {
                        $this ?p ?value .
                        FILTER (?p IN (<http://www.w3.org/2004/02/skos/core#exactMatch>))
                        FILTER NOT EXISTS { ?value a ?kind }
                    }''' ] .
            """
        ),
        facts,
    )
    assert verdict.local, verdict.reasons
    unlimited = prove(
        shapes(
            """
            ex:Any a sh:NodeShape ; sh:targetSubjectsOf dcterms:title ;
                sh:sparql [ sh:select '''
                    SELECT $this ?value WHERE {
                        $this ?p ?value .
                        FILTER NOT EXISTS { ?value a ?kind }
                    }''' ] .
            """
        ),
        facts,
    )
    assert not unlimited.local  # the dataset node's dcterms:hasPart leads into every list
