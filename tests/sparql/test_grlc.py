"""The catalogue through grlc against ``hngraph serve`` gives what ``hngraph query`` gives.

grlc (CLARIAH/grlc) reads each file's ``#+`` header, derives the parameters from the BASIL
variables, pastes the given values into the text and POSTs it to the SPARQL endpoint. Its
request layer (``grlc.utils``) imports GitHub and GitLab clients, so the test uses grlc's own
query functions (``grlc.gquery``: header, parameters, query type, rewriting) and sends the
rewritten query as grlc's ``_dispatchQuerySelect`` does (``requests.post``, form-encoded,
``Accept: application/json``). Skipped where grlc is not installed.
"""

from __future__ import annotations

import json
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from hngraph.commands.main import main
from hngraph.rdf.convert import from_sparql_json
from hngraph.sparql.catalogue import grlc_name, load_catalogue

gquery = pytest.importorskip("grlc.gquery", reason="grlc is not installed (pip install grlc)")
requests = pytest.importorskip("requests")

ROOT = Path(__file__).resolve().parents[2]
CATALOGUE = load_catalogue(ROOT / "queries")
CASES = [
    (name, optional)
    for name, query in CATALOGUE.items()
    for optional in ([False, True] if any(p.optional for p in query.parameters) else [False])
]


@pytest.fixture(scope="module")
def endpoint() -> Iterator[str]:
    """``hngraph serve --port 0`` on the built dataset; its ``/sparql`` URL."""
    process = subprocess.Popen(
        [sys.executable, "-m", "hngraph", "serve", "--host", "127.0.0.1", "--port", "0"],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    found: list[str] = []
    reader = threading.Thread(target=lambda: found.append(process.stdout.readline()), daemon=True)
    reader.start()
    reader.join(120)
    try:
        if not found or not found[0].startswith("http://127.0.0.1:"):
            process.kill()
            pytest.fail(f"serve did not announce its URL: {found} {process.stderr.read()}")
        yield found[0].strip().rstrip("/") + "/sparql"
    finally:
        process.terminate()
        try:
            process.wait(15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(5)


def _rows(document: dict[str, Any]) -> tuple[list[str], list[tuple[Any, ...]]]:
    columns = document["head"]["vars"]
    rows = [
        tuple(from_sparql_json(binding.get(column)) for column in columns)
        for binding in document["results"]["bindings"]
    ]
    return columns, rows


def test_every_query_is_a_case() -> None:
    assert len(CATALOGUE) == 34
    assert len(CASES) == 34 + sum(any(p.optional for p in q.parameters) for q in CATALOGUE.values())


@pytest.mark.parametrize(("name", "optional"), CASES, ids=[f"{n}-{o}" for n, o in CASES])
def test_grlc_against_serve_equals_hngraph_query(
    endpoint: str, name: str, optional: bool, capsys: pytest.CaptureFixture
) -> None:
    query = CATALOGUE[name]
    values = query.example_values(optional=optional)
    metadata = gquery.get_metadata(query.text, endpoint)
    assert metadata["type"] == "SelectQuery"
    assert metadata["summary"] == query.summary
    names = {parameter.name: grlc_name(parameter.variable) for parameter in query.parameters}
    assert sorted(metadata["parameters"]) == sorted(names.values())
    pasted = gquery.rewrite_query(
        metadata["original_query"],
        metadata["parameters"],
        {names[key]: value for key, value in values.items()},
    )
    answer = requests.post(
        endpoint, data={"query": pasted}, headers={"Accept": "application/json"}, timeout=60
    )
    assert answer.status_code == 200, answer.text[:300]
    through_grlc = _rows(answer.json())

    argv = ["query", name, "--format", "json"]
    for key, value in values.items():
        argv += ["--param", f"{key}={value}"]
    assert main(argv) == 0
    through_cli = _rows(json.loads(capsys.readouterr().out))
    assert through_grlc == through_cli
    # The oracle says which queries have no rows on the Hunan list (test_catalogue's list).
    empty = name == "uncovered-national-measures"  # every part has a linked Hunan task
    assert bool(through_cli[1]) is not empty, f"{name}: rows expected: {not empty}"
