"""Split a dataset into its parts: the shared part and one part per task list.

A triple belongs to the part of its subject: a subject under ``https://w3id.org/hngraph/id/list/
{slug}`` to list ``slug``, any other subject (ontology, registry, schemes, the dataset's own
description) to the shared part (``None``). Each part has a content digest and, once parsed, its
canonical N-Triples and a ``Summary`` of what kinds of objects its predicates point to (what
``hngraph.validation.incremental.locality`` needs to prove that lists are validated apart).

Two ways to split, giving the same parts:

* ``split_turtle``: the file ``hngraph build`` writes (one Turtle file, shared subjects first,
  then each list's subjects together, each list opening with the list node's own subject block).
  Bytes are cut before each list node's subject line, without parsing; a part's digest is that of
  its bytes, so an unchanged list costs a hash. The cuts are proved right by parsing (see
  ``Section``): the shared block is parsed on every run; a list's bytes are parsed when its
  digest is new (the parse, its success and its owners are what the cache entry records).
* ``split_parsed``: any other input (several files, N-Triples, RDF/XML): every file parsed,
  triples grouped by the owner of their subject; a part's digest is that of its canonical
  (sorted) N-Triples.
"""

from __future__ import annotations

import hashlib
import mmap
import re
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox

from hngraph.rdf.formats import format_of
from hngraph.rdf.read import RDFLIB_FORMATS
from hngraph.vocab import ID

LIST_PREFIX = ID + "list/"

#: Object kinds in a ``Summary``: a literal, a shared IRI, an IRI of the same list (list parts),
#: an IRI of some list (the shared part); and what breaks the partition: another list's IRI in a
#: list part, a blank node anywhere.
LITERAL, SHARED, OWN, LIST, OTHER, BLANK = "v", "s", "o", "l", "x", "b"


class NotSplit(Exception):
    """The input cannot be split this way (the caller tries another way or validates it whole)."""


def owner(iri: str) -> str | None:
    """The list an IRI belongs to (its slug), or None for the shared part."""
    if iri.startswith(LIST_PREFIX):
        return iri[len(LIST_PREFIX) :].partition("/")[0]
    return None


@dataclass
class Summary:
    """Per predicate, the kinds of objects a part's triples have; the partition's violations."""

    objects: dict[str, set[str]] = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)

    def to_json(self) -> dict:
        """A JSON form (sorted, so that equal summaries give equal bytes)."""
        return {
            "objects": {p: "".join(sorted(k)) for p, k in sorted(self.objects.items())},
            "problems": sorted(self.problems),
        }

    @classmethod
    def from_json(cls, data: dict) -> Summary:
        """The summary of ``to_json`` (raises on a malformed one)."""
        objects = {str(p): set(str(k)) for p, k in dict(data["objects"]).items()}
        return cls(objects=objects, problems=[str(p) for p in data["problems"]])


@dataclass
class Parsed:
    """A part's triples as a document pyoxigraph reads (``text`` in ``format``), and its summary.

    ``format`` is ``"nt"`` (canonical N-Triples: sorted lines) or ``"ttl"`` (the part's Turtle
    block after the prefixes it needs); ``triples`` counts them.
    """

    text: bytes
    format: str
    summary: Summary
    triples: int


@dataclass
class Part:
    """One part: ``slug`` (None: shared), a content digest, and how to parse it."""

    slug: str | None
    digest: str
    parse: Callable[[], Parsed]


@dataclass
class Split:
    """A dataset cut into parts: the shared part first, then the lists in file order."""

    how: str  # "turtle" or "parsed"
    shared: Part
    lists: list[Part]


def summarize(quads: Iterable[ox.Quad], slug: str | None, turtle: bytes | None = None) -> Parsed:
    """The summary of part ``slug``'s triples (all must be owned by it) and its document.

    With ``turtle`` (the part's own Turtle), that is the document; else canonical N-Triples.
    """
    objects: dict[ox.NamedNode, set[str]] = {}
    problems: set[str] = set()
    checked: set[object] = set()
    kinds: dict[object, str] = {}
    lines: list[str] | None = [] if turtle is None else None
    count = 0
    for quad in quads:
        count += 1
        subject, obj = quad.subject, quad.object
        if subject not in checked:
            checked.add(subject)
            if not isinstance(subject, ox.NamedNode):
                problems.add(f"blank node subject {subject}")
            elif owner(subject.value) != slug:
                raise NotSplit(f"{subject} is not in part {slug!r}")
        kind = LITERAL if isinstance(obj, ox.Literal) else kinds.get(obj)
        if kind is None:
            kind = kinds[obj] = _kind(obj, slug)
        if kind in (OTHER, BLANK):
            problems.add(f"{subject} {quad.predicate} {obj}")
        found = objects.get(quad.predicate)
        if found is None:
            objects[quad.predicate] = {kind}
        else:
            found.add(kind)
        if lines is not None:
            lines.append(f"{quad.triple} .\n")
    summary = Summary({p.value: k for p, k in objects.items()}, sorted(problems))
    if lines is None:
        assert turtle is not None
        return Parsed(turtle, "ttl", summary, count)
    unique = sorted(set(lines))
    return Parsed("".join(unique).encode("utf-8"), "nt", summary, len(unique))


