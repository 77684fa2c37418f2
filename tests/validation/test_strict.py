"""No silent fallback: ``hngraph validate`` names every shape the fast engine hands to pySHACL.

Each fallback is one stderr line naming the shape (and its shapes file) and the reason;
``--strict`` turns any fallback into exit 2, the report still printed. The committed dataset and
every shapes fixture validate with ``--strict`` and no fallback line (CI runs this test).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from hngraph import project
from hngraph.commands.main import main
from hngraph.errors import EXIT_FALLBACK
from hngraph.validation import run

ROOT = Path(__file__).resolve().parents[2]
FIXTURES = sorted((ROOT / "tests" / "fixtures" / "shapes").rglob("*.ttl"))
FIXTURES += sorted((ROOT / "tests" / "fixtures" / "shapes-knowledge").rglob("*.ttl"))

HEAD = """@prefix sh: <http://www.w3.org/ns/shacl#> .
@prefix ex: <http://example.org/> .
"""
#: A shape the screen cannot compile (sh:not): all its focus nodes go to pySHACL.
NOT_SHAPE = HEAD + "ex:NotShape a sh:NodeShape ; sh:targetClass ex:C ; sh:not [ sh:class ex:D ] .\n"
#: A custom constraint component: the screen knows SHACL's own only, pySHACL runs on everything.
CUSTOM = (
    HEAD
    + """ex:Limit a sh:ConstraintComponent ;
    sh:parameter [ sh:path ex:limit ] ;
    sh:nodeValidator [ a sh:SPARQLSelectValidator ;
        sh:select "SELECT $this $limit WHERE { FILTER ($limit < 0) }" ] .
ex:LimitShape a sh:NodeShape ; sh:targetClass ex:C ; ex:limit 3 .
"""
)
DATA = "@prefix ex: <http://example.org/> .\nex:a a ex:C .\n"


def _validate(tmp_path: Path, monkeypatch, shapes: str, *argv: str) -> int:
    """``hngraph validate --data <DATA>`` with ``shapes`` as the project's only shapes file."""
    (tmp_path / "shapes-test.ttl").write_text(shapes, encoding="utf-8")
    (tmp_path / "data.ttl").write_text(DATA, encoding="utf-8")
    files = [tmp_path / "shapes-test.ttl"]
    monkeypatch.setattr(run, "project_shapes_files", lambda: files)
    monkeypatch.setattr("hngraph.validation.project_shapes_files", lambda: files)
    return main(["validate", "--data", str(tmp_path / "data.ttl"), *argv])


def _fallback_lines(err: str) -> list[str]:
    return [line for line in err.splitlines() if line.startswith("hngraph validate: fallback:")]


def test_a_shape_the_screen_cannot_compile_is_named(tmp_path, monkeypatch, capsys) -> None:
    assert _validate(tmp_path, monkeypatch, NOT_SHAPE) == 0
    lines = _fallback_lines(capsys.readouterr().err)
    assert lines == [
        "hngraph validate: fallback: <http://example.org/NotShape> (shapes-test.ttl): "
        "sh:not is not screened; pySHACL confirms every focus node of the shape"
    ]


def test_a_blank_node_shape_is_named_by_its_owner(tmp_path, monkeypatch, capsys) -> None:
    nested = HEAD + (
        "ex:S a sh:NodeShape ; sh:targetClass ex:C ;\n"
        "    sh:property [ sh:path ex:p ; sh:node [ sh:not [ sh:class ex:D ] ] ] .\n"
    )
    assert _validate(tmp_path, monkeypatch, nested) == 0
    assert _fallback_lines(capsys.readouterr().err) == [
        "hngraph validate: fallback: a blank-node shape (no sh:path) in "
        "<http://example.org/S> (shapes-test.ttl): sh:not is not screened; "
        "pySHACL confirms every focus node of the shape"
    ]


def test_a_custom_component_is_named(tmp_path, monkeypatch, capsys) -> None:
    assert _validate(tmp_path, monkeypatch, CUSTOM) == 0
    captured = capsys.readouterr()
    assert captured.out  # the report is printed
    (line,) = _fallback_lines(captured.err)
    assert line.startswith(
        "hngraph validate: fallback: <http://example.org/Limit> (shapes-test.ttl)"
    )
    assert line.endswith("pySHACL on the whole store, every shape")


@pytest.mark.parametrize("shapes", [NOT_SHAPE, CUSTOM], ids=["not", "custom"])
def test_strict_turns_a_fallback_into_exit_2(tmp_path, monkeypatch, capsys, shapes) -> None:
    assert _validate(tmp_path, monkeypatch, shapes, "--strict") == EXIT_FALLBACK == 2
    captured = capsys.readouterr()
    assert captured.out  # results still printed
    assert len(_fallback_lines(captured.err)) == 1
    assert "--strict: the fast engine fell back to plain pySHACL 1 time(s)" in captured.err


def test_committed_dataset_needs_no_fallback(capsys) -> None:
    dataset = project.dataset_file(ROOT)
    assert main(["validate", "--strict", "--data", str(dataset)]) == 0
    assert not _fallback_lines(capsys.readouterr().err)


def test_shapes_fixtures_need_no_fallback(capsys) -> None:
    """Every fixture at once (violations: exit 1, never 2)."""
    assert main(["validate", "--strict", "--data", *map(str, FIXTURES)]) == 1
    assert not _fallback_lines(capsys.readouterr().err)


def test_incremental_runs_report_fallbacks_fresh_and_from_the_cache(
    tmp_path, monkeypatch, capsys
) -> None:
    monkeypatch.setenv("HNGRAPH_CACHE", str(tmp_path / "cache"))
    for _run in ("fresh", "cached"):
        code = _validate(tmp_path, monkeypatch, NOT_SHAPE, "--incremental", "--strict")
        assert code == EXIT_FALLBACK, _run
        err = capsys.readouterr().err
        lines = _fallback_lines(err)
        assert len(lines) == 1 and "<http://example.org/NotShape>" in lines[0], _run
        assert ("0 parts validated" in err) == (_run == "cached"), err
