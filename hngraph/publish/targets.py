"""Labels of other vocabularies' terms that the dataset maps to, from ``data/targets/labels.tsv``.

Each label is copied from the target vocabulary and names where it says so (``evidence``); a
target without a row is shown by its IRI alone. Nothing here is translated or guessed.
"""

from __future__ import annotations

import csv
from pathlib import Path

from hngraph.errors import RegistryError
from hngraph.publish.links import is_web_url

COLUMNS = ["iri", "lang", "label", "evidence"]
LANGUAGES = ("en", "zh")
#: Target IRI → language → label.
TargetLabels = dict[str, dict[str, str]]


def labels_file(root: Path) -> Path:
    """Where the target labels of the project at ``root`` live."""
    return root / "data" / "targets" / "labels.tsv"


def load_target_labels(path: Path) -> TargetLabels:
    """Read the labels file; a missing file means no labels. Errors name file and line."""
    if not path.exists():
        return {}
    found: TargetLabels = {}
    with path.open(encoding="utf-8", newline="") as stream:
        rows = csv.reader(stream, delimiter="\t", quoting=csv.QUOTE_NONE)
        if next(rows, None) != COLUMNS:
            raise RegistryError(f"{path}:1: header must be {' / '.join(COLUMNS)}")
        for line, row in enumerate(rows, start=2):
            if not row:
                continue
            if len(row) != len(COLUMNS):
                raise RegistryError(f"{path}:{line}: expected {len(COLUMNS)} tab-separated cells")
            target, lang, label, evidence = row
            if not is_web_url(target):
                raise RegistryError(f"{path}:{line}: {target!r} is not an http(s) IRI")
            if lang not in LANGUAGES:
                raise RegistryError(f"{path}:{line}: language must be one of {LANGUAGES}")
            if not label.strip() or label != label.strip():
                raise RegistryError(f"{path}:{line}: the label is empty or has outer spaces")
            if not is_web_url(evidence):
                raise RegistryError(f"{path}:{line}: evidence must be the URL that states it")
            if lang in found.get(target, {}):
                raise RegistryError(f"{path}:{line}: {target} has a second {lang} label")
            found.setdefault(target, {})[lang] = label
    return found


def project_target_labels() -> TargetLabels:
    """The target labels of the current project (checkout or installed package)."""
    from hngraph.project import project_root

    return load_target_labels(labels_file(project_root()))
