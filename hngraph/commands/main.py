"""Command-line entry point: parse arguments, dispatch to a command, map errors to exit codes.

Exit codes are defined beside the error types (``hngraph.errors``).
Each command lives in ``hngraph.commands.<name>`` with ``add_parser(subparsers)`` and
``run(args) -> int``; command modules import heavy libraries only inside ``run``.
"""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Sequence

from hngraph.errors import EXIT_ERROR, EXIT_INTERRUPTED, HngraphError

COMMANDS: tuple[str, ...] = (
    "build",
    "roundtrip",
    "validate",
    "query",
    "sparql",
    "load",
    "publish",
    "serve",
)


class _VersionAction(argparse.Action):
    """Print the version on stdout; looked up only when asked for, to keep start-up cheap."""

    def __init__(self, option_strings: Sequence[str], dest: str, **kwargs: object) -> None:
        super().__init__(option_strings, dest, nargs=0, help="show the version and exit")

    def __call__(self, parser: argparse.ArgumentParser, *args: object, **kwargs: object) -> None:
        from hngraph import __version__

        sys.stdout.write(f"hngraph {__version__}\n")  # a status line: stdout, like build's
        parser.exit()


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="hngraph",
        description="Build, validate, query and publish the hngraph knowledge graph.",
    )
    parser.add_argument("--version", action=_VersionAction)
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    for name in COMMANDS:
        module = importlib.import_module(f"hngraph.commands.{name}")
        sub = module.add_parser(subparsers)
        sub.set_defaults(_run=module.run)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the CLI and return its exit code."""
    try:
        parser = _parser()
        args = parser.parse_args(argv)
    except KeyboardInterrupt:  # Ctrl-C while the commands are still being imported
        print("hngraph: interrupted", file=sys.stderr)
        return EXIT_INTERRUPTED
    try:
        return int(args._run(args))
    except HngraphError as error:
        message = " ".join(str(error).strip().splitlines())  # one line, whatever a parser said
        print(f"hngraph {args.command}: error: {message}", file=sys.stderr)
        return EXIT_ERROR
    except OSError as error:  # the net under every command: a file the checks did not foresee
        where = f"{error.filename}: " if error.filename else ""
        print(f"hngraph {args.command}: error: {where}{error.strerror or error}", file=sys.stderr)
        return EXIT_ERROR
    except KeyboardInterrupt:
        print(f"hngraph {args.command}: interrupted", file=sys.stderr)
        return EXIT_INTERRUPTED


if __name__ == "__main__":
    sys.exit(main())
