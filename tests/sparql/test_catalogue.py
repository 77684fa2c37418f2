"""The query catalogue: documented, safe, and right on every backend.

Expected rows come from ``tests/expected/oracle.py`` (parsed records + curated data, no
SPARQL); each query runs on the embedded store, rdflib and a real Oxigraph server.
"""

from __future__ import annotations

import importlib.util
import subprocess
import sys
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

from hngraph.sparql.catalogue import (
    CatalogueError,
    ParameterError,
    check_iri,
    get_query,
    load_catalogue,
    load_query,
)
from hngraph.store import IRI, Store, literal

ROOT = Path(__file__).resolve().parents[2]
QUERY_FILES = sorted((ROOT / "queries").glob("*.rq"))
NAMES = [path.stem for path in QUERY_FILES]
CATALOGUE_SIZE = 34
FIXED_COLUMNS = {
    "department-workload": [
        "department",
        "name_zh",
        "name_en",
        "lead_count",
        "supporting_count",
        "total_count",
    ],
    "co-responsibility": [
        "department_a",
        "name_a_zh",
        "name_a_en",
        "department_b",
        "name_b_zh",
        "name_b_en",
        "shared_tasks",
    ],
    "never-lead": ["department", "name_zh", "name_en", "supporting_count"],
    "tasks-by-department": ["list", "task_number", "role", "text_zh"],
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
        "hngraph_test_oracle", Path(__file__).resolve().parents[1] / "expected" / "oracle.py"
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


def _grouped_subselects_without_having(text: str) -> int:
    """How many sub-SELECTs group (GROUP BY) without a HAVING clause."""
    from hngraph.sparql.text import check, tokens

    words = [t for t in tokens(check(text).text) if t.kind not in ("space", "comment")]
    depth, opened, found = 0, [], 0
    for index, token in enumerate(words):
        word = token.text.upper() if token.kind == "word" else ""
        if token.text == "{":
            depth += 1
        elif token.text == "}":
            depth -= 1
        elif word == "SELECT" and depth > 0:
            opened.append(depth)
        elif word == "GROUP" and opened and opened[-1] == depth:
            following = [w.text.upper() for w in words[index:]]
            closing = next(i for i, w in enumerate(following) if w == "}")
            found += "HAVING" not in following[:closing]
        if token.text == "}" and opened and depth < opened[-1]:
            opened.pop()
    return found


@pytest.mark.parametrize("name", NAMES)
def test_grouped_subselects_drop_the_empty_group(name: str) -> None:
    """rdflib turns an empty GROUP BY sub-select into one row with unbound keys, which then
    joins with everything; each such sub-select has a HAVING clause that drops it (e.g.
    ``HAVING (BOUND(?key))``), so all backends agree on data where the group is empty."""
    text = (ROOT / "queries" / f"{name}.rq").read_text(encoding="utf-8")
    assert _grouped_subselects_without_having(text) == 0


def test_the_empty_group_check_sees_a_missing_having() -> None:
    bad = "SELECT ?a ?n { { SELECT ?a (COUNT(*) AS ?n) { ?a ?p ?o } GROUP BY ?a } ?a ?q ?r }"
    good = bad.replace("GROUP BY ?a }", "GROUP BY ?a HAVING (BOUND(?a)) }")
    top = "SELECT ?a (COUNT(*) AS ?n) { ?a ?p ?o } GROUP BY ?a"
    assert [_grouped_subselects_without_having(t) for t in (bad, good, top)] == [1, 0, 0]


@pytest.mark.parametrize("name", NAMES)
def test_expected_results(any_store: Store, world: Any, catalogue: dict, name: str) -> None:
    query = catalogue[name]
    values = query.example_values()
    result = query.run(any_store, values)
    assert list(result.columns) == list(query.column_names)
    expected = oracle.EXPECTED[name](world, values)
    assert bool(expected) is (name not in EMPTY_ON_HUNAN), f"{name}: rows expected {name!r}"
    assert list(result.rows) == expected


# Queries whose answer on the Hunan data is empty, and why (checked: the oracle agrees).
EMPTY_ON_HUNAN = {
    "uncovered-national-measures": "every part of the national plan has a linked Hunan task",
}


OPTIONAL_NAMES = sorted(
    name
    for name in NAMES
    if any(p.optional for p in load_query(ROOT / "queries" / f"{name}.rq").parameters)
)


@pytest.mark.parametrize("name", OPTIONAL_NAMES)
def test_expected_results_with_optional_parameters(
    any_store: Store, world: Any, catalogue: dict, name: str
) -> None:
    query = catalogue[name]
    values = query.example_values(optional=True)
    assert set(values) > set(query.example_values())
    result = query.run(any_store, values)
    expected = oracle.EXPECTED[name](world, values)
    assert bool(expected) is (name not in EMPTY_ON_HUNAN), f"{name}: rows expected {name!r}"
    assert list(result.rows) == expected


# Queries whose answer on the Hunan data is empty, and why (checked: the oracle agrees).
EMPTY_ON_HUNAN = {
    "uncovered-national-measures": "every part of the national plan has a linked Hunan task",
}


def test_department_workload_matches_the_done_criteria(embedded_store: Store, world: Any) -> None:
    result = get_query("department-workload", ROOT / "queries").run(embedded_store)
    assert len(result.rows) == len({listing.org for listing in world.listings}) == 21
    assert sum(int(row[3].value) for row in result.rows) == 30


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


def test_optional_parameters(catalogue: dict) -> None:
    query = catalogue["tasks-by-department"]
    (required, optional) = query.parameters
    assert (required.name, required.optional) == ("department", False)
    assert (optional.name, optional.variable, optional.optional) == ("list", "__list_iri", True)
    assert query.example_values() == {"department": required.example}
    assert query.example_values(optional=True) == {
        "department": required.example,
        "list": optional.example,
    }
    department = {"department": required.example}
    assert set(query.bindings(department)) == {"_department_iri"}  # left unbound
    hunan = "https://w3id.org/hngraph/id/list/hunan-vet-reform"
    assert query.bindings({**department, "list": hunan})["__list_iri"] == IRI(hunan)
    with pytest.raises(ParameterError, match="not allowed in an IRI"):
        query.bindings({**department, "list": hunan + "> } ; DROP ALL ; { <x"})
    with pytest.raises(ParameterError, match=r"missing parameter, e\.g\. --param department=\S+$"):
        query.bindings({"list": hunan})


def test_an_optional_parameter_left_out_matches_every_list(
    any_store: Store, catalogue: dict
) -> None:
    query = catalogue["task-size"]
    every = query.run(any_store).rows
    hunan = "https://w3id.org/hngraph/id/list/hunan-vet-reform"
    assert len(every) == 30
    assert query.run(any_store, {"list": hunan}).rows == every
    assert query.run(any_store, {"list": "https://w3id.org/hngraph/id/list/x"}).rows == ()


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


def test_unknown_query_name_suggests_the_nearest_not_all() -> None:
    with pytest.raises(CatalogueError, match="did you mean department-workload"):
        get_query("departmnt-workload", ROOT / "queries")
    with pytest.raises(CatalogueError, match=r"hngraph query --list` shows all$"):
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
            HEADER + "#+ params:\n#+   - y: d\n#+ examples:\n#+   - y: '1'\n"
            "#+ columns:\n#+   - a: x\nSELECT ?a { ?a ?p ?o } ORDER BY ?a",
            "unused parameters",
        ),
        (
            HEADER
            + "#+ columns:\n#+   - a: x\nSELECT ?a { SERVICE <http://127.0.0.1:9/> { ?a ?p ?o } }",
            "SERVICE is refused",
        ),
        (
            HEADER + "#+ columns:\n#+   - a: x\n#+ oops\nSELECT ?a {}",
            r"^bad\.rq: line 7: the #\+ header is not valid YAML",
        ),
        (
            "#+ summary: Workload: tasks led\n"
            + HEADER[HEADER.index("#+ desc") :]
            + "#+ columns:\n#+   - a: x\nSELECT ?a {} ORDER BY ?a",
            r"^bad\.rq: line 1: the #\+ header is not valid YAML .*quote a value",
        ),
        (
            HEADER + "#+ summary: again\n#+ columns:\n#+   - a: x\nSELECT ?a {} ORDER BY ?a",
            r"^bad\.rq: line 5: #\+ summary appears twice",
        ),
        (
            HEADER + "#+ params:\n#+   - n: d\n#+ examples:\n#+   - n: 7\n"
            "#+ columns:\n#+   - a: x\nSELECT ?a { ?a ?p ?_n_integer } ORDER BY ?a",
            r"^bad\.rq: line 7: #\+ examples - n: YAML reads this value as a number.*quote it",
        ),
        (
            HEADER + "#+ columns:\n#+   - a: x\n#+ tags: t\nSELECT ?a {} ORDER BY ?a",
            r"line 7: #\+ tags appears twice",
        ),
        (
            "#+ summary: s\n#+ description: d\n#+ tags: t\n#+ columns:\n#+   - a: x\n"
            "SELECT ?a {} ORDER BY ?a",
            r"^bad\.rq: line 3: #\+ tags must be a list",
        ),
        (
            HEADER + "#+ params:\n#+   - list: d\n#+ examples:\n#+   - list: https://a.org/\n"
            "#+ columns:\n#+   - a: x\nSELECT ?a { ?a ?p ?__list_iri } ORDER BY ?__list_iri ?a",
            r"^bad\.rq: line 11: \?__list_iri after ORDER BY would become a bare value",
        ),
        (
            HEADER + "#+ params:\n#+   - x: d\n#+ examples:\n#+   - x: https://a.org/\n"
            "#+ columns:\n#+   - a: x\n#+   - _x_iri: y\n"
            "SELECT ?a ?_x_iri { ?a ?p ?_x_iri } ORDER BY ?a",
            r"\?_x_iri after SELECT would become a bare value",
        ),
        (
            HEADER + "#+ params:\n#+   - x: d\n#+ examples:\n#+   - x: https://a.org/\n"
            "#+ columns:\n#+   - a: x\nSELECT ?a { ?a ?p ?o } GROUP BY ?_x_iri ORDER BY ?a",
            r"\?_x_iri after GROUP BY would become a bare value",
        ),
        (
            HEADER + "#+ params:\n#+   - x: d\n#+ examples:\n#+   - x: https://a.org/\n"
            "#+ columns:\n#+   - a: x\nSELECT ?a { ?a ?p ?o BIND(?o AS ?_x_iri) } ORDER BY ?a",
            r"\?_x_iri after AS would become a bare value",
        ),
        (
            HEADER + "#+ params:\n#+   - x: d\n#+   - x_b: d\n#+ examples:\n"
            "#+   - x: https://a.org/\n#+   - x_b: https://a.org/\n"
            "#+ columns:\n#+   - a: x\nSELECT ?a { ?a ?_x_iri ?_x_b_iri } ORDER BY ?a",
            "parameters x and x_b would both be named 'x' by grlc",
        ),
        (
            HEADER + "#+ columns:\n#+   - a: x\nSELECT ?a { ?a ?p ?__x_iri } ORDER BY ?a",
            "needs a line in #\\+ params",
        ),
        (
            HEADER + "#+ params:\n#+   - x: d\n#+ examples:\n#+   - x: https://a.org/\n"
            "#+ columns:\n#+   - a: x\nSELECT ?a { ?a ?_x_iri ?__x_iri } ORDER BY ?a",
            "named by two variables",
        ),
        (
            HEADER + "#+ params:\n#+   - x: d\n#+ examples:\n#+   - x: https://a.org/\n"
            "#+ columns:\n#+   - a: x\nSELECT ?a { ?a ?p ?___x_iri } ORDER BY ?a",
            "not a BASIL parameter name",
        ),
    ],
)
def test_malformed_catalogue_files_are_refused(tmp_path: Path, text: str, message: str) -> None:
    path = tmp_path / "bad.rq"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(CatalogueError, match=message):
        load_query(path)


