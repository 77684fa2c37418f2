"""``hngraph publish``: write a static release (dumps, tables, metadata, pages, charts, query
editor, w3id rules)."""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

from hngraph.errors import EXIT_OK


def add_parser(subparsers: argparse._SubParsersAction) -> argparse.ArgumentParser:
    parser = subparsers.add_parser(
        "publish",
        help="write a static release of the dataset: dumps, tables, DCAT/VoID, pages, charts",
        description="Write the dataset in six RDF formats (named graphs in N-Quads and TriG), its "
        "tables (CSV with CSVW metadata, an XLSX workbook, a SQLite database for datasette), its "
        "DCAT + VoID description, a SHA-256 manifest, bilingual HTML pages for every resource, "
        "the ontology and the query catalogue, charts, a query editor (YASGUI), and .htaccess "
        "rules for w3id.org. The "
        "release is written to a temporary folder and renamed into place; the same inputs give "
        "byte-identical files. See docs/publishing.md.",
    )
    parser.add_argument("--out", type=Path, required=True, metavar="DIR", help="release folder")
    parser.add_argument(
        "--data", type=Path, metavar="FILE", help="dataset file (default: data/dataset/hngraph.ttl)"
    )
    parser.add_argument(
        "--queries", type=Path, metavar="DIR", help="catalogue folder (default: queries/)"
    )
    parser.add_argument(
        "--deploy-url",
        metavar="URL",
        help="where the release files will be hosted, used in .htaccess "
        "(default: a placeholder under example.org that a deployer must replace)",
    )
    parser.add_argument(
        "--endpoint-url",
        metavar="URL",
        help="where w3id should send /sparql and the query editor sends its queries "
        "(default: DEPLOY_URL + sparql)",
    )
    return parser


def run(args: argparse.Namespace) -> int:
    from hngraph import project
    from hngraph.publish.site import PLACEHOLDER_DEPLOY_URL, PublishConfig, publish

    root = project.project_root()
    data = args.data or project.dataset_file(root)
    queries = args.queries or root / "queries"
    config = PublishConfig(
        deploy_url=args.deploy_url or PLACEHOLDER_DEPLOY_URL,
        endpoint_url=args.endpoint_url,
        queries=queries if queries.is_dir() else None,
    )
    started = time.perf_counter()
    report = publish(data, args.out, config)
    seconds = time.perf_counter() - started
    print(
        f"published {report.files} files ({report.bytes} bytes) to {report.out} in {seconds:.1f} s"
    )
    if not args.deploy_url:
        print(
            "note: .htaccess points at the placeholder deploy URL "
            f"{PLACEHOLDER_DEPLOY_URL}; pass --deploy-url before deploying",
            file=sys.stderr,
        )
    return EXIT_OK
