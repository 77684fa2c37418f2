"""``hngraph.validation.fast`` gives exactly plain pySHACL's results (rdflib graph, whole data).

Compared: every shapes fixture (core and knowledge layer) with plain pySHACL run here, and a
synthetic two-list corpus with 2, 8 and 60 injected violations with plain pySHACL's reviewed
golden results (``tests/fixtures/corpus/``: plain pySHACL takes minutes there; regenerate with
``python scripts/validation_golden.py --only corpus``), through each route of the confirmation
(small extracted stores in one or many batches, and the big store itself), the routes also with
the report's context (task, measure, department). Plus the SPARQL rewrites of the screen and the
reach analysis it relies on.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
from rdflib import Graph, URIRef
from rdflib.compare import isomorphic

from hngraph.rdf.read import read_graph
from hngraph.validation import load_shapes, validate
from hngraph.validation.compare import read_expected, result_rows
from hngraph.validation.fast import engine as fastvalidate
from hngraph.validation.fast import reach as shaclreach
from hngraph.validation.fast import screen as shaclscreen

ROOT = Path(__file__).resolve().parents[3]
FIXTURES = sorted((ROOT / "tests" / "fixtures" / "shapes").rglob("*.ttl"))
FIXTURES += sorted((ROOT / "tests" / "fixtures" / "shapes-knowledge").rglob("*.ttl"))


sys.path.insert(0, str(ROOT / "scripts"))
import validation_golden as golden  # noqa: E402


@pytest.fixture(scope="module")
def shapes() -> Graph:
    return load_shapes()  # every shapes*.ttl of the project, as `hngraph validate` uses


def results(report) -> list[tuple]:
    """Every field of every result, context included, in report order."""
    return [
        (
            r.severity,
            r.focus_node,
            r.result_path,
            r.value,
            r.source_shape,
            r.constraint_component,
            r.message_zh,
            r.message_en,
            r.rule_zh,
            r.rule_en,
            r.task_list,
            r.task_number,
            r.measure_number,
            r.department,
        )
        for r in report.results
    ]


def assert_same(plain, fast) -> None:
    """Same results, field by field and in the same order; the same SHACL results graph."""
    assert fast.conforms == plain.conforms
    only_plain = set(results(plain)) - set(results(fast))
    only_fast = set(results(fast)) - set(results(plain))
    assert not only_plain and not only_fast, f"only plain: {only_plain}\nonly fast: {only_fast}"
    assert results(fast) == results(plain)
    assert isomorphic(fast.results_graph, plain.results_graph)


def test_there_are_fixtures() -> None:
    assert len(FIXTURES) == 101  # 78 core, 23 knowledge-layer


@pytest.mark.parametrize("path", FIXTURES, ids=lambda p: f"{p.parent.parent.name}/{p.stem}")
def test_same_results_as_plain_pyshacl_on_fixture(path: Path, shapes: Graph) -> None:
    plain = validate(read_graph(path), shapes, engine="rdflib")
    fast = fastvalidate.validate_fast([path], shapes, jobs=2)
    assert_same(plain, fast)
    assert not fast.fallbacks  # the project's shapes need no fallback


@pytest.fixture(scope="module")
def corpus(tmp_path_factory) -> Path:
    """Two synthetic lists, built into one dataset, as N-Triples."""
    return golden.build_corpus(tmp_path_factory.mktemp("corpus"))


def test_same_results_on_valid_corpus(corpus: Path, shapes: Graph) -> None:
    stats: dict = {}
    report = fastvalidate.validate_fast([corpus], shapes, stats=stats)
    assert report.conforms and not report.results
    assert stats["suspects"] == 0 and not report.fallbacks
    # plain pySHACL finds nothing either: test_bench.py::test_two_list_corpus_builds_and_conforms


@pytest.fixture(scope="module")
def broken(corpus: Path, tmp_path_factory) -> dict[int, tuple[Path, dict]]:
    """The corpus with 2, 8 and 60 injected violations, and plain pySHACL's golden results."""
    folder = tmp_path_factory.mktemp("broken")
    found = {}
    for count in golden.COUNTS:
        expected = read_expected(golden.CORPUS / f"broken-{count}.expected.json")
        found[count] = (golden.broken_corpus(corpus, folder, count), expected)
    return found


def assert_golden(expected: dict, fast) -> None:
    """The fast report has exactly the golden results (plain pySHACL's), in any order."""
    rows = result_rows(fast.results_graph)
    assert rows == expected["results"], (
        f"only golden: {[r for r in expected['results'] if r not in rows]}\n"
        f"only fast: {[r for r in rows if r not in expected['results']]}"
    )
    assert len(fast.results) == len(rows)
    assert fast.conforms == expected["conforms"]


@pytest.fixture(scope="module")
def fast_reports(broken, shapes: Graph) -> dict[int, object]:
    """The fast engine's report on each broken corpus, by the default route."""
    return {
        count: fastvalidate.validate_fast([path], shapes) for count, (path, _) in broken.items()
    }