def test_docs_queries_page_is_in_step() -> None:
    script = Path(__file__).resolve().parents[2] / "scripts" / "docs_queries.py"
    done = subprocess.run([sys.executable, str(script), "--check"], capture_output=True, text=True)
    assert done.returncode == 0, f"run: python scripts/docs_queries.py\n{done.stderr}"


# Queries whose expected rows the oracle computes from the listings alone (not from the
# department cells' names), so that an extra listing changes both sides alike.
RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
FROM_LISTINGS = (
    "area-department-matrix",
    "co-responsibility",
    "department-partners",
    "department-workload",
    "departments-by-kind",
    "lead-support-pairs",
    "list-summary",
    "local-government-tasks",
    "never-lead",
    "organisation-aliases",
    "parent-body-workload",
    "reorganised-departments",
    "single-department-tasks",
    "supported-not-led",
    "task-detail",
    "tasks-by-department",
    "tasks-by-organisation-kind",
)


@pytest.fixture(scope="module")
def named_twice(dataset_path: Path, project_root: Path, tmp_path_factory: Any) -> tuple:
    """The dataset with three organisations each named twice in one task, as two aliases of
    one organisation would give (the parser refuses only a repeated spelling): the lead of
    task 7 again as a supporting department, the first supporter of task 8 again, and the
    only department of a single-department task again. The counting queries must still
    count tasks, not listings. Returns the data file and the oracle with the same listings."""
    import pyoxigraph as ox

    world = oracle.World(project_root)
    single = next(t for t in world.tasks if len(world.listings_of(t)) == 1)
    seven, eight = oracle.task_iri("hunan-vet-reform", 7), oracle.task_iri("hunan-vet-reform", 8)
    twice = [world.listings_of(seven)[0], world.listings_of(eight)[1], world.listings_of(single)[0]]
    hn = oracle.HN
    quads = list(ox.parse(path=str(dataset_path)))
    for listing in twice:
        rank = len(world.listings_of(listing.task_iri)) + 1
        task, node = (
            ox.NamedNode(listing.task_iri),
            ox.NamedNode(f"{listing.task_iri}/responsibility/{rank}"),
        )
        org = ox.NamedNode(listing.org)
        quads += [
            ox.Quad(node, ox.NamedNode(RDF_TYPE), ox.NamedNode(hn + "Responsibility")),
            ox.Quad(node, ox.NamedNode(hn + "task"), task),
            ox.Quad(node, ox.NamedNode(hn + "organization"), org),
            ox.Quad(node, ox.NamedNode(hn + "role"), ox.NamedNode(oracle.SUPPORTING)),
            ox.Quad(
                node,
                ox.NamedNode(hn + "rank"),
                ox.Literal(str(rank), datatype=ox.NamedNode(oracle.XSD_INTEGER)),
            ),
            ox.Quad(
                node, ox.NamedNode(hn + "nameAsWritten"), ox.Literal(listing.name, language="zh")
            ),
            ox.Quad(task, ox.NamedNode(hn + "responsibility"), node),
            ox.Quad(task, ox.NamedNode(hn + "supportingDepartment"), org),
        ]
        world.listings.append(
            oracle.Listing(listing.slug, listing.task, rank, listing.name, listing.org)
        )
    path = tmp_path_factory.mktemp("named-twice") / "data.nq"
    ox.serialize(quads, output=str(path), format=ox.RdfFormat.N_QUADS)
    return path, world


