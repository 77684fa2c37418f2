"""The one way RDF files are read: hermetically, by suffix, with errors that name file and line.

``read_graph`` gives an rdflib graph (pySHACL's input and the reference store), ``read_turtle`` a
curated Turtle file that may hold no blank node, ``load_store`` a pyoxigraph store (the embedded
store and the fast validator) and ``read_triples`` pyoxigraph triples (publishing). Nothing here
fetches anything: rdflib's JSON-LD parser would load remote contexts, so JSON-LD is read by
pyoxigraph only.
"""

from __future__ import annotations

import re
import warnings
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

import pyoxigraph as ox

from hngraph.errors import RdfFileError, RegistryError
from hngraph.rdf.formats import RdfFormat, format_of

if TYPE_CHECKING:
    from rdflib import Graph

#: Formats rdflib reads here (JSON-LD is left to pyoxigraph: rdflib would fetch contexts).
RDFLIB_FORMATS = ("ttl", "nt", "rdf", "nq", "trig")


#: How much of an RDF/XML file is read to find its DOCTYPE (the prolog precedes the root element).
PROLOG_BYTES = 1 << 16
_DOCTYPE = re.compile(rb"<!DOCTYPE\b")
_DECLARATION = re.compile(rb"<!ENTITY\b|\bSYSTEM\b|\bPUBLIC\b")


def _existing(path: Path, *, accept: tuple[str, ...] | None = None) -> RdfFormat:
    fmt = format_of(path, accept=accept)
    if not path.is_file():
        if path.exists():  # a FIFO, a device (/dev/zero), a folder: never opened
            raise RdfFileError(f"{path}: not a regular file")
        raise RdfFileError(f"{path}: file not found")
    if fmt.key == "rdf":
        refuse_entities(path)
    return fmt


def refuse_entities(path: Path) -> None:
    """Refuse RDF/XML whose DOCTYPE declares entities or names an external DTD.

    Nested internal entities expand exponentially (a 742-byte file builds a 1 GB literal) and
    external ones would read other files or URLs; RDF/XML needs neither. Only the prolog, which
    comes before the root element, is read; a prolog longer than ``PROLOG_BYTES`` is refused too.
    """
    try:
        with path.open("rb") as stream:
            head = stream.read(PROLOG_BYTES + 1)
    except OSError as error:
        raise RdfFileError(f"{path}: cannot read: {error.strerror}") from None
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        head = head.decode("utf-16", "replace").encode("utf-8")
    head = head.replace(b"\x00", b"")  # UTF-16 without a byte-order mark
    doctype = _DOCTYPE.search(head)
    if doctype is None:
        return
    line = head.count(b"\n", 0, doctype.start()) + 1
    root = re.search(rb"<[A-Za-z_]", head[doctype.end() :])
    subset = (
        head[doctype.end() :]
        if root is None
        else head[doctype.end() : doctype.end() + root.start()]
    )
    if _DECLARATION.search(subset) or (root is None and len(head) > PROLOG_BYTES):
        raise RdfFileError(
            f"{path}:{line}: RDF/XML with entity declarations or an external DTD is refused "
            "(entities can expand without bound); remove the DOCTYPE"
        )


def read_graph(path: Path | str) -> Graph:
    """Parse an RDF file into an rdflib graph (named graphs merged); errors name file:line."""
    from rdflib import Dataset, Graph

    path = Path(path)
    fmt = _existing(path, accept=RDFLIB_FORMATS)
    graph = Graph()
    try:
        with quiet_rdflib():
            if fmt.datasets:
                dataset = Dataset()
                dataset.parse(path, format=fmt.rdflib_name)
                for subject, predicate, obj, _graph in dataset.quads():
                    graph.add((subject, predicate, obj))
            else:
                graph.parse(path, format=fmt.rdflib_name)
    except Exception as error:  # rdflib raises several unrelated types for bad syntax
        raise RdfFileError(
            f"{_error_place(path, error)}: not valid {fmt.rdflib_name}: {_why(error)}"
        ) from None
    if not len(graph):
        raise _empty(path)
    return graph


def _too_large(path: Path, error: MemoryError) -> RdfFileError:
    return RdfFileError(f"{path}: a term is too large to read ({error})")


def _empty(path: Path) -> RdfFileError:
    """An RDF file without one triple: never data to validate, query or publish."""
    return RdfFileError(f"{path}: holds no triples (an empty or comment-only file)")