@pytest.mark.parametrize("count", [2, 8, 60])
def test_same_results_with_injected_violations(broken, shapes: Graph, count: int) -> None:
    path, expected = broken[count]
    stats: dict = {}
    fast = fastvalidate.validate_fast([path], shapes, stats=stats)
    assert not fast.fallbacks
    # pySHACL ran on a few nodes, not on everything: one per injected violation (60 violations
    # hit 56 distinct focus nodes), giving 3, 11 and 91 results
    assert stats["suspects"] == {2: 2, 8: 8, 60: 56}[count]
    assert stats["extracted"] < stats["triples"] / 4  # in small stores, not the whole data
    assert not fast.conforms
    assert len(fast.results) == len(expected["results"]) == {2: 3, 8: 11, 60: 91}[count]
    assert_golden(expected, fast)
    if count == 60:  # the context was found for each kind of focus node
        assert {r.task_number for r in fast.results} > {None}
        assert {r.measure_number for r in fast.results} > {None}
        assert {r.department for r in fast.results} > {None}


def test_many_batches_give_the_same_results(broken, fast_reports, shapes, monkeypatch) -> None:
    path, expected = broken[60]
    monkeypatch.setattr(fastvalidate, "BATCH", 7)
    stats: dict = {}
    fast = fastvalidate.validate_fast([path], shapes, stats=stats)
    assert stats["batches"] == 8  # 56 suspects, 7 at a time
    assert_golden(expected, fast)
    assert_same(fast_reports[60], fast)


def test_store_backed_confirmation_gives_the_same_results(
    broken, fast_reports, shapes, monkeypatch
) -> None:
    """Extractions over the limit: each shape runs on the whole store, on its suspects only."""
    path, expected = broken[60]
    monkeypatch.setattr(fastvalidate, "EXTRACT_LIMIT", 1)
    stats: dict = {}
    fast = fastvalidate.validate_fast([path], shapes, stats=stats)
    # the shapes with suspects: every extraction passed the limit
    assert [f.route for f in fast.fallbacks] == [fastvalidate.DIRECT] * 8
    assert all(f.reason.startswith("extraction too big") for f in fast.fallbacks)
    assert_golden(expected, fast)
    assert_same(fast_reports[60], fast)


def test_unanalysed_shapes_run_on_the_store(broken, fast_reports, shapes, monkeypatch) -> None:
    path, expected = broken[8]

    def refuse(shapes_graph, shape):
        raise shaclscreen.Unsupported("refused by the test")

    monkeypatch.setattr(fastvalidate, "compile_reach", refuse)
    stats: dict = {}
    fast = fastvalidate.validate_fast([path], shapes, stats=stats)
    assert_golden(expected, fast)
    assert_same(fast_reports[8], fast)
    assert fast.fallbacks and {f.route for f in fast.fallbacks} == {fastvalidate.DIRECT}
    assert all("refused by the test" in f.reason for f in fast.fallbacks)
    assert all(f.shape.startswith("<https://w3id.org/hngraph/shapes/") for f in fast.fallbacks)


def test_unknown_shapes_validate_everything_on_the_store(
    broken, fast_reports, shapes, monkeypatch
) -> None:
    path, expected = broken[2]

    def refuse(*args, **kwargs):
        raise shaclscreen.Unsupported("refused by the test")

    monkeypatch.setattr(fastvalidate, "compile_shapes", refuse)
    stats: dict = {}
    fast = fastvalidate.validate_fast([path], shapes, stats=stats)
    assert_golden(expected, fast)
    assert_same(fast_reports[2], fast)
    assert [str(f) for f in fast.fallbacks] == [
        f"the shapes: refused by the test; {fastvalidate.WHOLE}"
    ]


# ---------------------------------------------------------------------------------------------
# The reach analysis: what it must include, what it refuses
# ---------------------------------------------------------------------------------------------

EX = "http://example.org/"
PREFIXES = f"@prefix sh: <http://www.w3.org/ns/shacl#> .\n@prefix ex: <{EX}> .\n"


def _sparql_shape(select: str) -> Graph:
    text = PREFIXES + 'ex:S a sh:NodeShape ; sh:targetClass ex:C ; sh:sparql [ sh:select """\n'
    text += "PREFIX ex: <http://example.org/>\n" + select + '\n""" ] .\n'
    return Graph().parse(data=text, format="turtle")


def _extract(shapes: Graph, data: str, focus: str) -> set[tuple[str, str, str]]:
    import pyoxigraph as ox

    store = ox.Store()
    store.load(data.encode(), format=ox.RdfFormat.TURTLE)
    reach = shaclreach.compile_reach(shapes, URIRef(EX + "S"))
    triples = reach.extract(store, [ox.NamedNode(EX + focus)])
    return {(t.subject.value, t.predicate.value, t.object.value) for t in triples}