@pytest.mark.parametrize("backend", ["embedded", "rdflib"])
def test_counts_stay_exact_when_a_cell_names_an_organisation_twice(
    named_twice: tuple, catalogue: dict, backend: str
) -> None:
    from hngraph.store import open_store

    path, world = named_twice
    store = open_store(data=[path], backend=backend)
    for name in FROM_LISTINGS:
        query = catalogue[name]
        values = query.example_values()
        if name in ("department-partners", "tasks-by-department", "supported-not-led"):
            values = {
                "department": world.listings_of(oracle.task_iri("hunan-vet-reform", 7))[0].org
            }
        expected = oracle.EXPECTED[name](world, values)
        assert list(query.run(store, values).rows) == expected, name


# grlc reads the #+ lines with ``row.lstrip("#+")`` and ``yaml.safe_load``; it names a
# parameter by the letters after the underscores, up to the next underscore.
GRLC_NAMES = {"task_number": "task"}  # where grlc's name differs from ours (docs/queries.md)


def _grlc_block(text: str) -> str:
    return "\n".join(row.lstrip("#+") for row in text.split("\n") if row.startswith("#+"))


@pytest.mark.parametrize("path", QUERY_FILES, ids=NAMES)
def test_every_header_is_the_yaml_grlc_reads(path: Path, catalogue: dict) -> None:
    import yaml

    header = yaml.safe_load(_grlc_block(path.read_text(encoding="utf-8")))
    query = catalogue[path.stem]
    assert header["summary"] == query.summary
    assert header["description"] == query.description
    assert header["tags"] == list(query.tags)
    assert [next(iter(c.items())) for c in header["columns"]] == list(query.columns)
    described = {k: v for item in header.get("params", []) for k, v in item.items()}
    assert described == {p.name: p.description for p in query.parameters}


