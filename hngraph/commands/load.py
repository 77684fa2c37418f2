"""``hngraph load``: upload the dataset to a SPARQL 1.1 Graph Store (e.g. Oxigraph's /store)."""

from __future__ import annotations

import argparse
from pathlib import Path

from hngraph.commands.options import positive
from hngraph.errors import EXIT_OK, HngraphError

MEDIA_TYPES = {".ttl": "text/turtle", ".nt": "application/n-triples"}


def add_parser(subparsers: argparse._SubParsersAction) -> argparse.ArgumentParser:
    parser = subparsers.add_parser(
        "load",
        help="upload the dataset to a SPARQL 1.1 Graph Store endpoint",
        description="Send the built dataset (or --data FILE, Turtle or N-Triples) to a SPARQL 1.1 "
        "Graph Store Protocol endpoint with HTTP PUT (replace the graph) or, with --append, POST. "
        "Without --graph the default graph is the target (?default).",
        epilog="example: hngraph load --endpoint http://127.0.0.1:7878/store",
    )
    parser.add_argument(
        "--endpoint", required=True, metavar="URL", help="the Graph Store URL (Oxigraph: /store)"
    )
    parser.add_argument(
        "--graph", metavar="IRI", help="target named graph (default: default graph)"
    )
    parser.add_argument(
        "--data", type=Path, metavar="FILE", help="file to send (default: data/dataset/hngraph.ttl)"
    )
    parser.add_argument(
        "--append", action="store_true", help="add to the graph (POST) instead of replacing it"
    )
    parser.add_argument(
        "--timeout",
        type=positive(float),
        default=60.0,
        metavar="SECONDS",
        help="per attempt (default: 60)",
    )
    return parser


def run(args: argparse.Namespace) -> int:
    from hngraph import project
    from hngraph.rdf.read import read_triples
    from hngraph.sparql.catalogue import check_iri
    from hngraph.store.http import Policy, check_http_url, redact, store_graph

    data = args.data or project.dataset_file(project.project_root())
    media_type = MEDIA_TYPES.get(data.suffix.lower())
    if media_type is None:
        raise HngraphError(f"{data}: send Turtle (.ttl) or N-Triples (.nt)")
    check_http_url(args.endpoint)  # before reading anything; never echoes credentials
    if args.graph is not None:
        check_iri("--graph", args.graph)
    count = sum(1 for _ in read_triples(data))  # broken or empty data is refused, not uploaded
    try:
        body = data.read_bytes()
    except OSError as error:
        raise HngraphError(f"{data}: cannot read: {error.strerror}") from None
    policy = Policy(timeout=args.timeout, deadline=max(args.timeout * 4, 120.0))
    status = store_graph(
        args.endpoint, body, media_type, args.graph, replace=not args.append, policy=policy
    )
    target = f"graph <{args.graph}>" if args.graph else "the default graph"
    verb = "added to" if args.append else "replaced"
    print(
        f"{verb} {target} at {redact(args.endpoint)} with {data.name} "
        f"({count} triples, {len(body)} bytes, HTTP {status})"
    )
    return EXIT_OK
