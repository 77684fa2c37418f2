"""``hngraph sparql``: run an ad-hoc SPARQL query from a file or standard input."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from hngraph.commands.query import add_output_options, add_source_options, open_from_args
from hngraph.errors import EXIT_OK, HngraphError


def add_parser(subparsers: argparse._SubParsersAction) -> argparse.ArgumentParser:
    parser = subparsers.add_parser(
        "sparql",
        help="run an ad-hoc SPARQL query (SELECT, ASK, CONSTRUCT, DESCRIBE)",
        description="Run a SPARQL query read from FILE (or - for standard input) on the built "
        "dataset or an endpoint. Queries that could fetch or change data (SERVICE, FROM, "
        "FROM NAMED, LOAD, updates) are refused before anything runs. The project's prefixes "
        "(hn:, hnid:, hnorg:, hnlist:, hnarea:, skos:, org:, …) are declared for you unless the "
        "query declares them itself.",
        epilog="SELECT prints a table (or --format csv|tsv|json); ASK prints true or false; "
        "CONSTRUCT and DESCRIBE print sorted N-Triples.",
    )
    parser.add_argument("file", metavar="FILE", help="the query file, or - for standard input")
    add_output_options(parser)
    add_source_options(parser)
    return parser


def read_query(name: str) -> str:
    """The query text from a file or ``-`` (stdin)."""
    if name == "-":
        return sys.stdin.read()
    try:
        return Path(name).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise HngraphError(f"{name}: cannot read the query: {error}") from None


def run(args: argparse.Namespace) -> int:
    from hngraph.sparql.prefixes import declare
    from hngraph.sparql.text import check

    text = declare(read_query(args.file))
    checked = check(text)  # refuses SERVICE / FROM / LOAD / updates before opening a store
    form = checked.form
    with open_from_args(args) as store:
        if form == "SELECT":
            from hngraph.sparql.tables import render

            sys.stdout.write(render(store.select(checked), args.format, max_width=args.width))
        elif form == "ASK":
            sys.stdout.write("true\n" if store.ask(checked) else "false\n")
        else:
            for triple in store.construct(checked):
                sys.stdout.write(" ".join(term.n3() for term in triple) + " .\n")
    return EXIT_OK
