"""Reading and writing RDF files: hermetic parsing, byte-stable Turtle, atomic writes."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Mapping
from pathlib import Path

from rdflib import BNode, Graph

from hngraph.errors import RegistryError


def read_turtle(path: Path) -> Graph:
    """Parse a Turtle file; a syntax error names the file and line."""
    graph = Graph()
    try:
        graph.parse(path, format="turtle")
    except FileNotFoundError:
        raise RegistryError(f"{path}: file not found") from None
    except Exception as error:  # rdflib raises several unrelated types for bad syntax
        raise RegistryError(f"{path}: not valid Turtle: {error}") from None
    blank = next((t for triple in graph for t in triple if isinstance(t, BNode)), None)
    if blank is not None:
        raise RegistryError(f"{path}: holds a blank node; give every resource an IRI")
    return graph


def turtle_bytes(graph: Graph, header: str) -> bytes:
    """Serialise as byte-stable Turtle (rdflib ``longturtle``) after a comment header."""
    body = graph.serialize(format="longturtle", encoding="utf-8")
    comment = "".join(f"# {line}\n" if line else "#\n" for line in header.splitlines())
    return comment.encode("utf-8") + b"\n" + body


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
