"""Where the project's hand-edited and generated files live: a checkout, or the installed package.

The files have one layout, ``ontology/``, ``data/`` and ``queries/`` under a root:

- in a **checkout** the root is the repository (found at or above the current folder, else the
  checkout that holds this package), and its files are used as they are, edits included;
- in an **installed package** (a wheel) the root is the package's own copy, ``hngraph/_files/``,
  read with ``importlib.resources``: the build maps the repository's folders there
  (``pyproject.toml``), so the repository keeps one hand-edited copy. That copy is read-only:
  ``hngraph build`` there needs ``--out``.
"""

from __future__ import annotations

import os
from pathlib import Path

from hngraph.errors import HngraphError

MARKERS = ("pyproject.toml", "ontology")
PACKAGED = "_files"


def _is_root(folder: Path) -> bool:
    return all((folder / marker).exists() for marker in MARKERS)


def project_root(start: Path | None = None) -> Path:
    """The checkout at or above ``start`` (default: cwd), else this package's checkout, else the
    files installed with the package."""
    here = (start or Path.cwd()).resolve()
    for folder in (here, *here.parents):
        if _is_root(folder):
            return folder
    package_parent = Path(__file__).resolve().parent.parent
    if _is_root(package_parent):
        return package_parent
    packaged = packaged_root()
    if packaged is not None:
        return packaged
    raise HngraphError(
        f"no hngraph project found at or above {here} (looked for {', '.join(MARKERS)}), "
        "and this installation carries no packaged data"
    )


def packaged_root() -> Path | None:
    """The data installed inside the package (``hngraph/_files``), or None in a checkout."""
    from importlib.resources import files

    root = files("hngraph") / PACKAGED
    if not isinstance(root, Path):  # a zipped installation: not supported, say so
        raise HngraphError(
            "hngraph's packaged data must be installed as files (pip install), not run from a zip"
        )
    return root if (root / "ontology").is_dir() else None


def is_packaged(root: Path) -> bool:
    """True if ``root`` is the read-only copy installed with the package."""
    packaged = packaged_root()
    return packaged is not None and root.resolve() == packaged.resolve()


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


def queries_dir(root: Path) -> Path:
    """The query catalogue, one ``.rq`` per analyst question."""
    return root / "queries"


def default_sources(root: Path) -> list[Path]:
    """The task lists built by default: every ``data/source/*.txt``."""
    return sorted((root / "data" / "source").glob("*.txt"))


#: The environment variable that places every cache of hngraph (validation, serve).
CACHE_ENV = "HNGRAPH_CACHE"


def cache_dir() -> Path:
    """The folder of hngraph's caches, outside the project (not created): ``$HNGRAPH_CACHE``,
    else ``$XDG_CACHE_HOME/hngraph``, else ``~/.cache/hngraph``; each cache has a sub-folder."""
    explicit = os.environ.get(CACHE_ENV)
    if explicit:
        return Path(explicit)
    xdg = os.environ.get("XDG_CACHE_HOME")
    return (Path(xdg) if xdg else Path.home() / ".cache") / "hngraph"
