"""The suite's own scheduling list names files that exist (a renamed file would silently drop)."""

from __future__ import annotations

from pathlib import Path

from conftest import LONGEST_FIRST

TESTS = Path(__file__).resolve().parent


def test_every_longest_first_file_exists() -> None:
    missing = [name for name in LONGEST_FIRST if not (TESTS / name).is_file()]
    assert missing == []
    assert len(set(LONGEST_FIRST)) == len(LONGEST_FIRST)
