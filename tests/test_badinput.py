"""The bad-input corpus (tests/badinput/) through every command that reads it: exit 2 (1 for shape
violations in ``validate``), one line on stderr, no traceback, nothing written, old data intact."""

from __future__ import annotations

import hashlib
import time
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from hngraph.commands.main import main

if TYPE_CHECKING:
    from conftest import Listener

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT / "tests" / "badinput"
SOURCES = sorted((CORPUS / "sources").iterdir())
RDF = sorted((CORPUS / "rdf").iterdir())
QUERIES = sorted((CORPUS / "queries").iterdir())
PARAMS = sorted((CORPUS / "params").iterdir())
VIOLATIONS = sorted((CORPUS / "violations").iterdir())
COMMITTED = sorted((ROOT / "data" / "dataset").iterdir())


def test_the_corpus_has_every_file() -> None:
    assert (len(SOURCES), len(RDF), len(QUERIES), len(PARAMS), len(VIOLATIONS)) == (
        25,
        17,
        16,
        11,
        3,
    )
    assert len(SOURCES + RDF + QUERIES + PARAMS + VIOLATIONS) >= 40


@pytest.fixture(scope="module", autouse=True)
def committed_data_is_untouched() -> Iterator[None]:
    before = {path: hashlib.sha256(path.read_bytes()).hexdigest() for path in COMMITTED}
    yield
    after = {path: hashlib.sha256(path.read_bytes()).hexdigest() for path in COMMITTED}
    assert after == before


def refused(argv: list[str], capsys: pytest.CaptureFixture[str], code: int = 2) -> str:
    """Run the CLI; assert exit ``code``, one stderr line without a traceback, no stdout."""
    capsys.readouterr()
    assert main(argv) == code, argv
    captured = capsys.readouterr()
    assert captured.err.count("\n") == 1 and captured.err.endswith("\n"), captured.err
    assert "Traceback" not in captured.err
    assert captured.out == "", captured.out
    return captured.err


@pytest.mark.parametrize("source", SOURCES, ids=lambda path: path.name)
def test_bad_sources(source: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "out"
    for extra in ([], ["--check"]):
        err = refused(["build", "--source", str(source), "--out", str(out), *extra], capsys)
        assert source.name in err
    assert not out.exists()


@pytest.mark.parametrize("data", RDF, ids=lambda path: path.name)
def test_bad_rdf(
    data: Path,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    connection_listener: Listener,
) -> None:
    query = tmp_path / "ask.rq"
    query.write_text("ASK { ?s ?p ?o }", encoding="utf-8")
    out = tmp_path / "release"
    store = f"http://127.0.0.1:{connection_listener.port}/store"
    for argv in (
        ["validate", "--data", str(data)],
        ["validate", "--data", str(data), "--engine", "rdflib"],
        ["query", "list-summary", "--data", str(data)],
        ["sparql", str(query), "--data", str(data)],
        ["sparql", str(query), "--data", str(data), "--backend", "rdflib"],
        ["roundtrip", "--data", str(data), "--out", str(out)],
        ["publish", "--data", str(data), "--out", str(out)],
        ["load", "--endpoint", store, "--data", str(data)],
    ):
        assert data.name in refused(argv, capsys), argv
    assert not out.exists()
    time.sleep(0.1)
    assert connection_listener.connections == 0


@pytest.mark.parametrize("query", QUERIES, ids=lambda path: path.name)
def test_bad_queries(query: Path, capsys: pytest.CaptureFixture[str]) -> None:
    for backend in ("embedded", "rdflib"):
        refused(["sparql", str(query), "--backend", backend], capsys)


@pytest.mark.parametrize("params", PARAMS, ids=lambda path: path.name)
def test_bad_parameters(params: Path, capsys: pytest.CaptureFixture[str]) -> None:
    name, *pairs = params.read_text(encoding="utf-8").splitlines()
    argv = ["query", name]
    for pair in pairs:
        argv += ["--param", pair]
    refused(argv, capsys)


@pytest.mark.parametrize("data", VIOLATIONS, ids=lambda path: path.name)
def test_shape_violations_exit_1(data: Path, capsys: pytest.CaptureFixture[str]) -> None:
    for engine in ("fast", "rdflib"):
        capsys.readouterr()
        assert main(["validate", "--data", str(data), "--engine", engine]) == 1
        captured = capsys.readouterr()
        assert "violation" in captured.out.lower()
        assert captured.err == (
            f"hngraph validate: warning: no task list (hn:TaskList) in {data}; "
            "only the shapes of what is there were checked\n"
        )
