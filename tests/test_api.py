"""The Python API (``hngraph.api``): open, query, sparql, validate; results as Python values,
DataFrames and graphs; the example notebook run by a real Jupyter kernel; imports stay cheap.

Expected values come from the catalogue's oracle (``tests/expected/oracle.py``: parsed records
and curated data, no SPARQL).
"""

from __future__ import annotations

import importlib.util
import json
import os
import subprocess
import sys
from decimal import Decimal
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

import hngraph
from hngraph.api import Table, value
from hngraph.errors import HngraphError
from hngraph.rdf.terms import IRI, literal
from hngraph.store import Result

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOK = ROOT / "docs" / "examples" / "analysis.ipynb"
ID = "https://w3id.org/hngraph/id/"
FINANCE = ID + "org/hunan-finance-department"
EDUCATION = ID + "org/hunan-education-department"
INVALID = ROOT / "tests" / "fixtures" / "shapes" / "invalid"


def _load_oracle() -> ModuleType:
    spec = importlib.util.spec_from_file_location(
        "hngraph_test_oracle", ROOT / "tests" / "expected" / "oracle.py"
    )
    assert spec and spec.loader
    if spec.name not in sys.modules:
        module = importlib.util.module_from_spec(spec)
        sys.modules[spec.name] = module  # dataclasses look their module up
        spec.loader.exec_module(module)
    return sys.modules[spec.name]


oracle = _load_oracle()


@pytest.fixture(scope="module")
def world(project_root: Path) -> Any:
    return oracle.World(project_root)


@pytest.fixture(scope="module")
def kg() -> hngraph.KnowledgeGraph:
    return hngraph.open()


def records(rows: list[tuple]) -> list[list[Any]]:
    return [[value(term) for term in row] for row in rows]


def test_open_defaults_to_the_projects_dataset(kg: hngraph.KnowledgeGraph, dataset_path) -> None:
    assert kg.paths == (dataset_path,)
    assert isinstance(hngraph.open(str(dataset_path)), hngraph.KnowledgeGraph)


def test_query_returns_python_values(kg: hngraph.KnowledgeGraph, world: Any) -> None:
    table = kg.query("department-workload")
    expected = oracle.department_workload(world, {})
    assert len(table) == len(expected) == 21
    assert [list(r.values()) for r in table.to_records()] == records(expected)
    first = table.to_records()[0]
    assert first["department"] == EDUCATION and isinstance(first["lead_count"], int)
    assert first["name_zh"] == "湖南省教育厅"  # language-tagged text as plain text
    assert next(iter(table)) == first


def test_to_pandas_types_its_columns(kg: hngraph.KnowledgeGraph, world: Any) -> None:
    frame = kg.query("department-workload").to_pandas()
    assert list(frame.columns) == list(kg.query("department-workload").columns)
    assert {str(frame[c].dtype) for c in ("lead_count", "supporting_count", "total_count")} == {
        "int64"
    }
    assert frame["lead_count"].sum() == 30
    assert frame.values.tolist() == records(oracle.department_workload(world, {}))
    assert all(isinstance(v, str) for v in frame["department"])
    assert all(isinstance(v, str) for v in frame["name_zh"])
    assert frame.attrs["query"] == "department-workload"


def test_to_pandas_gaps_decimals_and_booleans() -> None:
    gap = literal("2", "http://www.w3.org/2001/XMLSchema#integer")
    result = Result(
        ("n", "d", "b", "iri"),
        (
            (
                gap,
                literal("1.5", "http://www.w3.org/2001/XMLSchema#decimal"),
                literal("true", "http://www.w3.org/2001/XMLSchema#boolean"),
                IRI(FINANCE),
            ),
            (
                None,
                literal("2", "http://www.w3.org/2001/XMLSchema#decimal"),
                literal("false", "http://www.w3.org/2001/XMLSchema#boolean"),
                None,
            ),
        ),
    )
    frame = Table(result).to_pandas()
    assert [str(frame[c].dtype) for c in ("n", "d", "b")] == ["Int64", "float64", "bool"]
    assert frame["d"].tolist() == [1.5, 2.0]
    assert Table(result).to_records()[0]["d"] == Decimal("1.5")
    assert frame["iri"].tolist()[0] == FINANCE


