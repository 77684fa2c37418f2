"""The query catalogue: documented, safe, and right on every backend.

Expected rows come from ``tests/expected/oracle.py`` (parsed records + curated data, no
SPARQL); each query runs on the embedded store, rdflib and a real Oxigraph server.
"""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

from hngraph.catalogue import (
    CatalogueError,
    ParameterError,
    check_iri,
    get_query,
    load_catalogue,
    load_query,
)
from hngraph.store import Store, literal

ROOT = Path(__file__).resolve().parent.parent
QUERY_FILES = sorted((ROOT / "queries").glob("*.rq"))
NAMES = [path.stem for path in QUERY_FILES]
CATALOGUE_SIZE = 34
FIXED_COLUMNS = {
    "department-workload": [
        "department",
        "name_zh",
        "lead_count",
        "supporting_count",
        "total_count",
    ],
    "co-responsibility": ["department_a", "name_a_zh", "department_b", "name_b_zh", "shared_tasks"],
    "never-lead": ["department", "name_zh", "supporting_count"],
    "tasks-by-department": ["task_number", "role", "text_zh"],
}
REQUIRED = (
    "department-workload",
    "co-responsibility",
    "never-lead",
    "tasks-by-department",
    "task-detail",
    "local-government-tasks",
    "search-measures",
)


def _load_oracle() -> ModuleType:
    spec = importlib.util.spec_from_file_location(
        "hngraph_test_oracle", Path(__file__).parent / "expected" / "oracle.py"
    )
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up
    spec.loader.exec_module(module)
    return module


oracle = _load_oracle()


@pytest.fixture(scope="module")
def world(project_root: Path) -> Any:
    return oracle.World(project_root)


@pytest.fixture(scope="module")
def catalogue() -> dict:
    return load_catalogue(ROOT / "queries")


def test_catalogue_size(catalogue: dict) -> None:
    assert len(QUERY_FILES) == CATALOGUE_SIZE
    assert len(catalogue) == CATALOGUE_SIZE
    assert set(REQUIRED) <= set(catalogue)


def test_every_query_has_an_independent_expectation(catalogue: dict) -> None:
    assert sorted(oracle.EXPECTED) == sorted(catalogue)


@pytest.mark.parametrize("name", sorted(FIXED_COLUMNS))
def test_fixed_columns(catalogue: dict, name: str) -> None:
    assert list(catalogue[name].column_names) == FIXED_COLUMNS[name]


@pytest.mark.parametrize("name", NAMES)
def test_query_is_documented(catalogue: dict, name: str) -> None:
    query = catalogue[name]
    assert query.form == "SELECT"
    assert query.summary and query.description and query.tags
    assert all(column.description for column in query.columns)
    for parameter in query.parameters:
        assert parameter.description and parameter.example
    assert "ORDER BY" in query.text, "every catalogue query orders its rows"


@pytest.mark.parametrize("name", NAMES)
def test_expected_results(any_store: Store, world: Any, catalogue: dict, name: str) -> None:
    query = catalogue[name]
    values = query.example_values()
    result = query.run(any_store, values)
    assert list(result.columns) == list(query.column_names)
    expected = oracle.EXPECTED[name](world, values)
    assert expected, f"{name}: the example should return rows"
    assert list(result.rows) == expected


def test_department_workload_matches_the_done_criteria(embedded_store: Store, world: Any) -> None:
    result = get_query("department-workload", ROOT / "queries").run(embedded_store)
    assert len(result.rows) == len({listing.org for listing in world.listings}) == 21
    assert sum(int(row[2].value) for row in result.rows) == 30


@pytest.mark.parametrize(
    "value",
    [
        "https://w3id.org/hngraph/id/org/x> } ; DROP ALL ; { <x",
        "https://w3id.org/hngraph/id/org/a b",
        "https://w3id.org/hngraph/id/org/{x}",
        'https://w3id.org/hngraph/id/org/"x"',
        "https://w3id.org/hngraph/id/org/'x'",
        "hngraph/id/org/hunan-finance-department",
        "urn:x:y",
        "file:///etc/passwd",
        "javascript:alert(1)",
        "https://",
        "",
    ],
)
def test_bad_iri_parameters_are_refused(value: str) -> None:
    query = get_query("tasks-by-department", ROOT / "queries")
    with pytest.raises(ParameterError):
        query.bindings({"department": value})


