"""SKOS quality of the concept schemes: skosify's checks, unique notations, reachable concepts.

skosify (PyPI) checks hierarchy cycles, disjoint relations (related vs. broader), hierarchical
redundancy, label overlap and one prefLabel per language; it logs what it finds, so a check passes
when it logs no warning. Notation uniqueness and reachability from a top concept are qSKOS-style
rules written here. Each rule has a failing example below.
"""

from __future__ import annotations

import logging
from pathlib import Path

import pytest
from rdflib import Graph, Literal, Namespace, URIRef
from rdflib.namespace import RDF, RDFS, SKOS
from skosify import check

ROOT = Path(__file__).resolve().parents[1]
ONTOLOGY = ROOT / "ontology"
EX = Namespace("https://example.org/vocab/")
#: Schemes whose content another change is rewriting; a failing rule there is known, not hidden.
KNOWN: dict[tuple[str, str], str] = {}  # (check, scheme) → why it fails, for known cases
SKOSIFY_CHECKS = {
    "hierarchy_cycles": lambda g: check.hierarchy_cycles(g, fix=False),
    "disjoint_relations": lambda g: check.disjoint_relations(g, fix=False),
    "hierarchical_redundancy": lambda g: check.hierarchical_redundancy(g, fix=False),
    "label_overlap": lambda g: check.label_overlap(g, fix=False),
    "preflabel_uniqueness": lambda g: check.preflabel_uniqueness(g, policy="shortest"),
}


def vocabularies() -> Graph:
    """Every vocabulary file, with each concept also typed skos:Concept (RDFS: hn:PolicyArea and
    the other concept classes are subclasses of skos:Concept), as skosify looks for that type."""
    graph = Graph()
    for path in sorted(ONTOLOGY.glob("*.ttl")):
        if not path.name.startswith("shapes"):
            graph.parse(path)
    kinds = {SKOS.Concept, *graph.transitive_subjects(RDFS.subClassOf, SKOS.Concept)}
    for kind in kinds:
        for concept in list(graph.subjects(RDF.type, kind)):
            graph.add((concept, RDF.type, SKOS.Concept))
    return graph


def schemes(graph: Graph) -> dict[str, URIRef]:
    return {
        str(s).rsplit("/", 1)[1]: s
        for s in graph.subjects(RDF.type, SKOS.ConceptScheme)
        if isinstance(s, URIRef)
    }


def skosify_warnings(graph: Graph, name: str, caplog: pytest.LogCaptureFixture) -> list[str]:
    copy = Graph()
    for triple in graph:
        copy.add(triple)
    caplog.clear()
    with caplog.at_level(logging.WARNING):
        SKOSIFY_CHECKS[name](copy)
    return [r.getMessage() for r in caplog.records if r.levelno >= logging.WARNING]


def duplicate_notations(graph: Graph, scheme: URIRef) -> list[str]:
    seen: dict[tuple[str, object], URIRef] = {}
    found = []
    for concept in sorted(graph.subjects(SKOS.inScheme, scheme)):
        for notation in graph.objects(concept, SKOS.notation):
            key = (str(notation), getattr(notation, "datatype", None))
            if key in seen and seen[key] != concept:
                found.append(f"{notation} on {seen[key]} and {concept}")
            seen.setdefault(key, concept)
    return found


def unreachable(graph: Graph, scheme: URIRef) -> set[URIRef]:
    """Concepts of ``scheme`` that no skos:narrower / inverse skos:broader path reaches from a
    top concept."""
    concepts = set(graph.subjects(SKOS.inScheme, scheme))
    tops = set(graph.objects(scheme, SKOS.hasTopConcept)) | set(
        graph.subjects(SKOS.topConceptOf, scheme)
    )
    reached = set(tops)
    frontier = list(tops)
    while frontier:
        concept = frontier.pop()
        below = set(graph.subjects(SKOS.broader, concept)) | set(
            graph.objects(concept, SKOS.narrower)
        )
        for child in below & concepts:
            if child not in reached:
                reached.add(child)
                frontier.append(child)
    return concepts - reached


