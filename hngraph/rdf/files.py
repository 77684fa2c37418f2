"""Atomic, durable file writes: temp sibling renamed into place; sinks that compare or hash.

Every write goes temp file → ``fsync`` → ``os.replace`` → folder ``fsync``, so after a crash a file
is either its old or its new version, never a truncated one. Temporary files are named
``.NAME.XXXXXXXX.tmp``; one that a killed process left behind is removed by the next write of NAME.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import BinaryIO, Protocol


class Sink(Protocol):
    """Where a writer sends bytes: a binary file, or a stream that compares with one."""

    def write(self, data: bytes, /) -> object: ...


def _file_mode() -> int:
    """The mode a new file gets from the process umask (``mkstemp`` would make it 0600)."""
    umask = os.umask(0)
    os.umask(umask)
    return 0o666 & ~umask


TEMP_SUFFIX = ".tmp"


def _temp_prefix(path: Path) -> str:
    return f".{path.name}."


def remove_stale_temps(path: Path) -> list[Path]:
    """Remove temporary siblings of ``path`` that an interrupted write left; return them."""
    prefix = _temp_prefix(path)
    stale = [
        found
        for found in (path.parent.glob(f"{prefix}*{TEMP_SUFFIX}") if path.parent.is_dir() else ())
        if len(found.name) == len(prefix) + 8 + len(TEMP_SUFFIX)  # mkstemp's 8 random characters
    ]
    for found in stale:
        found.unlink(missing_ok=True)
    return stale


def _new_temp(path: Path) -> tuple[int, str]:
    remove_stale_temps(path)
    return tempfile.mkstemp(prefix=_temp_prefix(path), suffix=TEMP_SUFFIX, dir=path.parent)


def fsync_folder(folder: Path) -> None:
    """Make a rename in ``folder`` durable (a no-op where folders cannot be opened)."""
    try:
        handle = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(handle)
    except OSError:
        pass
    finally:
        os.close(handle)


def write_atomically(files: Mapping[Path, bytes]) -> None:
    """Write every file to a temporary sibling first (fsynced), then rename them all into place."""
    staged: list[tuple[str, Path]] = []
    mode = _file_mode()
    try:
        for path, data in files.items():
            path.parent.mkdir(parents=True, exist_ok=True)
            handle, temp = _new_temp(path)
            staged.append((temp, path))
            with os.fdopen(handle, "wb") as stream:
                stream.write(data)
                stream.flush()
                os.fsync(stream.fileno())
            os.chmod(temp, mode)
        for temp, path in staged:
            os.replace(temp, path)
        for folder in sorted({path.parent for _, path in staged}):
            fsync_folder(folder)
    finally:
        for temp, _ in staged:
            if os.path.exists(temp):
                os.unlink(temp)


def _make_folders(folder: Path) -> list[Path]:
    """Create ``folder`` and missing parents; return those created, outermost first."""
    missing = [f for f in (folder, *folder.parents) if not f.exists()]
    folder.mkdir(parents=True, exist_ok=True)
    return missing[::-1]


@contextmanager
def atomic_stream(path: Path) -> Iterator[BinaryIO]:
    """A binary stream to a temporary sibling of ``path``, renamed into place only on success.

    If the block raises, the temporary file is removed (and any folder this call created), so a
    failed write leaves nothing behind and an existing file unchanged.
    """
    created = _make_folders(path.parent)
    handle, temp = _new_temp(path)
    try:
        with os.fdopen(handle, "wb", buffering=1 << 20) as stream:
            yield stream
            stream.flush()
            os.fsync(stream.fileno())
        os.chmod(temp, _file_mode())
        os.replace(temp, path)
        fsync_folder(path.parent)
    except BaseException:
        if os.path.exists(temp):
            os.unlink(temp)
        for folder in reversed(created):
            try:
                folder.rmdir()
            except OSError:
                break
        raise


class ComparingSink:
    """A sink that compares the bytes written to it with a file, a chunk at a time.

    Nothing is held beyond the chunk being compared; after the first difference the rest is
    only counted. Use as a context manager; ``same`` is final after it closes.
    """

    def __init__(self, path: Path) -> None:
        self._file: BinaryIO | None = path.open("rb") if path.is_file() else None
        self.same = self._file is not None

    def write(self, data: bytes, /) -> int:
        if self.same and self._file is not None:
            self.same = self._file.read(len(data)) == data
        return len(data)

    def __enter__(self) -> ComparingSink:
        return self

    def __exit__(self, *exc: object) -> None:
        if self._file is not None:
            if self.same:
                self.same = self._file.read(1) == b""
            self._file.close()


class HashingSink:
    """A sink that passes bytes on to another sink and keeps their SHA-256."""

    def __init__(self, sink: Sink) -> None:
        self._sink = sink
        self._hash = hashlib.sha256()

    def write(self, data: bytes, /) -> object:
        self._hash.update(data)
        return self._sink.write(data)

    def hexdigest(self) -> str:
        """The SHA-256 of everything written so far."""
        return self._hash.hexdigest()


def manifest_bytes(digests: Iterable[tuple[str, str]]) -> bytes:
    """``sha256sum -c``-compatible lines (``HEX  NAME``) for (name, hex digest) pairs, by name."""
    return "".join(f"{digest}  {name}\n" for name, digest in sorted(digests)).encode()
