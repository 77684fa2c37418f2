"""Atomic file writes: a temporary sibling renamed into place, and a sink that compares instead."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator, Mapping
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


def write_atomically(files: Mapping[Path, bytes]) -> None:
    """Write every file to a temporary sibling first, then rename them all into place."""
    staged: list[tuple[str, Path]] = []
    mode = _file_mode()
    try:
        for path, data in files.items():
            path.parent.mkdir(parents=True, exist_ok=True)
            handle, temp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
            staged.append((temp, path))
            with os.fdopen(handle, "wb") as stream:
                stream.write(data)
            os.chmod(temp, mode)
        for temp, path in staged:
            os.replace(temp, path)
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
    handle, temp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        with os.fdopen(handle, "wb", buffering=1 << 20) as stream:
            yield stream
        os.chmod(temp, _file_mode())
        os.replace(temp, path)
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