@pytest.fixture(scope="module")
def graph() -> Graph:
    return vocabularies()


def test_the_vocabularies_have_their_schemes(graph: Graph) -> None:
    assert len(schemes(graph)) == 10  # the set cannot shrink silently
    assert len(set(graph.subjects(RDF.type, SKOS.Concept))) >= len(
        set(graph.subjects(SKOS.inScheme, None))
    )


#: Known failures of skosify's checks, with the reason (strict: a fix makes the test fail).
SKOSIFY_KNOWN: dict[str, str] = {}


@pytest.mark.parametrize(
    "name",
    [
        pytest.param(
            n,
            marks=[pytest.mark.xfail(reason=SKOSIFY_KNOWN[n], strict=True)]
            if n in SKOSIFY_KNOWN
            else [],
        )
        for n in sorted(SKOSIFY_CHECKS)
    ],
)
def test_skosify_finds_nothing(graph: Graph, name: str, caplog: pytest.LogCaptureFixture) -> None:
    assert skosify_warnings(graph, name, caplog) == []


SCHEMES = sorted(schemes(vocabularies()))


def _known(rule: str, scheme: str) -> list[pytest.MarkDecorator]:
    reason = KNOWN.get((rule, scheme))
    return [pytest.mark.xfail(reason=reason, strict=True)] if reason else []


@pytest.mark.parametrize(
    "scheme", [pytest.param(s, marks=_known("notations", s), id=s) for s in SCHEMES]
)
def test_notations_are_unique_within_each_scheme(graph: Graph, scheme: str) -> None:
    assert duplicate_notations(graph, schemes(graph)[scheme]) == []


@pytest.mark.parametrize(
    "scheme", [pytest.param(s, marks=_known("reachable", s), id=s) for s in SCHEMES]
)
def test_every_concept_is_reachable_from_a_top_concept(graph: Graph, scheme: str) -> None:
    assert unreachable(graph, schemes(graph)[scheme]) == set()


# --- failing examples --------------------------------------------------------------------------


def example() -> Graph:
    """A small scheme with one of each problem the rules look for."""
    g = Graph()
    g.add((EX.scheme, RDF.type, SKOS.ConceptScheme))
    for name in ("top", "a", "b", "c", "orphan"):
        g.add((EX[name], RDF.type, SKOS.Concept))
        g.add((EX[name], SKOS.inScheme, EX.scheme))
        g.add((EX[name], SKOS.prefLabel, Literal(name, lang="en")))
    g.add((EX.scheme, SKOS.hasTopConcept, EX.top))
    g.add((EX.a, SKOS.broader, EX.top))
    g.add((EX.b, SKOS.broader, EX.a))
    g.add((EX.b, SKOS.broader, EX.top))  # redundant: also reached through a
    g.add((EX.c, SKOS.broader, EX.b))
    g.add((EX.top, SKOS.broader, EX.c))  # a cycle top → … → c → top
    g.add((EX.a, SKOS.related, EX.b))  # related and broader at once
    g.add((EX.c, SKOS.altLabel, Literal("c", lang="en")))  # same as its prefLabel
    g.add((EX.c, SKOS.prefLabel, Literal("see", lang="en")))  # a second prefLabel@en
    g.add((EX.a, SKOS.notation, Literal("1")))
    g.add((EX.b, SKOS.notation, Literal("1")))
    return g


@pytest.mark.parametrize("name", sorted(SKOSIFY_CHECKS))
def test_skosify_catches_the_example(name: str, caplog: pytest.LogCaptureFixture) -> None:
    assert skosify_warnings(example(), name, caplog)


def test_the_qskos_rules_catch_the_example() -> None:
    g = example()
    assert len(duplicate_notations(g, EX.scheme)) == 1
    assert unreachable(g, EX.scheme) == {EX.orphan}