def read_turtle(path: Path) -> Graph:
    """Parse a curated Turtle file; a syntax error names the file and line; no blank nodes."""
    from rdflib import BNode

    try:
        graph = read_graph(path)
    except RdfFileError as error:
        raise RegistryError(str(error).replace("not valid turtle", "not valid Turtle")) from None
    blank = next((t for triple in graph for t in triple if isinstance(t, BNode)), None)
    if blank is not None:
        raise RegistryError(f"{path}: holds a blank node; give every resource an IRI")
    return graph


def load_store(
    paths: Iterable[Path | str],
    store: ox.Store | None = None,
    *,
    accept: tuple[str, ...] | None = None,
) -> ox.Store:
    """Load RDF files into a pyoxigraph store (a new in-memory one unless given).

    ``accept`` limits the formats (keys of ``hngraph.rdf.formats.FORMATS``), e.g. to those
    ``read_graph`` reads, so that every validation engine takes the same files.

    Relative IRIs resolve against the file's own ``file:`` IRI, as rdflib's ``read_graph`` does.
    """
    store = ox.Store() if store is None else store
    for path in map(Path, paths):
        fmt = _existing(path, accept=accept)
        before = len(store)
        try:
            store.bulk_load(path=str(path), format=fmt.oxigraph, base_iri=path.resolve().as_uri())
        except MemoryError as error:  # pyoxigraph: a token longer than its 16 MiB buffer
            raise _too_large(path, error) from None
        except (SyntaxError, OSError, ValueError) as error:
            if fmt.key in RDFLIB_FORMATS:
                read_graph(path)  # raises the same file:line message as the rdflib route
            raise RdfFileError(f"{path}: cannot load: {error}") from None
        if len(store) == before and _no_triples(path, fmt):
            raise _empty(path)
    return store


def _no_triples(path: Path, fmt: RdfFormat) -> bool:
    """Whether the file itself holds no triple (its triples may all be in the store already)."""
    return next(iter(ox.parse(path=str(path), format=fmt.oxigraph, base_iri=None)), None) is None


def read_triples(path: Path | str) -> Iterator[ox.Triple]:
    """Every triple of an RDF file (graph names are dropped), without touching the network."""
    return (ox.Triple(q.subject, q.predicate, q.object) for q in read_quads(path))


def read_quads(path: Path | str, *, accept: tuple[str, ...] | None = None) -> list[ox.Quad]:
    """Every statement of an RDF file with its graph (``ox.DefaultGraph`` for the triples of
    Turtle, N-Triples, RDF/XML, JSON-LD and for a dataset's default graph), without touching
    the network; relative IRIs resolve against the file's ``file:`` IRI. ``accept`` as in
    ``load_store``."""
    path = Path(path)
    fmt = _existing(path, accept=accept)
    try:
        quads = list(
            ox.parse(path=str(path), format=fmt.oxigraph, base_iri=path.resolve().as_uri())
        )
    except MemoryError as error:
        raise _too_large(path, error) from None
    except (SyntaxError, ValueError, OSError) as error:
        raise RdfFileError(f"{path}: not valid RDF: {error}") from None
    if not quads:
        raise _empty(path)
    return quads


@contextmanager
def quiet_rdflib() -> Iterator[None]:
    """Mute rdflib's traceback for ill-typed literals (the shapes report them) and warnings."""
    import logging  # here, not at the top: the embedded store's path does not need it

    logger = logging.getLogger("rdflib.term")
    level = logger.level
    logger.setLevel(logging.ERROR)
    try:
        with warnings.catch_warnings():  # rdflib's TriG parser uses its own deprecated API
            warnings.simplefilter("ignore", DeprecationWarning)
            yield
    finally:
        logger.setLevel(level)


_quiet_rdflib = quiet_rdflib  # the name hngraph.validation.run imports


def _error_place(path: Path, error: Exception) -> str:
    line = getattr(error, "lines", None)  # notation3.BadSyntax: 0-based line
    if isinstance(line, int):
        return f"{path}:{line + 1}"
    line = getattr(error, "getLineNumber", None)  # SAXParseException (RDF/XML)
    return f"{path}:{line()}" if callable(line) else str(path)


def _why(error: Exception) -> str:
    reason = getattr(error, "_why", None)
    return str(reason if reason else error).strip().splitlines()[0]