def test_parameters_by_name_and_their_errors(kg: hngraph.KnowledgeGraph, world: Any) -> None:
    expected = records(oracle.tasks_by_department(world, {"department": FINANCE}))
    for name in ("省财政厅", "hnorg:hunan-finance-department", FINANCE):
        rows = kg.query("tasks-by-department", department=name).to_records()
        assert [list(r.values()) for r in rows] == expected
    assert len(kg.query("task-detail", task_number=7)) > 0
    with pytest.raises(hngraph.UnknownValueError) as error:
        kg.query("tasks-by-department", department="省财政")
    assert error.value.suggestions == (FINANCE,)
    assert isinstance(error.value, hngraph.ParameterError)
    assert isinstance(error.value, hngraph.HngraphError)
    with pytest.raises(hngraph.UnknownValueError, match="no task 99"):
        kg.query("task-detail", task_number=99)
    with pytest.raises(hngraph.ParameterError, match="missing parameter"):
        kg.query("tasks-by-department")
    with pytest.raises(hngraph.ParameterError, match="give a str or int"):
        kg.query("task-detail", task_number=7.0)
    with pytest.raises(HngraphError, match="no catalogue query named"):
        kg.query("no-such-query")


def _edges(rows: list[tuple]) -> dict[tuple[str, str], int]:
    """(source, target) → weight from a pair query's oracle rows: node, name_zh, name_en twice."""
    return {(r[0].value, r[3].value): int(r[6].value) for r in rows}


def test_to_networkx_pairs(kg: hngraph.KnowledgeGraph, world: Any) -> None:
    graph = kg.query("co-responsibility").to_networkx()
    expected = _edges(oracle.co_responsibility(world, {}))
    assert not graph.is_directed()
    assert {tuple(sorted((a, b))): w for a, b, w in graph.edges(data="weight")} == {
        tuple(sorted(pair)): weight for pair, weight in expected.items()
    }
    assert graph.nodes[FINANCE]["name_zh"] == "湖南省财政厅"
    directed = kg.query("lead-support-pairs").to_networkx()
    assert directed.is_directed()
    assert {(a, b): w for a, b, w in directed.edges(data="weight")} == _edges(
        oracle.lead_support_pairs(world, {})
    )
    star = kg.query("department-partners", department="省教育厅").to_networkx()
    partners = oracle.department_partners(world, {"department": EDUCATION})
    assert {b: w for _, b, w in star.edges(EDUCATION, data="weight")} == {
        r[0].value: int(r[3].value) for r in partners
    }
    assert star.number_of_edges() == len(partners)


def test_to_networkx_needs_columns_elsewhere(kg: hngraph.KnowledgeGraph) -> None:
    table = kg.query("department-workload")
    with pytest.raises(HngraphError, match="name the source and target columns"):
        table.to_networkx()
    with pytest.raises(HngraphError, match="no column 'nope'"):
        table.to_networkx("department", "nope")


def test_repr_html(kg: hngraph.KnowledgeGraph) -> None:
    html = kg.query("department-workload")._repr_html_()
    assert html.startswith('<table class="hngraph"><caption>department-workload</caption>')
    assert f'<a href="{FINANCE}" title="{FINANCE}">hnorg:hunan-finance-department</a>' in html
    assert html.count("<tr>") == 1 + 21
    hostile = Table(Result(("x",), ((literal("<script>&"),),)))._repr_html_()
    assert "&lt;script&gt;&amp;" in hostile and "<script>" not in hostile


def test_sparql_forms_with_declared_prefixes(kg: hngraph.KnowledgeGraph, world: Any) -> None:
    table = kg.sparql("SELECT (COUNT(?t) AS ?n) WHERE { ?t a hn:Task }")
    assert isinstance(table, Table) and table.to_records() == [{"n": len(world.tasks)}]
    assert kg.sparql("ASK { hnorg:hunan-finance-department a org:Organization }") is True
    triples = kg.sparql("CONSTRUCT { ?t hn:taskNumber ?n } WHERE { ?t hn:taskNumber ?n }")
    assert len(triples) == len(world.tasks)
    with pytest.raises(HngraphError, match="SERVICE is refused"):
        kg.sparql("SELECT * { SERVICE <http://127.0.0.1:9/> { ?s ?p ?o } }")


def test_validate(kg: hngraph.KnowledgeGraph) -> None:
    assert kg.validate().conforms
    bad = INVALID / "concept-definition-missing.ttl"
    expected = json.loads(bad.with_suffix("").with_suffix(".expected.json").read_text("utf-8"))
    report = hngraph.open(bad).validate()
    assert not report.conforms
    assert [str(result.focus_node) for result in report.results] == [
        ID + "concept/role/lead" for _ in expected["results"]
    ]


