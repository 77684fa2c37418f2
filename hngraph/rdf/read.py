"""The one way RDF files are read: hermetically, by suffix, with errors that name file and line.

``read_graph`` gives an rdflib graph (pySHACL's input and the reference store), ``read_turtle`` a
curated Turtle file that may hold no blank node, ``load_store`` a pyoxigraph store (the embedded
store and the fast validator) and ``read_triples`` pyoxigraph triples (publishing). Nothing here
fetches anything: rdflib's JSON-LD parser would load remote contexts, so JSON-LD is read by
pyoxigraph only.
"""

from __future__ import annotations

import logging
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


def _existing(path: Path, *, accept: tuple[str, ...] | None = None) -> RdfFormat:
    fmt = format_of(path, accept=accept)
    if not path.is_file():
        raise RdfFileError(f"{path}: file not found")
    return fmt


def read_graph(path: Path | str) -> Graph:
    """Parse an RDF file into an rdflib graph (named graphs merged); errors name file:line."""
    from rdflib import Dataset, Graph

    path = Path(path)
    fmt = _existing(path, accept=RDFLIB_FORMATS)
    graph = Graph()
    try:
        with _quiet_rdflib():
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
    return graph


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


def load_store(paths: Iterable[Path | str], store: ox.Store | None = None) -> ox.Store:
    """Load RDF files into a pyoxigraph store (a new in-memory one unless given).

    Relative IRIs resolve against the file's own ``file:`` IRI, as rdflib's ``read_graph`` does.
    """
    store = ox.Store() if store is None else store
    for path in map(Path, paths):
        fmt = _existing(path)
        try:
            store.bulk_load(path=str(path), format=fmt.oxigraph, base_iri=path.resolve().as_uri())
        except (SyntaxError, OSError, ValueError) as error:
            if fmt.key in RDFLIB_FORMATS:
                read_graph(path)  # raises the same file:line message as the rdflib route
            raise RdfFileError(f"{path}: cannot load: {error}") from None
    return store


def read_triples(path: Path | str) -> Iterator[ox.Triple]:
    """Every triple of an RDF file (graph names are dropped), without touching the network."""
    path = Path(path)
    fmt = _existing(path)
    try:
        quads = list(
            ox.parse(path=str(path), format=fmt.oxigraph, base_iri=path.resolve().as_uri())
        )
    except (SyntaxError, ValueError, OSError) as error:
        raise RdfFileError(f"{path}: not valid RDF: {error}") from None
    return (ox.Triple(q.subject, q.predicate, q.object) for q in quads)


@contextmanager
def _quiet_rdflib() -> Iterator[None]:
    """Mute rdflib's traceback for ill-typed literals (the shapes report them) and warnings."""
    logger = logging.getLogger("rdflib.term")
    level = logger.level
    logger.setLevel(logging.ERROR)
    try:
        with warnings.catch_warnings():  # rdflib's TriG parser uses its own deprecated API
            warnings.simplefilter("ignore", DeprecationWarning)
            yield
    finally:
        logger.setLevel(level)


def _error_place(path: Path, error: Exception) -> str:
    line = getattr(error, "lines", None)  # notation3.BadSyntax: 0-based line
    if isinstance(line, int):
        return f"{path}:{line + 1}"
    line = getattr(error, "getLineNumber", None)  # SAXParseException (RDF/XML)
    return f"{path}:{line()}" if callable(line) else str(path)


def _why(error: Exception) -> str:
    reason = getattr(error, "_why", None)
    return str(reason if reason else error).strip().splitlines()[0]