def _kind(term: object, slug: str | None) -> str:
    if isinstance(term, ox.Literal):
        return LITERAL
    if isinstance(term, ox.NamedNode):
        found = owner(term.value)
        if found is None:
            return SHARED
        if slug is None:
            return LIST
        return OWN if found == slug else OTHER
    return BLANK  # a blank node (or an RDF-star triple term)


def digest(*chunks: bytes | memoryview) -> str:
    """SHA-256 of the chunks, each length-prefixed (so that no two sequences collide)."""
    hasher = hashlib.sha256()
    for chunk in chunks:
        hasher.update(len(chunk).to_bytes(8, "big"))
        hasher.update(chunk)
    return hasher.hexdigest()


# ---------------------------------------------------------------------------------------------
# The build's Turtle file, cut by bytes
# ---------------------------------------------------------------------------------------------


def split_turtle(data: bytes | mmap.mmap, exhaustive: bool = False) -> Split:
    """Cut the bytes of one Turtle file before each list node's subject block.

    Why the cuts are right whenever every piece parses on its own (the shared block, then each
    list's block after the shared block's prefixes and base): the shared block starts the file.
    If a piece starts where the whole file's parser is between statements, the piece's own parse
    reads the same tokens as the whole file's parse until the piece ends; it succeeds only if
    the piece ends between statements too (not inside a statement, a string or a bracket), and a
    piece that declares no prefix or base leaves the next piece the same prefixes. By induction
    every cut is between statements, and the parts' triples are exactly the file's triples.
    Pieces are parsed without a base IRI, where a relative IRI is an error: the parts' triples do
    not depend on where the file lies (the whole file's route resolves against its path).
    Blank node labels would be scoped per piece, so a piece with a blank node is a violation of
    the partition (``Summary.problems``), never silently split.

    Where the cuts go is only a guess, proved or refused by those parses: by default before each
    ``<…/list/{slug}>`` line that the build writes with ``a hn:TaskList`` next (one fast byte
    search); ``exhaustive`` tries every ``<…/list/{slug}>`` subject line instead (a regular
    expression over the whole file).
    """
    cuts = _exhaustive_cuts(data) if exhaustive else _fast_cuts(data)
    if not cuts:
        raise NotSplit("no list node found by bytes")
    slugs = [slug for _, slug in cuts]
    if len(set(slugs)) != len(slugs):
        raise NotSplit("a list's subjects are not together")
    view = memoryview(data)
    head = _Head(bytes(view[: cuts[0][0]]))
    shared = Part(None, digest(b"turtle-shared", head.data), head.parsed)
    ends = [start for start, _ in cuts[1:]] + [len(data)]
    sections = [view[start:end] for (start, _), end in zip(cuts, ends, strict=True)]
    items = [(b"turtle-list", slug.encode(), sections[i]) for i, slug in enumerate(slugs)]
    parts = [
        Part(slug, found, _Section(head, section, slug))
        for slug, found, section in zip(slugs, _digests(items), sections, strict=True)
    ]
    return Split("turtle", shared, parts)


def _digests(items: Sequence[tuple[bytes | memoryview, ...]]) -> list[str]:
    """``digest`` of each item, on two threads (hashlib lets go of the GIL on large buffers)."""
    if len(items) < 16:
        return [digest(*item) for item in items]
    half = len(items) // 2
    with ThreadPoolExecutor(max_workers=1) as pool:
        first = pool.submit(lambda: [digest(*item) for item in items[:half]])
        rest = [digest(*item) for item in items[half:]]
        return first.result() + rest


_NODE_LINE = re.compile(rb"\n\.\n\n<" + re.escape(LIST_PREFIX.encode()) + rb"([^/>\s]*)>\n")
_TYPED = b">\n    a hn:TaskList ;\n"


def _fast_cuts(data: bytes | mmap.mmap) -> list[tuple[int, str]]:
    """Where each list node's block starts, found by its ``a hn:TaskList`` line."""
    cuts = []
    position = data.find(_TYPED)
    while position >= 0:
        start = data.rfind(b"\n", 0, max(position - 1, 0))
        found = _NODE_LINE.match(data, max(start - 3, 0), position + 2)
        if found is not None:
            cuts.append((found.start() + 4, found.group(1).decode("utf-8", "replace")))
        position = data.find(_TYPED, position + 1)
    return cuts


