"""Curated unofficial English translations of measures (``data/translations/{list}.en.tsv``)."""

from __future__ import annotations

import csv
from pathlib import Path

from hngraph.errors import RegistryError
from hngraph.source.records import TaskList

COLUMNS = ["task", "measure", "zh", "en"]
TASK_JOINER = "; "


def translation_file(folder: Path, slug: str) -> Path:
    """Where the English translations of list ``slug`` live."""
    return folder / f"{slug}.en.tsv"


def load_translations(path: Path, task_list: TaskList) -> dict[tuple[int, int], str]:
    """Map (task, measure) → English; checks that each row's zh matches the source exactly.

    A missing file means no translations; a file that exists must cover every measure.
    """
    if not path.exists():
        return {}
    expected = {(t.number, m.number): m.text for t in task_list.tasks for m in t.measures}
    found: dict[tuple[int, int], str] = {}
    with path.open(encoding="utf-8", newline="") as stream:
        rows = csv.reader(stream, delimiter="\t", quoting=csv.QUOTE_NONE)
        header = next(rows, None)
        if header != COLUMNS:
            raise RegistryError(f"{path}:1: header must be {' / '.join(COLUMNS)}")
        for line, row in enumerate(rows, start=2):
            key = _row_key(path, line, row)
            if key not in expected:
                raise RegistryError(f"{path}:{line}: task {key[0]} has no measure {key[1]}")
            if row[2] != expected[key]:
                raise RegistryError(
                    f"{path}:{line}: task {key[0]} measure {key[1]}: zh text differs from the "
                    "source; update the translation"
                )
            if key in found:
                raise RegistryError(f"{path}:{line}: task {key[0]} measure {key[1]} repeats")
            found[key] = row[3]
    missing = sorted(set(expected) - set(found))
    if missing:
        task, measure = missing[0]
        raise RegistryError(
            f"{path}: no translation for task {task} measure {measure} "
            f"({len(missing)} measure(s) missing)"
        )
    return found


def _row_key(path: Path, line: int, row: list[str]) -> tuple[int, int]:
    if len(row) != len(COLUMNS):
        raise RegistryError(f"{path}:{line}: expected {len(COLUMNS)} tab-separated cells")
    if not row[0].isdigit() or not row[1].isdigit():
        raise RegistryError(f"{path}:{line}: task and measure must be whole numbers")
    if not row[3].strip():
        raise RegistryError(f"{path}:{line}: the English cell is empty")
    return int(row[0]), int(row[1])


def task_translation(translations: dict[tuple[int, int], str], task: int, count: int) -> str:
    """A task's English text: its measures' translations joined in order."""
    return TASK_JOINER.join(translations[(task, m)] for m in range(1, count + 1))
