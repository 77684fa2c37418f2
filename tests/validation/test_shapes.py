"""Every SHACL rule against its fixtures: valid graphs give no result, each invalid graph gives
exactly the results recorded beside it (severity, focus node, path, value with its lexical form,
source shape, constraint component; the format of ``hngraph.validation.compare``).

All fixtures run on the default engine (Oxigraph). One fixture per SPARQL-based shape also runs
on rdflib, showing that the queries mean the same on two SPARQL engines (rdflib re-parses every
query for every focus node, about 1 s a fixture, so not every fixture runs twice).
"""

from __future__ import annotations

from pathlib import Path

import pytest
from rdflib import URIRef
from rdflib.namespace import RDF, SH

from hngraph.rdf.read import read_graph
from hngraph.validation import load_shapes, validate
from hngraph.validation.compare import read_expected, result_rows, term_text

ROOT = Path(__file__).resolve().parents[2]
SHAPES = ROOT / "ontology" / "shapes.ttl"  # the core shapes; shapes-knowledge.ttl has its own tests
FIXTURES = ROOT / "tests" / "fixtures" / "shapes"
VALID = sorted((FIXTURES / "valid").glob("*.ttl"))
INVALID = sorted((FIXTURES / "invalid").glob("*.ttl"))


@pytest.fixture(scope="module")
def shapes():
    return load_shapes(SHAPES)


def expected(path: Path) -> dict:
    """The reviewed results beside a fixture (format: ``hngraph.validation.compare``)."""
    return read_expected(path.with_suffix(".expected.json"))


# One fixture per SPARQL-based shape (plus ill-typed numbers and a valid list): run on rdflib too.
CROSS_CHECK = {
    "collective-supports",
    "concept-placement",
    "lead-disagrees",
    "measure-number-duplicate",
    "measure-number-gap",
    "ontology-term-not-defined-by",
    "rank-duplicate",
    "rank-gap",
    "responsibility-rank-ill-typed",
    "task-number-duplicate",
    "task-text-join-length",
    "task-text-join-part",
    "task-text-join-separator",
}


def cases(paths: list[Path]) -> list:
    """(path, engine) pairs: every fixture on Oxigraph, the cross-check ones on rdflib too."""
    return [
        pytest.param(path, engine, id=f"{path.stem}-{engine}")
        for path in paths
        for engine in ("oxigraph", "rdflib")
        if engine == "oxigraph" or path.stem in CROSS_CHECK
    ]


def test_fixture_counts():
    assert {path.stem for path in VALID + INVALID} >= CROSS_CHECK
    assert len(VALID) == 5
    assert len(INVALID) == 73
    assert all(path.with_suffix(".expected.json").is_file() for path in INVALID)
    assert len(list((FIXTURES / "invalid").glob("*.expected.json"))) == len(INVALID)


@pytest.mark.parametrize(("path", "engine"), cases(VALID))
def test_valid_fixture_has_no_result(path, engine, shapes):
    report = validate(read_graph(path), shapes, engine=engine)
    assert report.results == ()
    assert report.conforms


@pytest.mark.parametrize(("path", "engine"), cases(INVALID))
def test_invalid_fixture_gives_exactly_its_results(path, engine, shapes):
    want = expected(path)
    report = validate(read_graph(path), shapes, engine=engine)
    actual = result_rows(report.results_graph)
    assert actual == want["results"], (
        f"only expected: {[r for r in want['results'] if r not in actual]}\n"
        f"only actual: {[r for r in actual if r not in want['results']]}"
    )
    assert len(report.results) == len(want["results"])
    assert report.conforms == want["conforms"]
    for result in report.results:
        assert result.message_zh and result.message_en
        assert result.message_zh != result.message_en  # the shape's own messages, both languages


def test_every_shape_has_an_invalid_fixture(shapes):
    declared = {
        term_text(shape)
        for kind in (SH.NodeShape, SH.PropertyShape)
        for shape in shapes.subjects(RDF.type, kind)
        if isinstance(shape, URIRef)
    }
    covered = {row["sourceShape"] for path in INVALID for row in expected(path)["results"]}
    assert declared - covered == set()
    assert covered <= declared
