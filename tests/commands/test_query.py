"""``hngraph query``, ``hngraph sparql`` and ``hngraph load`` from the command line."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path
from typing import Any

import pyoxigraph as ox
import pytest

from hngraph.commands.main import main
from hngraph.sparql.tables import display_width

ROOT = Path(__file__).resolve().parents[2]
FINANCE = "https://w3id.org/hngraph/id/org/hunan-finance-department"


def run(argv: list[str], capsys: pytest.CaptureFixture) -> tuple[int, str, str]:
    code = main(argv)
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def test_list(capsys: pytest.CaptureFixture) -> None:
    code, out, _ = run(["query", "--list"], capsys)
    assert code == 0
    names = sorted(path.stem for path in (ROOT / "queries").glob("*.rq"))
    listed = [line.split(":")[0] for line in out.splitlines() if not line.startswith(" ")]
    assert listed[:-1] == names
    assert out.splitlines()[-1] == f"{len(names)} queries in the catalogue"
    assert "--param department=…  (iri)" in out
    assert "--param list=…  (iri, optional)" in out


def test_department_workload_csv(capsys: pytest.CaptureFixture) -> None:
    code, out, _ = run(["query", "department-workload", "--format", "csv"], capsys)
    assert code == 0
    lines = out.splitlines()
    assert lines[0] == "department,name_zh,name_en,lead_count,supporting_count,total_count"
    assert len(lines) == 1 + 21
    assert sum(int(row[3]) for row in csv.reader(lines[1:])) == 30  # English names hold commas
    assert lines[1].startswith(
        "https://w3id.org/hngraph/id/org/hunan-education-department,湖南省教育厅,"
    )


@pytest.mark.parametrize("fmt", ["table", "csv", "tsv", "json"])
def test_every_source_prints_the_same(
    oxigraph_server,
    fmt: str,
    capsys: pytest.CaptureFixture,
) -> None:
    base = ["query", "tasks-by-department", "--param", f"department={FINANCE}", "--format", fmt]
    outputs = {
        "embedded": run(base, capsys),
        "rdflib": run([*base, "--backend", "rdflib"], capsys),
        "remote": run([*base, "--endpoint", oxigraph_server.query_url], capsys),
    }
    assert {code for code, _, _ in outputs.values()} == {0}
    assert outputs["embedded"][1] == outputs["rdflib"][1] == outputs["remote"][1]
    assert "27" in outputs["embedded"][1]


def test_workload_through_the_endpoint(oxigraph_server: Any, capsys: pytest.CaptureFixture) -> None:
    embedded = run(["query", "department-workload", "--format", "csv"], capsys)
    remote = run(
        [
            "query",
            "department-workload",
            "--format",
            "csv",
            "--endpoint",
            oxigraph_server.query_url,
        ],
        capsys,
    )
    assert remote == embedded


def test_table_aligns_chinese_text(capsys: pytest.CaptureFixture) -> None:
    _, out, _ = run(["query", "department-workload"], capsys)
    lines = out.splitlines()
    header, rule, rows, note = lines[0], lines[1], lines[2:-1], lines[-1]
    assert len(rows) == 21
    assert note.startswith("(") and "--width 0" in note
    name_column = display_width(header[: header.index("name_zh")])
    for row in rows:
        first_end = row.index(" ")
        second = first_end + len(row[first_end:]) - len(row[first_end:].lstrip(" "))
        assert display_width(row[:second]) == name_column, row
    # the last column is numeric and right-aligned: every line ends at the same column
    assert {display_width(line) for line in [header, rule, *rows]} == {display_width(rule)}


def test_tsv_and_json(capsys: pytest.CaptureFixture) -> None:
    _, tsv, _ = run(["query", "task-detail", "--param", "task_number=7", "--format", "tsv"], capsys)
    lines = tsv.splitlines()
    assert lines[0] == "list\ttask\tfact\tposition\tvalue"
    assert all(line.count("\t") == 4 for line in lines)
    _, text, _ = run(
        ["query", "task-detail", "--param", "task_number=7", "--format", "json"], capsys
    )
    document = json.loads(text)
    assert document["head"]["vars"] == ["list", "task", "fact", "position", "value"]
    first = document["results"]["bindings"][1]
    assert first["fact"]["value"] == "text_zh"
    assert first["value"]["xml:lang"] == "zh"


def test_the_optional_list_parameter(capsys: pytest.CaptureFixture) -> None:
    base = ["query", "task-size", "--format", "csv"]
    _, every, _ = run(base, capsys)
    hunan = "https://w3id.org/hngraph/id/list/hunan-vet-reform"
    code, only, _ = run([*base, "--param", f"list={hunan}"], capsys)
    assert code == 0
    assert every.splitlines()[0].startswith("list,task_number,")
    assert only == every  # the built dataset holds the Hunan list only
    for name in ("hunan-vet-reform", "hnlist:hunan-vet-reform", "湖南省工作任务清单"):
        assert run([*base, "--param", f"list={name}"], capsys) == (0, every, "")
    code, other, err = run([*base, "--param", "list=https://w3id.org/hngraph/id/list/none"], capsys)
    assert (code, other) == (2, "")  # names nothing: an error, not an empty table
    assert "no task list in the dataset has the IRI" in err


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["query", "no-such-query"], "no catalogue query named 'no-such-query'"),
        (["query", "task-size", "--param", "list=hunan"], "no task list in the dataset is called"),
        (["query"], "name a query"),
        (["query", "tasks-by-department"], "missing parameter, e.g. --param department="),
        (["query", "tasks-by-department", "--param", "department"], "expected KEY=VALUE"),
        (
            ["query", "tasks-by-department", "--param", "department=https://x/a b"],
            "is not allowed in an IRI",
        ),
        (["query", "task-detail", "--param", "task_number=99"], "has no task 99"),
        (["query", "department-workload", "--param", "x=1"], "unknown parameter x"),
        (
            [
                "query",
                "department-workload",
                "--backend",
                "rdflib",
                "--endpoint",
                "http://127.0.0.1:9/",
            ],
            "--backend applies to local data",
        ),
        (["query", "department-workload", "--data", "missing.ttl"], "no such dataset file"),
        (["sparql", "missing.rq"], "cannot read the query"),
        (
            ["load", "--endpoint", "http://127.0.0.1:9/store", "--data", "pyproject.toml"],
            "send Turtle",
        ),
        (["load", "--endpoint", "http://127.0.0.1:9/store", "--graph", "x y"], "not allowed"),
    ],
)
def test_errors_exit_2(argv: list[str], message: str, capsys: pytest.CaptureFixture) -> None:
    code, out, err = run(argv, capsys)
    assert code == 2
    assert out == ""
    assert message in err


def test_sparql_select_from_file(tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    path = tmp_path / "q.rq"
    path.write_text(
        "PREFIX hn: <https://w3id.org/hngraph/def/>\n"
        "SELECT (COUNT(*) AS ?tasks) WHERE { ?t a hn:Task }",
        encoding="utf-8",
    )
    code, out, _ = run(["sparql", str(path), "--format", "csv"], capsys)
    assert (code, out) == (0, "tasks\n30\n")


def test_sparql_from_stdin_ask_and_construct(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture
) -> None:
    monkeypatch.setattr(
        "sys.stdin", io.StringIO("ASK { ?s a <https://w3id.org/hngraph/def/Task> }")
    )
    assert run(["sparql", "-"], capsys)[1] == "true\n"
    monkeypatch.setattr(
        "sys.stdin",
        io.StringIO(
            "PREFIX hn: <https://w3id.org/hngraph/def/>\n"
            "CONSTRUCT { ?t hn:taskNumber ?n } WHERE { ?t hn:taskNumber ?n }"
        ),
    )
    code, out, _ = run(["sparql", "-"], capsys)
    assert code == 0
    triples = list(ox.parse(out.encode(), ox.RdfFormat.N_TRIPLES))
    assert len(triples) == 30
    subjects = [line.split(" ")[0][1:-1] for line in out.splitlines()]
    assert subjects == sorted(subjects), "sorted by term"


def test_sparql_refuses_service_before_anything_runs(
    tmp_path: Path, capsys: pytest.CaptureFixture
) -> None:
    path = tmp_path / "q.rq"
    path.write_text("SELECT * WHERE { SERVICE <http://127.0.0.1:9/> { ?s ?p ?o } }")
    code, out, err = run(["sparql", str(path), "--endpoint", "http://127.0.0.1:9/query"], capsys)
    assert code == 2 and out == ""
    assert "SERVICE is refused" in err


def test_load_into_a_named_graph(
    oxigraph_server, dataset_path: Path, capsys: pytest.CaptureFixture
) -> None:
    graph = "https://w3id.org/hngraph/id/graph/test-load"
    code, out, _ = run(
        [
            "load",
            "--endpoint",
            oxigraph_server.store_url,
            "--graph",
            graph,
            "--data",
            str(dataset_path),
        ],
        capsys,
    )
    assert code == 0
    assert f"replaced graph <{graph}>" in out
    from hngraph.store.remote import RemoteStore

    store = RemoteStore(oxigraph_server.query_url)
    count = store.select(f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH <{graph}> {{ ?s ?p ?o }} }}")
    default = store.select("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }")
    assert count.rows == default.rows
    assert int(count.rows[0][0].value) == len(set(ox.parse(path=str(dataset_path))))
