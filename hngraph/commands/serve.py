"""``hngraph serve``: resource pages with content negotiation and a read-only SPARQL endpoint."""

from __future__ import annotations

import argparse
import math
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from hngraph.errors import EXIT_OK, HngraphError
from hngraph.server.limits import CLIENT_LIMIT, MAX_RESULT_BYTES

if TYPE_CHECKING:  # the CLI imports every command to build its parser: keep this one light
    import socket

#: Numeric options: (attribute, type, smallest value). Checked in ``run`` so that a bad value is
#: one line and exit 2, like every other error, before the socket is bound.
NUMBERS = (
    ("timeout", float, 0.001),
    ("max_rows", int, 1),
    ("max_bytes", int, 1),
    ("client_limit", int, 1),
    ("workers", int, 1),
    ("memory_limit", int, 0),
)


def numbers(args: argparse.Namespace) -> dict[str, float]:
    """The numeric options as numbers, or ``HngraphError`` naming the option and its range."""
    found: dict[str, float] = {}
    for name, kind, smallest in NUMBERS:
        text = str(getattr(args, name))
        option = "--" + name.replace("_", "-")
        try:
            value = kind(text)
        except ValueError:
            raise HngraphError(f"{option} {text}: not a number") from None
        if not math.isfinite(value):
            raise HngraphError(f"{option} {text}: must be a finite number")
        if value < smallest:
            bound = "greater than 0" if smallest > 0 else "0 or more"
            raise HngraphError(f"{option} {text}: must be {bound}")
        found[name] = value
    return found


def add_parser(subparsers: argparse._SubParsersAction) -> argparse.ArgumentParser:
    parser = subparsers.add_parser(
        "serve",
        help="serve pages, content negotiation and a read-only SPARQL endpoint",
        description="Serve every /id/… and /def/… IRI by content negotiation (HTML, Turtle, "
        "N-Triples, JSON-LD, RDF/XML) and a SPARQL 1.1 Protocol endpoint at /sparql that is "
        "read-only, refuses SERVICE/FROM/FROM NAMED, cancels queries past --timeout, refuses "
        "results over --max-rows or --max-bytes and more than --client-limit queries at a time "
        "from one client. Listens on 127.0.0.1; put a reverse proxy in front for "
        "anything public (docs/publishing.md). Prints the URL on stdout once it accepts requests.",
    )
    parser.add_argument(
        "--host",
        default="127.0.0.1",
        help="IP address to listen on (default 127.0.0.1; names are not looked up)",
    )
    parser.add_argument("--port", default="8000", help="port (0: any free port; default 8000)")
    parser.add_argument(
        "--data", type=Path, metavar="FILE", help="dataset file (default: data/dataset/hngraph.ttl)"
    )
    parser.add_argument(
        "--queries", type=Path, metavar="DIR", help="catalogue folder (default: queries/)"
    )
    parser.add_argument(
        "--timeout",
        default=10.0,
        metavar="S",
        help="seconds a query may run before it is cancelled (default 10)",
    )
    parser.add_argument(
        "--max-rows",
        default=10_000,
        metavar="N",
        help="largest result returned; larger results are refused with 422 (default 10000)",
    )
    parser.add_argument(
        "--max-bytes",
        default=MAX_RESULT_BYTES,
        metavar="N",
        help="largest result body in bytes; larger ones are refused with 422 "
        f"(default {MAX_RESULT_BYTES})",
    )
    parser.add_argument(
        "--client-limit",
        default=CLIENT_LIMIT,
        metavar="K",
        help="queries one client may have in flight; one more gets 429 with Retry-After "
        f"(default {CLIENT_LIMIT})",
    )
    parser.add_argument(
        "--workers",
        default=2,
        metavar="N",
        help="query worker processes (default 2)",
    )
    parser.add_argument(
        "--memory-limit",
        default=2048,
        metavar="MB",
        help="address-space limit of each query worker in MiB (0: none; default 2048)",
    )
    parser.add_argument(
        "--no-cache",
        action="store_true",
        help="prepare everything at each start and keep no cache (default: cache what is "
        "prepared in $HNGRAPH_CACHE or ~/.cache/hngraph, keyed by the data and the code)",
    )
    return parser


def run(args: argparse.Namespace) -> int:
    from hngraph.server.listen import bind, parse_port

    values = numbers(args)
    sock = bind(args.host, parse_port(args.port))  # before anything slow: a bad port fails fast
    try:
        return _serve(args, values, sock)
    finally:
        sock.close()


def _serve(args: argparse.Namespace, values: dict[str, float], sock: socket.socket) -> int:
    from hngraph import project
    from hngraph.server.app import ServeConfig, run_server
    from hngraph.server.cache import cache_root

    root = project.project_root()
    queries = args.queries or root / "queries"
    config = ServeConfig(
        data=args.data or project.dataset_file(root),
        host=args.host,
        port=sock.getsockname()[1],
        timeout=values["timeout"],
        max_rows=int(values["max_rows"]),
        max_bytes=int(values["max_bytes"]),
        client_limit=int(values["client_limit"]),
        workers=int(values["workers"]),
        memory_limit_mb=int(values["memory_limit"]),
        queries=queries if queries.is_dir() else None,
        cache=None if args.no_cache else cache_root(),
    )

    def announce(url: str) -> None:
        print(url, flush=True)
        print(f"hngraph serve: listening at {url} (Ctrl-C to stop)", file=sys.stderr, flush=True)

    run_server(config, sock, announce)
    return EXIT_OK