def test_iri_check_accepts_absolute_http_iris() -> None:
    assert check_iri("x", "http://example.org/a#b") == "http://example.org/a#b"
    assert (
        check_iri("x", "https://w3id.org/hngraph/id/org/湖南")
        == "https://w3id.org/hngraph/id/org/湖南"
    )


def test_refused_before_any_store_is_touched() -> None:
    class Untouchable:
        def select(self, *args: object) -> None:
            raise AssertionError("the store must not be called")

    query = get_query("tasks-by-department", ROOT / "queries")
    with pytest.raises(ParameterError):
        query.run(Untouchable(), {"department": "https://x/a>"})  # type: ignore[arg-type]


@pytest.mark.parametrize("value", ["7.5", "seven", "1e3", " 7", "٣"])
def test_integer_parameters_are_checked(value: str) -> None:
    with pytest.raises(ParameterError):
        get_query("task-detail", ROOT / "queries").bindings({"task_number": value})


def test_missing_and_unknown_parameters(catalogue: dict) -> None:
    query = catalogue["tasks-by-department"]
    with pytest.raises(ParameterError, match=r"missing parameter.*department="):
        query.bindings({})
    with pytest.raises(ParameterError, match="unknown parameter dept"):
        query.bindings({"dept": "x", "department": "https://x.org/"})
    with pytest.raises(ParameterError, match="unknown parameter"):
        catalogue["department-workload"].bindings({"x": "1"})


@pytest.mark.parametrize(
    "payload", ['x" || true || "', "x') || true || ('", '"', "\\", '产教融合" } UNION { ?s ?p ?o']
)
def test_injection_payloads_return_no_rows(any_store: Store, catalogue: dict, payload: str) -> None:
    result = catalogue["search-measures"].run(any_store, {"text": payload})
    assert result.rows == ()


def test_search_text_is_bound_as_a_plain_string(catalogue: dict) -> None:
    bindings = catalogue["search-measures"].bindings({"text": 'x" || true || "'})
    assert bindings == {"_text_literal": literal('x" || true || "')}


def test_unknown_query_name_lists_the_catalogue() -> None:
    with pytest.raises(CatalogueError, match="department-workload"):
        get_query("no-such-query", ROOT / "queries")
    with pytest.raises(CatalogueError):
        get_query("../pyproject", ROOT / "queries")


HEADER = """#+ summary: s
#+ description: d
#+ tags:
#+   - t
"""


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            "#+ description: d\n#+ tags:\n#+   - t\n#+ columns:\n#+   - a: x\n"
            "SELECT ?a {} ORDER BY ?a",
            "lacks summary",
        ),
        (HEADER + "#+ columns:\n#+   - b: x\nSELECT ?a {} ORDER BY ?a", "do not match"),
        (
            HEADER + "#+ columns:\n#+   - a: x\nSELECT ?a { ?a ?p ?_x_iri } ORDER BY ?a",
            "needs a line in #\\+ params",
        ),
        (
            HEADER + "#+ params:\n#+   - x: d\n#+ examples:\n#+   - x: https://a.org/\n"
            "#+ columns:\n#+   - a: x\nSELECT ?a { { SELECT ?a { ?a ?p ?_x_iri } } } ORDER BY ?a",
            "inside a sub-SELECT",
        ),
        (
            HEADER + "#+ params:\n#+   - x: d\n#+ examples:\n#+   - x: not-an-iri\n"
            "#+ columns:\n#+   - a: x\nSELECT ?a { ?a ?p ?_x_iri } ORDER BY ?a",
            "bad example",
        ),
        (
            HEADER + "#+ params:\n#+   - y: d\n#+ examples:\n#+   - y: 1\n"
            "#+ columns:\n#+   - a: x\nSELECT ?a { ?a ?p ?o } ORDER BY ?a",
            "unused parameters",
        ),
        (
            HEADER
            + "#+ columns:\n#+   - a: x\nSELECT ?a { SERVICE <http://127.0.0.1:9/> { ?a ?p ?o } }",
            "SERVICE is refused",
        ),
        (HEADER + "#+ columns:\n#+   - a: x\n#+ oops\nSELECT ?a {}", "cannot read the #\\+ header"),
    ],
)
def test_malformed_catalogue_files_are_refused(tmp_path: Path, text: str, message: str) -> None:
    path = tmp_path / "bad.rq"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(CatalogueError, match=message):
        load_query(path)


def test_docs_queries_page_is_in_step() -> None:
    from hngraph.docs_queries import main

    assert main(["--check"]) == 0, "run: python -m hngraph.docs_queries"
