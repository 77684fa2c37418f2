"""The suite's own scheduling list names files that exist (a renamed file would silently drop)."""

from __future__ import annotations

import ast
from pathlib import Path

TESTS = Path(__file__).resolve().parent


def _longest_first() -> tuple[str, ...]:
    """``LONGEST_FIRST`` of tests/conftest.py, read from its text (another conftest may be the
    module imported under the name ``conftest``)."""
    tree = ast.parse((TESTS / "conftest.py").read_text(encoding="utf-8"))
    for node in tree.body:
        if isinstance(node, ast.Assign) and any(
            isinstance(target, ast.Name) and target.id == "LONGEST_FIRST" for target in node.targets
        ):
            return tuple(ast.literal_eval(node.value))
    raise AssertionError("tests/conftest.py defines no LONGEST_FIRST")


def test_every_longest_first_file_exists() -> None:
    names = _longest_first()
    missing = [name for name in names if not (TESTS / name).is_file()]
    assert missing == []
    assert len(set(names)) == len(names)
