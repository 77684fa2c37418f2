"""Reading and writing RDF files: hermetic parsing, byte-stable streamed Turtle, atomic writes."""

from __future__ import annotations

import io
import os
import re
import tempfile
from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import Any, BinaryIO, Protocol

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import RDF, RDFS, XSD
from rdflib.term import Node

from hngraph.errors import HngraphError, RegistryError


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


class Sink(Protocol):
    """Where a writer sends bytes: a binary file, or a stream that compares with one."""

    def write(self, data: bytes, /) -> object: ...


_DIGITS = re.compile(r"([0-9]+)")
_STRING_ESCAPES = {
    ord('"'): '\\"',
    ord("\\"): "\\\\",
    ord("\n"): "\\n",
    ord("\r"): "\\r",
    ord("\t"): "\\t",
    ord("\b"): "\\b",
    ord("\f"): "\\f",
}
for _code in (*range(0x20), 0x7F):
    _STRING_ESCAPES.setdefault(_code, f"\\u{_code:04X}")
_NEEDS_ESCAPE = re.compile(r'["\\\x00-\x1f\x7f]')
_NOT_IN_IRIREF = re.compile(r'[\x00-\x20<>"{}|^`\\]')
_SAFE_LOCAL = re.compile(r"(?:[A-Za-z_](?:[A-Za-z0-9_.-]*[A-Za-z0-9_-])?)?")
_LANGUAGE_TAG = re.compile(r"[a-zA-Z]+(?:-[a-zA-Z0-9]+)*")
_BARE = {
    str(XSD.integer): re.compile(r"-?(?:0|[1-9][0-9]*)"),
    str(XSD.boolean): re.compile(r"true|false"),
}
_TYPE = str(RDF.type)
_LABEL = str(RDFS.label)  # compare as ``str``: an rdflib URIRef never equals a plain str
_CACHE_LIMIT = 20_000  # names kept across blocks; most IRIs of a list are used in it only


def natural_key(text: str) -> tuple[tuple[str | int, ...], str]:
    """Sort key that orders runs of digits by value (``task/2`` before ``task/10``)."""
    text = str(text)
    parts: list[str | int] = list(_DIGITS.split(text))
    parts[1::2] = [int(digits) for digits in parts[1::2]]
    return tuple(parts), text


def _object_key(node: Node) -> tuple:
    if isinstance(node, Literal):
        return (1, str(node), node.language or "", str(node.datatype or ""))
    return (0, natural_key(str(node)))


def _predicate_key(predicate: URIRef) -> tuple[int, str]:
    iri = str(predicate)
    return (0 if iri == _TYPE else 1 if iri == _LABEL else 2, iri)


def _quoted(text: str) -> str:
    if _NEEDS_ESCAPE.search(text):
        text = text.translate(_STRING_ESCAPES)
    return f'"{text}"'


