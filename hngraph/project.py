"""Where the project's hand-edited and generated files live."""

from __future__ import annotations

from pathlib import Path

from hngraph.errors import HngraphError

MARKERS = ("pyproject.toml", "ontology")


def _is_root(folder: Path) -> bool:
    return all((folder / marker).exists() for marker in MARKERS)


def project_root(start: Path | None = None) -> Path:
    """The nearest project folder at or above ``start`` (default: cwd), else the package's own."""
    here = (start or Path.cwd()).resolve()
    for folder in (here, *here.parents):
        if _is_root(folder):
            return folder
    package_parent = Path(__file__).resolve().parent.parent
    if _is_root(package_parent):
        return package_parent
    raise HngraphError(
        f"no hngraph project found at or above {here} (looked for {', '.join(MARKERS)})"
    )


def ontology_dir(root: Path) -> Path:
    """Hand-edited ontology, SKOS schemes and shapes."""
    return root / "ontology"


def dataset_dir(root: Path) -> Path:
    """Generated dataset files (committed)."""
    return root / "data" / "dataset"


def dataset_file(root: Path) -> Path:
    """The built dataset in Turtle."""
    return dataset_dir(root) / "hngraph.ttl"


def registry_file(root: Path) -> Path:
    """The curated organisation registry."""
    return root / "data" / "registry" / "organisations.ttl"


def translations_dir(root: Path) -> Path:
    """Curated unofficial English translations, one TSV per list."""
    return root / "data" / "translations"


def default_sources(root: Path) -> list[Path]:
    """The task lists built by default: every ``data/source/*.txt``."""
    return sorted((root / "data" / "source").glob("*.txt"))