def test_optional_part_is_not_anchored_by_its_context() -> None:
    """An OPTIONAL match that contradicts the context removes the row: it must be extracted.

    Here ``?y ex:q 7`` makes the OPTIONAL bind ?v = 7, so the join with ``$this ex:r 5`` fails
    and there is no result; without that triple there would be one.
    """
    shapes = _sparql_shape(
        "SELECT $this WHERE { { $this ex:p ?x OPTIONAL { ?y ex:q ?v } } $this ex:r ?v }"
    )
    data = "@prefix ex: <http://example.org/> .\nex:a a ex:C ; ex:p ex:x ; ex:r 5 .\nex:y ex:q 7 ."
    found = _extract(shapes, data, "a")
    assert (EX + "y", EX + "q", "7") in found  # not reachable from ?v = 5
    assert (EX + "a", EX + "r", "5") in found


def test_join_sides_are_anchored_in_a_well_founded_order() -> None:
    """Each side could anchor ?x from the other; one of them must read it from $this."""
    shapes = _sparql_shape("SELECT $this WHERE { { ?x ex:p $this } { ?x ex:q $this } }")
    data = "@prefix ex: <http://example.org/> .\nex:a a ex:C .\nex:x ex:p ex:a ; ex:q ex:a ."
    found = _extract(shapes, data, "a")
    assert {(EX + "x", EX + "p", EX + "a"), (EX + "x", EX + "q", EX + "a")} <= found


def test_hubs_are_entered_forward_first() -> None:
    """`?h ex:org ?o` is read from the holders of this focus node, not from the organisation."""
    shapes = _sparql_shape(
        "SELECT $this WHERE { $this ex:lead ?o . "
        "FILTER NOT EXISTS { $this ex:holder ?h . ?h ex:org ?o } }"
    )
    data = "@prefix ex: <http://example.org/> .\nex:a a ex:C ; ex:lead ex:o ; ex:holder ex:h1 .\n"
    data += "ex:h1 ex:org ex:o .\n" + "".join(f"ex:z{i} ex:org ex:o .\n" for i in range(50))
    found = _extract(shapes, data, "a")
    assert (EX + "h1", EX + "org", EX + "o") in found
    assert not any(s.startswith(EX + "z") for s, _, _ in found)


@pytest.mark.parametrize(
    "select",
    [
        "SELECT $this WHERE { $this ex:p ?x . VALUES ?x { 1 } }",
        "SELECT $this WHERE { GRAPH ?g { $this ex:p ?x } }",
        "SELECT $this WHERE { $this ex:p ?x . ?a ?b ?c }",
        "SELECT $this WHERE { $this ex:p ?x . ?a ex:q* ?c }",
        "SELECT $this WHERE { $this ex:p ?x } LIMIT 1",
    ],
)
def test_what_the_reach_analysis_refuses(select: str) -> None:
    with pytest.raises(shaclscreen.Unsupported):
        _extract(_sparql_shape(select), "@prefix ex: <http://example.org/> .", "a")


def test_extractions_have_a_limit(corpus: Path, shapes: Graph) -> None:
    import pyoxigraph as ox

    store = fastvalidate.load_store([corpus])
    shape = URIRef("https://w3id.org/hngraph/shapes/core/TaskListTaskShape")
    reach = shaclreach.compile_reach(shapes, shape)
    query = "SELECT ?l WHERE { ?l a <https://w3id.org/hngraph/def/TaskList> }"
    lists = [row["l"] for row in store.query(query)]
    assert len(reach.extract(store, lists)) > 10
    with pytest.raises(shaclreach.TooBig):
        reach.extract(store, lists, limit=10)
    assert isinstance(lists[0], ox.NamedNode)


# ---------------------------------------------------------------------------------------------
# The screen's SPARQL rewrites
# ---------------------------------------------------------------------------------------------


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


def test_a_property_shape_is_screened_in_one_query(shapes: Graph) -> None:
    plan = shaclscreen.compile_shapes(shapes)
    rank = [c for c in plan.checks if str(c.shape).endswith("/ResponsibilityRankShape")]
    assert [c.component for c in rank] == ["datatype+maxCount+minCount+minInclusive"]


@pytest.mark.parametrize(
    "declaration",
    [
        "ex:Component a sh:ConstraintComponent .",
        "ex:Kind rdfs:subClassOf sh:ConstraintComponent . ex:Component a ex:Kind .",
        "ex:Component sh:parameter [ sh:path ex:limit ] .",
    ],
    ids=["typed", "sub-classed", "parameter"],
)
def test_custom_constraint_components_are_refused(declaration: str) -> None:
    """The screen and the reach know only SHACL's own parameters: validate the plain way."""
    shapes = _sparql_shape("SELECT $this WHERE { $this ex:p ?x }")
    rdfs = "@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .\n"
    shapes.parse(data=PREFIXES + rdfs + declaration, format="turtle")
    with pytest.raises(shaclscreen.Unsupported):
        shaclscreen.compile_shapes(shapes)
    with pytest.raises(shaclscreen.Unsupported):
        shaclreach.compile_reach(shapes, URIRef(EX + "S"))
