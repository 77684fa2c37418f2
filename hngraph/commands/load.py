"""``hngraph load``: upload the dataset to a SPARQL 1.1 Graph Store, each graph into its graph.

The file is read with the one RDF reader (``hngraph.rdf.read``), split by graph, and each graph
is sent as N-Triples, one Graph Store Protocol request per graph (``?graph=IRI``; the default
graph of the file to ``?default``). N-Triples because every store reads it (GSP bodies are
graphs, not datasets, so TriG and N-Quads cannot be sent as they are), it holds absolute IRIs
only (a store would resolve a Turtle file's relative IRIs against the request URL, not against
the file as the reader does), and what is sent is what was counted.
"""

from __future__ import annotations

import argparse
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from hngraph.commands.options import positive
from hngraph.errors import EXIT_OK, HngraphError

if TYPE_CHECKING:
    import pyoxigraph as ox

    from hngraph.rdf.formats import RdfFormat

SENT_AS = "application/n-triples"
NO_DEFAULT = (
    " (sending the default graph, which a store may not have: Virtuoso's /sparql-graph-crud "
    "as set up by its package has none; give --graph IRI)"
)


def add_parser(subparsers: argparse._SubParsersAction) -> argparse.ArgumentParser:
    parser = subparsers.add_parser(
        "load",
        help="upload the dataset to a SPARQL 1.1 Graph Store endpoint",
        description="Read the built dataset (or --data FILE: Turtle, N-Triples, TriG, N-Quads, "
        "RDF/XML, JSON-LD), split it by graph and send each graph as N-Triples to a SPARQL 1.1 "
        "Graph Store Protocol endpoint, with HTTP PUT (replace the graph) or, with --append, "
        "POST. A named graph of a TriG or N-Quads file goes to that graph (?graph=IRI), the "
        "triples of a Turtle or N-Triples file to the default graph (?default) or to --graph.",
        epilog="example: hngraph load --endpoint http://127.0.0.1:7878/store "
        "--data release/dataset/hngraph.trig",
    )
    parser.add_argument(
        "--endpoint",
        required=True,
        metavar="URL",
        help="the Graph Store URL (Oxigraph: /store, Virtuoso: /sparql-graph-crud)",
    )
    parser.add_argument(
        "--graph",
        metavar="IRI",
        help="target named graph of a triples file (default: the default graph); "
        "not with TriG or N-Quads, whose graphs are named in the file",
    )
    parser.add_argument(
        "--data", type=Path, metavar="FILE", help="file to send (default: data/dataset/hngraph.ttl)"
    )
    parser.add_argument(
        "--append", action="store_true", help="add to each graph (POST) instead of replacing it"
    )
    parser.add_argument(
        "--timeout",
        type=positive(float),
        default=60.0,
        metavar="SECONDS",
        help="per attempt (default: 60)",
    )
    return parser


@dataclass(frozen=True)
class Part:
    """One graph of the file, ready to send: its IRI (None: the default graph) and body."""

    graph: str | None
    body: bytes
    triples: int

    @property
    def label(self) -> str:
        return _label(self.graph)


def file_format(path: Path) -> RdfFormat:
    """The format of ``path`` from the one format table, or a message listing what is read."""
    from hngraph.rdf.formats import FORMATS, format_of

    try:
        return format_of(path)
    except HngraphError:
        known = ", ".join(
            f"{fmt.name_en.split(' (')[0]} ({', '.join(fmt.suffixes)})" for fmt in FORMATS.values()
        )
        raise HngraphError(f"{path}: send Turtle or another RDF file: {known}") from None


def split_graphs(path: Path, quads: list[ox.Quad], graph: str | None) -> list[Part]:
    """The file's statements by graph, each as sorted N-Triples (default graph first, then by
    IRI); ``graph`` names the target of the default graph's triples (a triples file).

    A blank node in two graphs is refused: each request is its own document, so the store would
    make two unrelated blank nodes of it.
    """
    import pyoxigraph as ox

    from hngraph.rdf.serialize import serialize_triples

    groups: dict[str | None, list[ox.Triple]] = {}
    seen_in: dict[ox.BlankNode, str | None] = {}
    for quad in quads:
        name = graph if isinstance(quad.graph_name, ox.DefaultGraph) else quad.graph_name.value
        groups.setdefault(name, []).append(quad.triple)
        for term in (quad.subject, quad.object):
            if isinstance(term, ox.BlankNode) and seen_in.setdefault(term, name) != name:
                first = seen_in[term]
                raise HngraphError(
                    f"{path}: the blank node _:{term.value} is in "
                    f"{_label(first)} and in {_label(name)}; a Graph Store gets each graph in "
                    "its own request and would split it in two: give it an IRI"
                )
    parts = []
    for name in sorted(groups, key=lambda key: (key is not None, key or "")):
        body = serialize_triples(groups[name], "nt")
        parts.append(Part(name, body, body.count(b"\n")))
    return parts


def _label(graph: str | None) -> str:
    return "the default graph" if graph is None else f"graph <{graph}>"


def run(args: argparse.Namespace) -> int:
    from hngraph import project
    from hngraph.rdf.read import read_quads
    from hngraph.sparql.catalogue import check_iri
    from hngraph.store.http import GraphStore, Policy, RemoteError, check_http_url, redact

    data = args.data or project.dataset_file(project.project_root())
    fmt = file_format(data)
    check_http_url(args.endpoint)  # before reading anything; never echoes credentials
    if args.graph is not None:
        if fmt.datasets:
            raise HngraphError(
                f"{data}: --graph names the one target of a triples file, but this "
                f"{fmt.name_en.split(' (')[0]} file names its own graphs; leave --graph out"
            )
        check_iri("--graph", args.graph)
    # the whole file is read and split before the first request: broken data sends nothing
    parts = split_graphs(data, read_quads(data), args.graph)
    policy = Policy(timeout=args.timeout, deadline=max(args.timeout * 4, 120.0))
    store = GraphStore(args.endpoint, policy)
    where = redact(args.endpoint)
    verb = "added to" if args.append else "replaced"
    done: list[Part] = []
    for part in parts:
        try:
            status = store.send(part.body, SENT_AS, part.graph, replace=not args.append)
        except RemoteError as error:
            if part.graph is None and error.kind == "http":
                error = RemoteError(
                    args.endpoint, error.kind, error.detail + NO_DEFAULT, error.status
                )
            if not done:
                raise error from None
            sent = ", ".join(f"{p.label} ({p.triples} triples)" for p in done)
            raise HngraphError(
                f"{error} (sending {part.label}); the store now holds part of {data.name}: "
                f"{verb} {sent}; the other {len(parts) - len(done)} of {len(parts)} graphs were "
                "not loaded: run the command again"
            ) from None
        done.append(part)
        print(
            f"{verb} {part.label} at {where} with {data.name}: "
            f"{part.triples} triples ({len(part.body)} bytes of N-Triples, HTTP {status})"
        )
    if len(parts) > 1:
        total = sum(part.triples for part in parts)
        print(f"loaded {data.name} into {where}: {len(parts)} graphs, {total} triples")
    return EXIT_OK
