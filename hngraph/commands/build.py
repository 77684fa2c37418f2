"""``hngraph build``: source lists + registry + ontology → the dataset under data/dataset/."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from hngraph.errors import EXIT_FAILED, EXIT_OK, HngraphError


def add_parser(subparsers: argparse._SubParsersAction) -> argparse.ArgumentParser:
    parser = subparsers.add_parser(
        "build",
        help="build the dataset from the source task lists",
        description="Parse the task lists, resolve departments through the registry and write "
        "the dataset (byte-stable Turtle, streamed one task at a time). Writes are atomic: an "
        "error writes nothing.",
    )
    parser.add_argument(
        "--source",
        action="append",
        type=Path,
        metavar="FILE",
        help="a task-list source file (repeatable; default: data/source/*.txt)",
    )
    parser.add_argument(
        "--out",
        type=Path,
        metavar="DIR",
        help="output folder (default: data/dataset in a checkout; required in an installed "
        "package, whose copy is read-only)",
    )
    parser.add_argument(
        "--check",
        action="store_true",
        help="rebuild and exit 1 if the files in the output folder differ (nothing is written)",
    )
    return parser


def run(args: argparse.Namespace) -> int:
    from hngraph import project
    from hngraph.build import dataset

    root = project.project_root()
    sources = args.source or project.default_sources(root)
    if args.out is None and not args.check and project.is_packaged(root):
        raise HngraphError(
            f"{dataset.default_out_dir(root)} is the installed package's read-only copy; "
            "give --out DIR to write the dataset elsewhere"
        )
    out_dir = args.out or dataset.default_out_dir(root)
    if args.check:
        stale = dataset.check_dataset(sources, root, out_dir)
        for name, why in stale.items():
            if why == "missing":
                print(f"missing: {out_dir / name} (a fresh build writes it)", file=sys.stderr)
            else:
                print(f"stale: {out_dir / name} differs from a fresh build", file=sys.stderr)
        if stale:
            print("run `hngraph build` and commit the result", file=sys.stderr)
            return EXIT_FAILED
        print(f"up to date: {dataset.DATASET_NAME} and {dataset.MANIFEST_NAME} in {out_dir}")
        return EXIT_OK
    for path in dataset.write_dataset(sources, root, out_dir):
        print(f"wrote {path}")
    return EXIT_OK
