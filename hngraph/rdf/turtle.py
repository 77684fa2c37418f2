"""Byte-stable Turtle, written a block of subjects at a time so that a big graph can stream."""

from __future__ import annotations

import io
import re
from collections.abc import Callable, Iterable, Mapping
from typing import Any, cast

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import RDF, RDFS, XSD
from rdflib.term import Node

from hngraph.errors import HngraphError
from hngraph.rdf.files import Sink

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
        self._names: dict[Node, str] = {}  # IRI -> its Turtle name
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
        # rdflib types graph terms as Node; a blank node subject is refused by ``term``
        subjects.setdefault(cast(URIRef, subject), []).append((cast(URIRef, predicate), value))
    buffer = io.BytesIO()
    TurtleWriter(buffer, prefixes, header, key).write_subjects(subjects)
    return buffer.getvalue()