def test_grlc_names_are_documented(catalogue: dict) -> None:
    from hngraph.sparql.catalogue import grlc_name

    differ = {
        p.name: grlc_name(p.variable)
        for query in catalogue.values()
        for p in query.parameters
        if grlc_name(p.variable) != p.name
    }
    assert differ == GRLC_NAMES


def _grlc() -> ModuleType:
    return pytest.importorskip("grlc.gquery", reason="grlc is not installed (pip install grlc)")


@pytest.mark.parametrize("path", QUERY_FILES, ids=NAMES)
def test_grlc_reads_the_header_and_parameters(path: Path, catalogue: dict) -> None:
    gquery = _grlc()
    metadata = gquery.get_yaml_decorators(path.read_text(encoding="utf-8"))
    query = catalogue[path.stem]
    assert metadata["summary"] == query.summary and metadata["tags"] == list(query.tags)
    found = gquery.get_parameters(metadata["query"], None, metadata)
    expected = {GRLC_NAMES.get(p.name, p.name): not p.optional for p in query.parameters}
    assert {name: spec["required"] for name, spec in found.items()} == expected


PARAMETRISED = [path.stem for path in QUERY_FILES if "?_" in path.read_text(encoding="utf-8")]


@pytest.mark.parametrize("optional", [False, True], ids=["required", "all"])
@pytest.mark.parametrize("name", PARAMETRISED)
def test_grlc_substitution_gives_the_same_answer(
    embedded_store: Store, world: Any, catalogue: dict, name: str, optional: bool
) -> None:
    """grlc pastes each value into the text; the query must stay SPARQL with the same rows."""
    gquery = _grlc()
    query = catalogue[name]
    values = query.example_values(optional=optional)
    metadata = gquery.get_yaml_decorators(query.text)
    found = gquery.get_parameters(metadata["query"], None, metadata)
    pasted = gquery.rewrite_query(
        metadata["query"], found, {GRLC_NAMES.get(k, k): v for k, v in values.items()}
    )
    assert not [p.name for p in query.parameters if p.name in values and p.variable in pasted]
    assert list(embedded_store.select(pasted).rows) == oracle.EXPECTED[name](world, values)


# Columns in Chinese only that are not names: verbatim texts (task-detail has their English
# translation as facts).
NOT_NAMES = {"text_zh"}


@pytest.mark.parametrize("name", NAMES)
def test_names_come_in_chinese_and_english(
    embedded_store: Store, catalogue: dict, name: str
) -> None:
    query = catalogue[name]
    columns = list(query.column_names)
    english = []
    for index, column in enumerate(columns):
        if column.endswith("_zh") and column not in NOT_NAMES:
            assert columns[index + 1 : index + 2] == [column[:-3] + "_en"], column
            english.append(index + 1)
    rows = query.run(embedded_store, query.example_values()).rows
    for index in english:
        missing = [row for row in rows if row[index] is None]
        assert not missing, f"{columns[index]} unbound in {len(missing)} rows"
        assert all(row[index].language in ("en", None) for row in rows)