class TurtleWriter:
    """Deterministic Turtle written a block of subjects at a time, so a big graph can stream.

    Layout (like rdflib's ``longturtle``): a comment header, sorted ``PREFIX`` lines, then one
    block per subject in the order of ``key``: ``a`` first, then ``rdfs:label``, then the other
    predicates by IRI; several objects go one a line, sorted (IRIs first, digit runs by value).
    Prefixed names are used only where the local part is a plain ASCII name that every Turtle
    parser reads; other IRIs are written in full. Integers in canonical form and booleans are
    written bare, other typed literals with ``^^``. A blank node is an error: the dataset has none.
    """

    def __init__(
        self,
        sink: Sink,
        prefixes: Mapping[str, str],
        header: str,
        key: Callable[[str], Any] = natural_key,
    ) -> None:
        self._sink = sink
        self._key = key
        self._namespaces = {namespace: prefix for prefix, namespace in prefixes.items()}
        self._names: dict[str, str] = {}
        self._languages: set[str] = set()
        comment = "".join(f"# {line}\n" if line else "#\n" for line in header.splitlines())
        declared = "".join(f"PREFIX {p}: <{prefixes[p]}>\n" for p in sorted(prefixes))
        sink.write(f"{comment}\n{declared}".encode())

    def write_subjects(self, subjects: Mapping[URIRef, Iterable[tuple[URIRef, Node]]]) -> None:
        """Write the blocks of these subjects, sorted by the writer's key."""
        blocks = [
            self._block(subject, subjects[subject]) for subject in sorted(subjects, key=self._key)
        ]
        if len(self._names) > _CACHE_LIMIT:
            self._names.clear()
        self._sink.write("".join(blocks).encode("utf-8"))

    def _block(self, subject: URIRef, pairs: Iterable[tuple[URIRef, Node]]) -> str:
        by_predicate: dict[URIRef, list[Node]] = {}
        for predicate, value in pairs:
            found = by_predicate.get(predicate)
            if found is None:
                by_predicate[predicate] = [value]
            else:
                found.append(value)
        lines = [self.term(subject)]
        for predicate in sorted(by_predicate, key=_predicate_key):
            values = by_predicate[predicate]
            if len(values) > 1:
                values = sorted(dict.fromkeys(values), key=_object_key)  # a graph is a set
            verb = "a" if str(predicate) == _TYPE else self.term(predicate)
            if len(values) == 1:
                lines.append(f"    {verb} {self.term(values[0])} ;")
            else:
                rendered = " ,\n        ".join(self.term(value) for value in values)
                lines.append(f"    {verb}\n        {rendered} ;")
        return "\n" + "\n".join(lines) + "\n.\n"

    def term(self, node: Node) -> str:
        """One term in Turtle syntax."""
        kind = type(node)
        if kind is not URIRef:
            if kind is Literal or isinstance(node, Literal):
                return self._literal(node)  # type: ignore[arg-type]
            if not isinstance(node, URIRef):
                raise HngraphError(
                    f"cannot write {node!r}: the graph holds a blank node; "
                    "every resource needs an IRI"
                )
        name = self._names.get(node)
        if name is None:
            name = self._names[node] = self._iri(str(node))
        return name

    def _iri(self, iri: str) -> str:
        if _NOT_IN_IRIREF.search(iri):
            raise HngraphError(
                f"cannot write the IRI {iri!r} in Turtle: it holds a character IRIs may not"
            )
        cut = max(iri.rfind("/"), iri.rfind("#")) + 1
        prefix = self._namespaces.get(iri[:cut])
        if prefix is not None and _SAFE_LOCAL.fullmatch(iri, cut):
            return f"{prefix}:{iri[cut:]}"
        return f"<{iri}>"

    def _literal(self, literal: Literal) -> str:
        lexical = str(literal)
        language = literal.language
        if language:
            if language not in self._languages:
                if not _LANGUAGE_TAG.fullmatch(language):
                    raise HngraphError(f"cannot write the language tag {language!r} in Turtle")
                self._languages.add(language)
            return f"{_quoted(lexical)}@{language}"
        datatype = literal.datatype
        if datatype is None:
            return _quoted(lexical)
        bare = _BARE.get(str(datatype))
        if bare is not None and bare.fullmatch(lexical):
            return lexical
        return f"{_quoted(lexical)}^^{self.term(datatype)}"


def turtle_bytes(
    graph: Graph, header: str, prefixes: Mapping[str, str], key: Callable[[str], Any] = natural_key
) -> bytes:
    """A whole (small) graph as the bytes ``TurtleWriter`` writes."""
    subjects: dict[URIRef, list[tuple[URIRef, Node]]] = {}
    for subject, predicate, value in graph:
        subjects.setdefault(subject, []).append((predicate, value))
    buffer = io.BytesIO()
    TurtleWriter(buffer, prefixes, header, key).write_subjects(subjects)
    return buffer.getvalue()


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
