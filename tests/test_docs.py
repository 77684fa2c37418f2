"""Docs that cannot drift: every CLI command has help text and a row in the README."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from hngraph.commands.main import COMMANDS, main

ROOT = Path(__file__).resolve().parents[1]
README = (ROOT / "README.md").read_text(encoding="utf-8")


def test_there_are_commands() -> None:
    assert len(COMMANDS) >= 2


@pytest.mark.parametrize("command", COMMANDS)
def test_command_is_in_the_readme(command: str) -> None:
    assert re.search(rf"`hngraph {command}\b", README), f"README names no `hngraph {command}`"


@pytest.mark.parametrize("command", COMMANDS)
def test_command_has_help(command: str, capsys: pytest.CaptureFixture) -> None:
    with pytest.raises(SystemExit) as stopped:
        main([command, "--help"])
    assert stopped.value.code == 0
    assert len(capsys.readouterr().out.strip().splitlines()) > 2


def test_quick_start_has_exactly_two_commands() -> None:
    quick = README.split("## Quick start", 1)[1].split("\n## ", 1)[0]
    blocks = re.findall(r"```sh\n(.*?)```", quick, flags=re.S)
    assert [len(b.strip().splitlines()) for b in blocks] == [1, 1]
    assert blocks[1].strip() == "pip install -e '.[test]' && pytest"


def test_ci_runs_the_readme_test_command() -> None:
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert "pip install -e '.[test]' && pytest" in ci.splitlines()


QUERIES = sorted(path.stem for path in (ROOT / "queries").glob("*.rq"))


def test_there_are_queries() -> None:
    assert len(QUERIES) >= 20


@pytest.mark.parametrize("name", QUERIES)
def test_query_is_listed_in_the_readme(name: str) -> None:
    assert f"| `{name}` |" in README, f"README's query catalogue table lacks `{name}`"


def test_readme_example_output_is_real(capsys: pytest.CaptureFixture) -> None:
    shown = README.split("Example: `hngraph query never-lead --format csv`", 1)[1]
    shown = shown.split("```csv\n", 1)[1].split("```", 1)[0]
    assert main(["query", "never-lead", "--format", "csv"]) == 0
    assert capsys.readouterr().out.replace("\r\n", "\n").strip() == shown.strip()