def _exhaustive_cuts(data: bytes | mmap.mmap) -> list[tuple[int, str]]:
    return [
        (m.start() + 4, m.group(1).decode("utf-8", "replace")) for m in _NODE_LINE.finditer(data)
    ]


class _Head:
    """The shared block: parsed on demand (for its triples, or for the lists' prefixes)."""

    def __init__(self, data: bytes) -> None:
        self.data = data
        self._quads: list[ox.Quad] | None = None
        self.header = b""
        self.prefixes: dict[str, str] = {}
        self.base_iri: str | None = None
        self._parsed: Parsed | None = None

    def quads(self) -> list[ox.Quad]:
        if self._quads is None:
            try:  # without a base IRI a relative IRI is an error: the parts do not depend on
                parser = ox.parse(self.data, format=ox.RdfFormat.TURTLE, base_iri=None)  # where
                quads = list(parser)  # the file lies
            except (SyntaxError, ValueError, MemoryError) as error:
                raise NotSplit(f"the shared block does not parse on its own: {error}") from None
            self.prefixes, self.base_iri = dict(parser.prefixes), parser.base_iri
            header = "".join(f"PREFIX {p}: <{iri}>\n" for p, iri in sorted(self.prefixes.items()))
            if self.base_iri is not None:
                header = f"BASE <{self.base_iri}>\n" + header
            self.header = header.encode("utf-8")
            self._quads = quads
        return self._quads

    def parsed(self) -> Parsed:
        if self._parsed is None:
            self._parsed = summarize(self.quads(), None, self.data)
        return self._parsed


class _Section:
    """One list's block, parsed after the shared block's prefixes."""

    def __init__(self, head: _Head, section: memoryview, slug: str) -> None:
        self.head, self.section, self.slug = head, section, slug

    def __call__(self) -> Parsed:
        self.head.quads()
        text = self.head.header + bytes(self.section)
        try:
            parser = ox.parse(text, format=ox.RdfFormat.TURTLE, base_iri=None)
            quads = list(parser)  # the prefixes are known once every quad is read
        except (SyntaxError, ValueError, MemoryError) as error:
            raise NotSplit(f"list {self.slug}'s block does not parse on its own: {error}") from None
        if dict(parser.prefixes) != self.head.prefixes or parser.base_iri != self.head.base_iri:
            raise NotSplit(f"list {self.slug}'s block declares a prefix or base")
        return summarize(quads, self.slug, text)


# ---------------------------------------------------------------------------------------------
# Any input, parsed
# ---------------------------------------------------------------------------------------------


def split_parsed(paths: Sequence[Path]) -> Split:
    """Parse every file and group the triples by the owner of their subject."""
    groups: dict[str | None, list[ox.Quad]] = {None: []}
    for path in paths:
        fmt = format_of(path, accept=RDFLIB_FORMATS)
        if fmt.key not in ("ttl", "nt"):  # RDF/XML is read with its guards, named graphs whole
            raise NotSplit(f"{path}: only Turtle and N-Triples files are split")
        before = sum(len(quads) for quads in groups.values())
        try:
            quads = ox.parse(path=str(path), format=fmt.oxigraph, base_iri=path.resolve().as_uri())
            for quad in quads:
                subject = quad.subject
                key = owner(subject.value) if isinstance(subject, ox.NamedNode) else None
                groups.setdefault(key, []).append(quad)
        except (SyntaxError, ValueError, OSError, MemoryError) as error:
            raise NotSplit(f"{path}: {error}") from None
        if sum(len(quads) for quads in groups.values()) == before:
            raise NotSplit(f"{path}: no triples")  # the whole route names the error
    parsed = {key: summarize(quads, key) for key, quads in groups.items()}
    parts = {
        key: Part(key, digest(b"ntriples", value.text), _constant(value))
        for key, value in parsed.items()
    }
    lists = [parts[key] for key in sorted(k for k in parts if k is not None)]
    return Split("parsed", parts[None], lists)


def _constant(value: Parsed) -> Callable[[], Parsed]:
    return lambda: value


def split_files(paths: Sequence[Path], exhaustive: bool = False) -> Split:
    """The build's Turtle file cut by bytes where it can be, else every file parsed."""
    if len(paths) == 1 and paths[0].suffix.lower() == ".ttl":
        try:
            return split_turtle(_map(paths[0]), exhaustive)
        except (NotSplit, OSError, ValueError):
            pass
    return split_parsed(paths)


def _map(path: Path) -> bytes | mmap.mmap:
    """The file's bytes, mapped rather than copied (an empty file is read)."""
    with path.open("rb") as stream:
        try:
            return mmap.mmap(stream.fileno(), 0, access=mmap.ACCESS_READ)
        except ValueError:  # an empty file cannot be mapped
            return stream.read()
