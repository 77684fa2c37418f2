"""The project's prefixes: declared for ad-hoc queries, and IRIs printed so they paste back."""

from __future__ import annotations

import io
import re
from pathlib import Path

import pyoxigraph as ox
import pytest

from hngraph.commands.main import main
from hngraph.sparql.prefixes import declare, declared, expand, shorten
from hngraph.sparql.tables import MAX_WIDTH, render, table
from hngraph.store import IRI, Result, Store, literal
from hngraph.vocab import SPARQL_PREFIXES

FINANCE = "https://w3id.org/hngraph/id/org/hunan-finance-department"
TASK_7 = "https://w3id.org/hngraph/id/list/hunan-vet-reform/task/7"


def run(argv: list[str], capsys: pytest.CaptureFixture) -> tuple[int, str, str]:
    code = main(argv)
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def test_declare_adds_only_what_is_missing_and_keeps_line_numbers() -> None:
    text = "PREFIX hn: <http://example.org/mine#>\n# a comment\nSELECT * { ?s hn:p ?o }\n"
    out = declare(text)
    assert declared(out) == set(SPARQL_PREFIXES)
    assert "<https://w3id.org/hngraph/def/>" not in out  # the query's own hn: is kept
    assert out.splitlines()[1:] == text.splitlines()[1:]
    assert out.count("\n") == text.count("\n")
    full = "".join(f"PREFIX {name}: <{iri}>\n" for name, iri in SPARQL_PREFIXES.items())
    assert declare(full + "ASK {}") == full + "ASK {}"


def test_sparql_without_prefix_lines(monkeypatch: pytest.MonkeyPatch, capsys) -> None:
    monkeypatch.setattr(
        "sys.stdin",
        io.StringIO(
            "SELECT (COUNT(*) AS ?n) {\n ?t a hn:Task ; hn:taskList hnlist:hunan-vet-reform\n}"
        ),
    )
    assert run(["sparql", "-", "--format", "csv"], capsys) == (0, "n\n30\n", "")


def test_a_syntax_error_keeps_the_users_line_number(monkeypatch, capsys) -> None:
    text = "SELECT ?s\nWHERE {\n  ?s ?p ?o .\n  ?a nope:b ?c\n}\n"  # nope: is declared nowhere
    with pytest.raises(SyntaxError) as raw:  # pyoxigraph on the text as the user wrote it
        ox.Store().query(text)
    line = re.search(r"at (\d+):", str(raw.value)).group(1)
    assert line == "4"
    monkeypatch.setattr("sys.stdin", io.StringIO(text))
    code, out, err = run(["sparql", "-"], capsys)
    assert (code, out) == (2, "")
    assert f"error at {line}:" in err, err


@pytest.mark.parametrize(
    ("iri", "short"),
    [
        (FINANCE, "hnorg:hunan-finance-department"),
        ("https://w3id.org/hngraph/def/Task", "hn:Task"),
        ("https://w3id.org/hngraph/id/dataset", "hnid:dataset"),
        ("http://www.w3.org/2004/02/skos/core#prefLabel", "skos:prefLabel"),
        (TASK_7, f"<{TASK_7}>"),  # no prefix gives a valid local name: the whole IRI
        ("http://example.org/x", "<http://example.org/x>"),
        ("https://w3id.org/hngraph/id/org/x.", "<https://w3id.org/hngraph/id/org/x.>"),
        ("https://w3id.org/hngraph/def/0.2.0", "<https://w3id.org/hngraph/def/0.2.0>"),
    ],
)
def test_shorten(iri: str, short: str) -> None:
    assert shorten(iri) == short
    assert expand(short) == iri


def test_every_iri_of_the_dataset_pastes_back(embedded_store: Store, dataset_path: Path) -> None:
    """Each IRI, as tables print it, is valid SPARQL and names the same IRI."""
    iris = sorted(
        {
            term.value
            for quad in ox.parse(path=str(dataset_path))
            for term in (quad.subject, quad.predicate, quad.object)
            if isinstance(term, ox.NamedNode)
        }
    )
    assert len(iris) > 500
    values = " ".join(shorten(iri) for iri in iris)
    result = embedded_store.select(declare(f"SELECT ?x WHERE {{ VALUES ?x {{ {values} }} }}"))
    assert sorted(row[0].value for row in result.rows) == iris


def test_a_table_cell_pastes_into_param(capsys: pytest.CaptureFixture) -> None:
    _, out, _ = run(["query", "department-workload"], capsys)
    first = out.splitlines()[2].split()[0]
    assert first == "hnorg:hunan-education-department"
    code, tasks, _ = run(["query", "tasks-by-department", "--param", f"department={first}"], capsys)
    assert code == 0 and len(tasks.splitlines()) == 2 + 30 + 1  # header, rule, rows, note


LONG = "一" * 40  # 80 columns


def test_a_cut_cell_is_announced_and_iris_are_never_cut() -> None:
    result = Result(("who", "text"), ((IRI(TASK_7), literal(LONG, language="zh")),))
    text = table(result, max_width=20)
    assert f"<{TASK_7}>" in text
    assert "一" * 9 + "…" in text
    assert text.splitlines()[-1] == (
        "(1 cell was cut to 20 columns, marked …; see them whole with --format csv, or --width 0)"
    )
    whole = table(result, max_width=0)
    assert LONG in whole and "cut" not in whole
    assert "cut" not in table(Result(("text",), ((literal("short"),),)))
    assert render(result, "csv").endswith(f"{LONG}\n")
    assert MAX_WIDTH == 60


def test_cli_width_option(capsys: pytest.CaptureFixture) -> None:
    base = ["query", "tasks-by-department", "--param", "department=省财政厅"]
    _, cut, _ = run(base, capsys)
    assert "see them whole with --format csv, or --width 0" in cut.splitlines()[-1]
    _, whole, _ = run([*base, "--width", "0"], capsys)
    assert "cut to" not in whole
    assert max(len(line) for line in whole.splitlines()) > max(len(x) for x in cut.splitlines())
