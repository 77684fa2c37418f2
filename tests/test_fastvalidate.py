"""``hngraph.fastvalidate`` gives exactly plain pySHACL's results, on every shapes fixture and on a
synthetic corpus with injected violations; plus the SPARQL rewrites it relies on."""

from __future__ import annotations

import importlib.util
import subprocess
import sys
from pathlib import Path

import pytest
from rdflib import Graph

from hngraph import fastvalidate, shaclscreen
from hngraph.validate import load_shapes, read_graph, validate

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = sorted((ROOT / "tests" / "fixtures" / "shapes").rglob("*.ttl"))


def _generate():
    """``bench/generate.py`` as a module (bench/ is not a package)."""
    if "bench_generate" not in sys.modules:
        path = ROOT / "bench" / "generate.py"
        spec = importlib.util.spec_from_file_location("bench_generate", path)
        assert spec is not None and spec.loader is not None
        module = importlib.util.module_from_spec(spec)
        sys.modules["bench_generate"] = module
        spec.loader.exec_module(module)
    return sys.modules["bench_generate"]


@pytest.fixture(scope="module")
def shapes() -> Graph:
    return load_shapes()  # every shapes*.ttl of the project, as `hngraph validate` uses


def results(report) -> set[tuple]:
    return {
        (
            r.severity,
            r.focus_node,
            r.result_path,
            r.value,
            r.source_shape,
            r.constraint_component,
            r.message_zh,
            r.message_en,
        )
        for r in report.results
    }


def assert_same(data: Graph, shapes: Graph, path: Path | None = None) -> None:
    plain = validate(data, shapes, engine="rdflib")
    fast = fastvalidate.validate_fast([path] if path else data, shapes, jobs=2)
    assert fast.conforms == plain.conforms
    only_plain = results(plain) - results(fast)
    only_fast = results(fast) - results(plain)
    assert not only_plain and not only_fast, f"only plain: {only_plain}\nonly fast: {only_fast}"
    assert len(fast.results) == len(plain.results)


def test_there_are_fixtures() -> None:
    assert len(FIXTURES) >= 70


@pytest.mark.parametrize("path", FIXTURES, ids=lambda p: f"{p.parent.name}/{p.stem}")
def test_same_results_as_plain_pyshacl_on_fixture(path: Path, shapes: Graph) -> None:
    assert_same(read_graph(path), shapes, path)


@pytest.fixture(scope="module")
def corpus(tmp_path_factory) -> Path:
    """Two synthetic lists, built into one dataset."""
    folder = tmp_path_factory.mktemp("corpus")
    sources = _generate().write_corpus(folder, 2, project=ROOT)
    out = folder / "out"
    argv = [sys.executable, "-m", "hngraph", "build", "--out", str(out)]
    for source in sources:
        argv += ["--source", str(source.relative_to(folder))]
    subprocess.run(argv, cwd=folder, check=True, capture_output=True)
    return out / "hngraph.ttl"


def test_same_results_on_valid_corpus(corpus: Path, shapes: Graph) -> None:
    stats: dict = {}
    report = fastvalidate.validate_fast([corpus], shapes, stats=stats)
    assert report.conforms and not report.results
    assert stats["suspects"] == 0 and "fallback" not in stats
    # plain pySHACL finds nothing either: test_bench.py::test_two_list_corpus_builds_and_conforms


@pytest.mark.parametrize("count", [2, 8])
def test_same_results_with_injected_violations(corpus: Path, shapes: Graph, count, tmp_path):
    data = read_graph(corpus)
    broken = _generate().inject_violations(data, seed=count, count=count)
    assert len(broken) == count
    path = tmp_path / "broken.nt"
    data.serialize(path, format="nt", encoding="utf-8")
    stats: dict = {}
    fast = fastvalidate.validate_fast([path], shapes, stats=stats)
    assert "fallback" not in stats
    assert 0 < stats["suspects"] < 100  # pySHACL ran on a few nodes, not on everything
    assert not fast.conforms
    assert_same(data, shapes, path)


def test_not_exists_becomes_a_left_join() -> None:
    query = "SELECT $this WHERE { $this <p> ?v . FILTER NOT EXISTS { $this <q> ?v } }"
    rewritten = shaclscreen._not_exists_as_optional(query)
    assert "NOT EXISTS" not in rewritten
    assert "OPTIONAL {  $this <q> ?v  BIND (true AS ?_absent1) } FILTER (!BOUND(?_absent1))" in (
        rewritten
    )


def test_nested_not_exists_is_left_alone() -> None:
    query = "SELECT $this WHERE { $this <p> ?v . FILTER NOT EXISTS { { $this <q> ?v } } }"
    assert shaclscreen._not_exists_as_optional(query) == query


def test_prebinding_puts_the_focus_in_every_plain_group() -> None:
    query = (
        "SELECT $this WHERE { { $this <p> ?v } UNION { FILTER (?x = '{') } OPTIONAL { ?a <b> ?c } }"
    )
    bound = shaclscreen._prebind(query, "?this a <C> .")
    assert bound.count("?this a <C> .") == 3  # WHERE, both UNION branches; not OPTIONAL


def test_prebinding_refuses_sub_selects() -> None:
    with pytest.raises(shaclscreen.Unsupported):
        shaclscreen._prebind("SELECT $this WHERE { { SELECT ?x WHERE { ?x <p> ?y } } }", "")


def test_uncorrelated_exists_becomes_a_guard() -> None:
    query = "SELECT $this WHERE { $this <p> ?v . FILTER EXISTS { ?a <q> $this } }"
    rest, guards = shaclscreen._uncorrelated_exists(shaclscreen._substituted(query))
    assert "EXISTS" not in rest
    assert guards == [f" ?a <q> {shaclscreen.THIS} "]
