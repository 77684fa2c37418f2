"""The code is ruff clean (lint and format) and passes the type check (mypy on the package)."""

from __future__ import annotations

import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


@pytest.mark.parametrize("args", [["check"], ["format", "--check"]], ids=["lint", "format"])
def test_ruff(args: list[str], tool: Callable[[str], str]) -> None:
    result = subprocess.run([tool("ruff"), *args, "."], cwd=ROOT, capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr


def test_mypy(tool: Callable[[str], str]) -> None:
    """``mypy`` with the project's configuration (``[tool.mypy]``: the package, Python 3.10)."""
    result = subprocess.run([tool("mypy")], cwd=ROOT, capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr
