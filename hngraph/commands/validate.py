"""``hngraph validate``: check a dataset against the SHACL shapes and print an actionable report."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from hngraph.errors import EXIT_ERROR, EXIT_FAILED, EXIT_FALLBACK, EXIT_OK

if TYPE_CHECKING:
    from hngraph.validation import ValidationReport


def add_parser(subparsers: argparse._SubParsersAction) -> argparse.ArgumentParser:
    parser = subparsers.add_parser(
        "validate",
        help="check the dataset against the SHACL shapes",
        description="Validate RDF files against the project's ontology/shapes*.ttl (pySHACL, "
        "no inference, nothing fetched) and report each result with its task number, department "
        "and message. Exit 0 when the data conforms (warnings allowed), 1 on violations, "
        "2 on errors (and, with --strict, when the fast engine fell back to plain pySHACL).",
    )
    parser.add_argument(
        "--data",
        action="extend",
        nargs="+",
        type=Path,
        metavar="FILE",
        help="RDF files to validate, merged into one graph (.ttl, .nt, .rdf, .owl; "
        "default: data/dataset/hngraph.ttl in the project)",
    )
    parser.add_argument(
        "--lang",
        choices=("zh", "en"),
        default="en",
        help="language of the text report (default: en)",
    )
    parser.add_argument(
        "--engine",
        choices=("fast", "oxigraph", "rdflib"),
        default="fast",
        help="fast (default): SPARQL screen on pyoxigraph, then pySHACL on the suspect nodes only, "
        "each in a small store of what it can read, same results; oxigraph / rdflib: pySHACL over "
        "the whole graph on that store",
    )
    parser.add_argument(
        "--strict",
        action="store_true",
        help="fast engine: exit 2 when any shape fell back to plain pySHACL (each fallback is "
        "printed to stderr in any case; the report is still printed)",
    )
    parser.add_argument(
        "--format",
        choices=("text", "json", "turtle"),
        default="text",
        help="report format (default: text)",
    )
    _add_incremental(parser)
    return parser


def _add_incremental(parser: argparse.ArgumentParser) -> None:
    """``--incremental`` and ``--no-cache`` (docs/validation.md, "Incremental validation")."""
    parser.add_argument(
        "--incremental",
        action="store_true",
        help="validate the shared part and each task list apart, reusing cached results of the "
        "parts that did not change (same report; fast engine only; the cache is $HNGRAPH_CACHE, "
        "else ~/.cache/hngraph); prints what was validated and reused on stderr",
    )
    parser.add_argument(
        "--no-cache",
        action="store_true",
        help="with --incremental: neither read nor write the cache",
    )


def run(args: argparse.Namespace) -> int:
    from rdflib import Graph

    from hngraph import project, validation
    from hngraph.rdf.read import quiet_rdflib, read_graph

    files = args.data or [project.dataset_file(_root())]
    if args.incremental and args.engine != "fast":
        print("hngraph validate: --incremental works with --engine fast only", file=sys.stderr)
        return EXIT_ERROR
    with quiet_rdflib():  # an ill-typed literal is a shape violation, not a logged traceback
        if args.incremental:
            report = _incremental(files, use_cache=not args.no_cache)
        elif args.engine == "fast":
            from hngraph.validation.fast.engine import validate_fast

            report = validate_fast(files)
        else:
            data = Graph()
            for path in files:
                data += read_graph(path)
            report = validation.validate(data, engine=args.engine)
    if args.format == "json":
        output = validation.render_json(report)
    elif args.format == "turtle":
        output = validation.render_turtle(report)
    else:
        output = validation.render_text(report, args.lang)
    print(output, end="")
    if not _has_task_list(files):
        names = ", ".join(str(path) for path in files)
        print(
            f"hngraph validate: warning: no task list (hn:TaskList) in {names}; "
            "only the shapes of what is there were checked",
            file=sys.stderr,
        )
    for fallback in report.fallbacks:
        print(f"hngraph validate: fallback: {fallback}", file=sys.stderr)
    if args.strict and report.fallbacks:
        print(
            f"hngraph validate: --strict: the fast engine fell back to plain pySHACL "
            f"{len(report.fallbacks)} time(s)",
            file=sys.stderr,
        )
        return EXIT_FALLBACK
    return EXIT_OK if report.conforms else EXIT_FAILED


def _incremental(files: list[Path], *, use_cache: bool) -> ValidationReport:
    """The incremental run; one line on stderr says what was validated and what was reused."""
    from hngraph.validation.incremental.cache import Cache
    from hngraph.validation.incremental.engine import validate_incremental

    stats: dict = {}
    report = validate_incremental(files, cache=Cache() if use_cache else None, stats=stats)
    if "fallback" in stats:
        line = stats["fallback"]
    else:
        named = ", ".join(stats["validated_lists"][:5])
        more = len(stats["validated_lists"]) - 5
        named += f" and {more} more" if more > 0 else ""
        line = (
            f"{stats['lists']} lists and the shared part: {_parts(stats['validated'])} validated"
            + (f" (lists: {named})" if named else "")
            + f", {stats['cached']} from the cache, {stats['total_s']:.2f} s"
        )
    print(f"hngraph validate: incremental: {line}", file=sys.stderr)
    return report


def _parts(count: int) -> str:
    return f"{count} part" if count == 1 else f"{count} parts"


def _has_task_list(files: list[Path]) -> bool:
    """Whether any file types a resource as hn:TaskList (the files have been read already)."""
    import pyoxigraph as ox

    from hngraph.rdf.formats import format_of
    from hngraph.vocab import DEF, RDF_NS

    kind, task_list = ox.NamedNode(RDF_NS + "type"), ox.NamedNode(DEF + "TaskList")
    for path in files:
        for quad in ox.parse(path=str(path), format=format_of(path).oxigraph):
            if quad.predicate == kind and quad.object == task_list:
                return True
    return False


def _root() -> Path:
    """The project root, else the current folder."""
    from hngraph import project
    from hngraph.errors import HngraphError

    try:
        return project.project_root()
    except HngraphError:
        return Path.cwd()
