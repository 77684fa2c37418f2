"""A content-addressed cache of what ``hngraph serve`` prepares, so that a second start is quick.

An entry holds the query workers' data (N-Quads), the release metadata triples, every release
file the server answers with (dumps, tables, charts, pages) and the catalogue entries of the
query pages. Its key (``cache_key``) is the SHA-256 of everything that goes into them: the
dataset file's bytes, the catalogue folder's queries, the mapping target labels, every file of
the hngraph package, the Python version and the files that identify the libraries that render
(pyoxigraph, matplotlib, openpyxl, jinja2, rdflib). Any change gives a new key, so an entry is
never stale; entries beyond the newest ``KEEP`` are removed.

The cache lives in ``$HNGRAPH_CACHE``, else ``$XDG_CACHE_HOME/hngraph``, else
``~/.cache/hngraph`` (sub-folder ``serve``), outside the project. An entry is written into a
temporary folder and renamed into place, so a reader sees a whole entry or none; nothing in it is
executed (bytes, N-Triples and JSON only), and an entry that cannot be read is a miss.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import sys
import tempfile
from collections.abc import Iterable, Mapping
from importlib.util import find_spec
from pathlib import Path, PurePosixPath
from typing import Any

from hngraph.project import cache_dir

LAYOUT = "hngraph-serve-cache 1"  # bump when the layout of an entry changes
KEEP = 3  # entries kept; older ones are removed when a new one is written
LIBRARIES = ("pyoxigraph", "matplotlib", "openpyxl", "jinja2", "rdflib")
PACKAGE = Path(__file__).resolve().parents[1]


def cache_root() -> Path:
    """The folder of the serve cache (not created): ``serve`` in hngraph's cache folder."""
    return cache_dir() / "serve"


def cache_key(data: Path, queries: Path | None, extra: Iterable[Path] = ()) -> str:
    """The hex SHA-256 of every input of a prepared service (module docstring)."""
    digest = hashlib.sha256(LAYOUT.encode())
    digest.update(sys.version.encode())
    for name in LIBRARIES:
        spec = find_spec(name)
        origin = spec.origin if spec is not None else None
        stat = os.stat(origin) if origin else None
        digest.update(f"\0{name}:{origin}:{stat and (stat.st_size, stat.st_mtime_ns)}".encode())
    _feed(digest, "data", [data])
    if queries is not None and queries.is_dir():
        _feed(digest, "queries", sorted(queries.glob("*.rq")))
    _feed(digest, "extra", [p for p in extra if p.is_file()])
    code = sorted(p for p in PACKAGE.rglob("*") if p.is_file() and "__pycache__" not in p.parts)
    _feed(digest, "code", code, relative_to=PACKAGE)
    return digest.hexdigest()


def _feed(digest: Any, label: str, paths: list[Path], relative_to: Path | None = None) -> None:
    digest.update(f"\0{label}:{len(paths)}".encode())
    for path in paths:
        name = path.relative_to(relative_to).as_posix() if relative_to else path.name
        data = path.read_bytes()
        digest.update(f"\0{name}:{len(data)}\0".encode())
        digest.update(data)


def _safe(name: str) -> bool:
    """A release path that stays inside an entry's ``files`` folder."""
    parts = PurePosixPath(name).parts
    return bool(parts) and not name.startswith("/") and ".." not in parts and "\\" not in name


class Entry:
    """One cache entry, read from its folder."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
        self.media_types: dict[str, str] = {
            str(name): str(kind) for name, kind in manifest["files"].items() if _safe(name)
        }
        self.entries: list[dict[str, Any]] = list(manifest["entries"])

    def quads(self) -> bytes:
        """The query workers' data (N-Quads)."""
        return (self.folder / "quads.nq").read_bytes()

    def metadata(self) -> bytes:
        """The release metadata triples (N-Triples)."""
        return (self.folder / "metadata.nt").read_bytes()

    def read(self, name: str) -> bytes:
        """A release file's bytes (``OSError`` if the entry went away)."""
        if name not in self.media_types:
            raise FileNotFoundError(name)
        return (self.folder / "files" / name).read_bytes()


def load(root: Path, key: str) -> Entry | None:
    """The entry of ``key``, or None when there is none or it cannot be read."""
    folder = root / key
    try:
        entry = Entry(folder)
        os.utime(folder)  # recently used: kept longest
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return None
    return entry


def store(
    root: Path,
    key: str,
    *,
    quads: bytes,
    metadata: bytes,
    files: Mapping[str, tuple[bytes, str]],
    entries: list[dict[str, Any]],
) -> bool:
    """Write the entry of ``key`` (atomically); False when it cannot be written (disk full, no
    permission), which only means the next start prepares everything again."""
    if not all(_safe(name) for name in files):
        raise ValueError("a release path leaves the cache entry")
    try:
        root.mkdir(parents=True, exist_ok=True, mode=0o700)
        staging = Path(tempfile.mkdtemp(prefix=f".{key[:16]}-", dir=root))
    except OSError:
        return False
    try:
        (staging / "quads.nq").write_bytes(quads)
        (staging / "metadata.nt").write_bytes(metadata)
        for name, (data, _) in files.items():
            target = staging / "files" / name
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(data)
        manifest = {
            "files": {n: kind for n, (_, kind) in sorted(files.items())},
            "entries": entries,
        }
        (staging / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")
        os.rename(staging, root / key)
    except OSError:  # includes another server having written the same entry first
        shutil.rmtree(staging, ignore_errors=True)
        return (root / key / "manifest.json").is_file()
    prune(root)
    return True


def prune(root: Path, keep: int = KEEP) -> None:
    """Remove all but the ``keep`` most recently used entries."""
    try:
        folders = [p for p in root.iterdir() if p.is_dir()]
    except OSError:
        return
    entries = sorted(
        (p for p in folders if not p.name.startswith(".")),
        key=lambda p: p.stat().st_mtime,
        reverse=True,
    )
    for folder in entries[keep:]:
        shutil.rmtree(folder, ignore_errors=True)
