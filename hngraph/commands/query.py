"""``hngraph query``: list or run the analysts' catalogue queries (``queries/*.rq``)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from hngraph.commands.options import positive
from hngraph.errors import EXIT_OK, HngraphError

if TYPE_CHECKING:
    from hngraph.sparql.catalogue import CatalogueQuery
    from hngraph.store import Store

FORMATS = ("table", "csv", "tsv", "json")
MAX_WIDTH = 60  # hngraph.sparql.tables.MAX_WIDTH, not imported here to keep --help cheap


def add_parser(subparsers: argparse._SubParsersAction) -> argparse.ArgumentParser:
    parser = subparsers.add_parser(
        "query",
        help="run a catalogue query (hngraph query --list shows them)",
        description="Run a query of the catalogue (queries/*.rq) on the built dataset with the "
        "embedded store (pyoxigraph), or on any SPARQL 1.1 endpoint with --endpoint. "
        "Parameters are checked and bound as RDF terms, never pasted into the query.",
        epilog="examples: hngraph query tasks-by-department --param department=省财政厅; "
        "a department, list, kind or area is given by IRI, prefixed name "
        "(hnorg:hunan-finance-department), slug or any of its names",
    )
    parser.add_argument("name", nargs="?", help="the query's name (its file name without .rq)")
    parser.add_argument(
        "--list",
        action="store_true",
        help="list the catalogue (or, with NAME, that query only) and exit",
    )
    parser.add_argument(
        "--param",
        action="append",
        default=[],
        metavar="KEY=VALUE",
        help="a parameter value (repeatable); --list shows each query's parameters",
    )
    add_output_options(parser)
    add_source_options(parser)
    return parser


def add_output_options(parser: argparse.ArgumentParser) -> None:
    """--format and --width, shared by query and sparql."""
    parser.add_argument(
        "--format", choices=FORMATS, default="table", help="output format (default: table)"
    )
    parser.add_argument(
        "--width",
        type=int,
        default=MAX_WIDTH,
        metavar="N",
        help=f"table: cut text cells at N columns (0: never; default {MAX_WIDTH}); "
        "IRIs are never cut",
    )


def add_source_options(parser: argparse.ArgumentParser) -> None:
    """Options choosing what to query: --endpoint, or --data files and --backend."""
    source = parser.add_mutually_exclusive_group()
    source.add_argument(
        "--endpoint", metavar="URL", help="a SPARQL 1.1 query endpoint (e.g. http://host/query)"
    )
    source.add_argument(
        "--data",
        action="append",
        type=Path,
        metavar="FILE",
        help="RDF file(s) to query instead of data/dataset/hngraph.ttl (repeatable)",
    )
    parser.add_argument(
        "--backend",
        choices=("embedded", "rdflib"),
        default="embedded",
        help="local engine: embedded (pyoxigraph, default) or rdflib (reference, slow)",
    )
    parser.add_argument(
        "--timeout",
        type=positive(float),
        default=30.0,
        metavar="SECONDS",
        help="with --endpoint: time allowed for one HTTP attempt (default: 30)",
    )
    parser.add_argument(
        "--deadline",
        type=positive(float),
        default=120.0,
        metavar="SECONDS",
        help="with --endpoint: time allowed for the whole call, retries included (default: 120)",
    )


def open_from_args(args: argparse.Namespace) -> Store:
    """The store the source options select."""
    from hngraph.store import open_store

    if args.endpoint is not None and args.backend != "embedded":
        raise HngraphError("--backend applies to local data, not to --endpoint")
    policy = None
    if args.endpoint is not None:
        from hngraph.store.http import Policy

        policy = Policy(timeout=args.timeout, deadline=args.deadline)
    return open_store(endpoint=args.endpoint, data=args.data, backend=args.backend, policy=policy)


def parse_params(pairs: list[str]) -> dict[str, str]:
    """``KEY=VALUE`` strings → dict; a key given twice is an error."""
    values: dict[str, str] = {}
    for pair in pairs:
        key, sep, value = pair.partition("=")
        if not sep or not key:
            raise HngraphError(f"--param {pair!r}: expected KEY=VALUE")
        if key in values:
            raise HngraphError(f"--param {key} is given twice")
        values[key] = value
    return values


def run(args: argparse.Namespace) -> int:
    from hngraph.sparql.catalogue import get_query, load_catalogue

    if args.list:
        catalogue = {args.name: get_query(args.name)} if args.name else load_catalogue()
        sys.stdout.write(listing(catalogue, total=not args.name))
        return EXIT_OK
    if not args.name:
        raise HngraphError("name a query to run, or use --list to see the catalogue")
    query = get_query(args.name)
    values = parse_params(args.param)
    query.check_names(values)  # unknown or missing parameters: before anything is opened
    from hngraph.sparql.params import Resolver
    from hngraph.sparql.tables import render

    with open_from_args(args) as store:
        result = store.select(query.checked, Resolver(store).bindings(query, values))
    sys.stdout.write(render(result, args.format, max_width=args.width))
    return EXIT_OK


def listing(catalogue: dict[str, CatalogueQuery], *, total: bool = True) -> str:
    """The catalogue as text: name and summary, then parameters and columns."""
    lines = []
    for name, query in catalogue.items():
        lines.append(f"{name}: {query.summary}")
        for parameter in query.parameters:
            kind = f"{parameter.kind}, optional" if parameter.optional else parameter.kind
            lines.append(
                f"    --param {parameter.name}=…  ({kind}) {parameter.description}; "
                f"e.g. {parameter.example}"
            )
        lines.append(f"    columns: {', '.join(query.column_names)}")
    if total:
        lines.append(f"{len(catalogue)} queries in the catalogue")
    return "\n".join(lines) + "\n"