def test_an_endpoint_gives_the_same_answers(oxigraph_server: Any, kg: Any) -> None:
    remote = hngraph.open(endpoint=oxigraph_server.query_url)
    assert (
        remote.query("department-workload").to_records()
        == kg.query("department-workload").to_records()
    )
    assert (
        remote.query("tasks-by-department", department="省财政厅").to_records()
        == kg.query("tasks-by-department", department=FINANCE).to_records()
    )
    with pytest.raises(HngraphError, match="validate checks local files"):
        remote.validate()


def _pythonpath() -> str:
    return os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")]))


def _python(code: str) -> str:
    env = {**os.environ, "PYTHONPATH": _pythonpath()}
    done = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, check=True
    )
    return done.stdout


HEAVY = ("rdflib", "pyshacl", "SPARQLWrapper", "pandas", "networkx", "matplotlib", "pyoxigraph")


def test_import_hngraph_loads_no_heavy_library() -> None:
    code = f"import sys, hngraph; print([m for m in {HEAVY!r} if m in sys.modules])"
    assert _python(code).strip() == "[]"


def test_a_query_loads_only_the_embedded_store() -> None:
    code = (
        "import sys, hngraph; kg = hngraph.open(); kg.query('tasks-by-department', "
        "department='省财政厅').to_records(); "
        f"print([m for m in {HEAVY!r} if m in sys.modules])"
    )
    assert _python(code).strip() == "['pyoxigraph']"


def test_python_prints_the_same_numbers_as_the_cli() -> None:
    cli = subprocess.run(
        [sys.executable, "-m", "hngraph", "query", "department-workload", "--format", "csv"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
        env={**os.environ, "PYTHONPATH": _pythonpath()},
    ).stdout
    frame = _python(
        "import hngraph; print(hngraph.open().query('department-workload').to_pandas()"
        ".to_csv(index=False), end='')"
    )
    assert frame == cli


DUMP = """
import json as _json
print(_json.dumps({
    "workload": workload.values.tolist(),
    "finance": finance.values.tolist(),
    "top": [[node, strength[node]] for node in top],
    "heaviest": list(heaviest),
    "tasks": tasks,
    "conforms": bool(report.conforms),
}, default=int))
"""


def test_the_example_notebook_runs_and_agrees_with_the_oracle(
    monkeypatch: pytest.MonkeyPatch, world: Any
) -> None:
    nbformat = pytest.importorskip("nbformat")
    from nbclient import NotebookClient

    notebook = nbformat.read(NOTEBOOK, as_version=4)
    assert all(not cell.get("outputs") for cell in notebook.cells if cell.cell_type == "code"), (
        "the committed notebook holds no outputs"
    )
    notebook.cells.append(nbformat.v4.new_code_cell(DUMP))
    # the kernel inherits the environment: it imports this checkout's hngraph
    monkeypatch.setenv("PYTHONPATH", _pythonpath())
    NotebookClient(
        notebook, kernel_name="python3", timeout=300, resources={"metadata": {"path": str(ROOT)}}
    ).execute()
    errors = [o for c in notebook.cells for o in c.get("outputs", []) if o.output_type == "error"]
    assert not errors
    shown = notebook.cells[3].outputs[0]["data"]  # the cell that displays a Table
    assert shown["text/html"].startswith('<table class="hngraph">')
    got = json.loads(notebook.cells[-1].outputs[0]["text"])

    assert got["workload"] == records(oracle.department_workload(world, {}))
    finance = oracle.tasks_by_department(world, {"department": FINANCE})
    assert got["finance"] == records(finance)
    strength: dict[str, int] = {}
    for (a, b), weight in _edges(oracle.co_responsibility(world, {})).items():
        strength[a] = strength.get(a, 0) + weight
        strength[b] = strength.get(b, 0) + weight
    top = sorted(strength, key=lambda node: (-strength[node], node))[:5]
    assert top == [node for node, _ in got["top"]]
    assert [strength[node] for node in top] == [count for _, count in got["top"]]
    pairs = {
        tuple(sorted(pair)): w for pair, w in _edges(oracle.co_responsibility(world, {})).items()
    }
    a, b, weight = got["heaviest"]
    assert weight == max(pairs.values()) == pairs[tuple(sorted((a, b)))]
    assert got["tasks"] == [{"tasks": len(world.tasks)}]
    assert got["conforms"] is True
