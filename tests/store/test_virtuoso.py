"""The release's named graphs in a real Virtuoso open-source server (issue 13, item 6).

``hngraph load`` sends the TriG release through the Graph Store Protocol; each graph then holds
what the release's graph holds, and every catalogue query, through the remote backend as
``hngraph query --endpoint`` runs it, gives the oracle's answer. Virtuoso answers a query without
FROM over all its graphs (its own system graphs too), so the named graphs need no union option.

The server is the Debian package's ``virtuoso-t`` (``.ci/install-tools.sh`` installs it); when it
is missing these tests fail, they are not skipped.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from releases import GRAPHS, graph_counts, oracle_module, release_dumps, store_counts
from virtuoso import Virtuoso, start_virtuoso

from hngraph.commands.main import main
from hngraph.sparql.catalogue import load_catalogue
from hngraph.store import Store
from hngraph.store.http import Policy
from hngraph.store.remote import RemoteStore

ROOT = Path(__file__).resolve().parents[2]
CATALOGUE = load_catalogue(ROOT / "queries")
NAMES = sorted(CATALOGUE)
OPTIONAL = sorted(
    name for name, query in CATALOGUE.items() if any(p.optional for p in query.parameters)
)


@pytest.fixture(scope="module")
def release(tmp_path_factory: pytest.TempPathFactory, dataset_path: Path) -> dict[str, Path]:
    return release_dumps(tmp_path_factory.mktemp("release"), dataset_path)


@pytest.fixture(scope="module")
def virtuoso(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Virtuoso]:
    server = start_virtuoso(tmp_path_factory.mktemp("virtuoso"))
    print(f"virtuoso: writable {server.started_in:.2f} s after launch")
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture(scope="module")
def loaded(virtuoso: Virtuoso, release: dict[str, Path]) -> Store:
    """The Virtuoso server with the TriG release loaded by ``hngraph load``."""
    started = time.monotonic()
    assert main(["load", "--endpoint", virtuoso.store_url, "--data", str(release["trig"])]) == 0
    print(f"virtuoso: hngraph load of the TriG release took {time.monotonic() - started:.2f} s")
    return RemoteStore(virtuoso.query_url, Policy(timeout=60, deadline=120))


@pytest.fixture(scope="module")
def world(project_root: Path) -> Any:
    return oracle_module().World(project_root)


def test_each_graph_holds_what_the_release_graph_holds(
    loaded: Store, release: dict[str, Path]
) -> None:
    expected = graph_counts(release["trig"])
    assert sorted(expected) == [GRAPHS + "data", GRAPHS + "ontology", GRAPHS + "vocabularies"]
    assert store_counts(loaded) == expected
    assert graph_counts(release["nq"]) == expected


def test_nothing_of_the_release_lands_in_another_graph(loaded: Store) -> None:
    stray = f"""SELECT (COUNT(*) AS ?n) {{ GRAPH ?g {{ ?s ?p ?o }}
        FILTER(STRSTARTS(STR(?s), "https://w3id.org/hngraph/")
               && !STRSTARTS(STR(?g), "{GRAPHS}")) }}"""
    assert loaded.select(stray).rows[0][0].value == "0"


def test_ask_answers_are_not_standard_json(loaded: Store) -> None:
    """A known difference (docs/publishing.md): Virtuoso 7.2.5 answers ASK with a one-column
    SELECT result (``__ASK_RETVAL``), not ``{"boolean": …}``; the remote backend refuses it
    rather than guess. The catalogue holds SELECT queries only."""
    from hngraph.store.http import RemoteError

    with pytest.raises(RemoteError, match="not a SPARQL ASK result"):
        loaded.ask("ASK { ?s ?p ?o }")


def test_loading_again_replaces_each_graph(
    loaded: Store, virtuoso: Virtuoso, release: dict[str, Path], capsys: pytest.CaptureFixture
) -> None:
    before = store_counts(loaded)
    assert main(["load", "--endpoint", virtuoso.store_url, "--data", str(release["nq"])]) == 0
    assert store_counts(loaded) == before
    append = ["load", "--append", "--endpoint", virtuoso.store_url, "--data", str(release["nq"])]
    assert main(append) == 0
    assert store_counts(loaded) == before  # the same triples added: a graph is a set
    out = capsys.readouterr().out
    assert f"replaced graph <{GRAPHS}data>" in out and f"added to graph <{GRAPHS}data>" in out
    assert f"into {virtuoso.store_url}: 3 graphs, {sum(before.values())} triples" in out


def _compare(store: Store, world: Any, name: str, optional: bool) -> None:
    """The catalogue query's rows on ``store`` equal the oracle's, as in test_catalogue.py."""
    query = CATALOGUE[name]
    values = query.example_values(optional=optional)
    result = query.run(store, values)
    assert list(result.columns) == list(query.column_names)
    assert list(result.rows) == oracle_module().EXPECTED[name](world, values)


@pytest.mark.parametrize("name", NAMES)
def test_catalogue_query_equals_the_oracle(loaded: Store, world: Any, name: str) -> None:
    _compare(loaded, world, name, optional=False)


@pytest.mark.parametrize("name", OPTIONAL)
def test_catalogue_query_with_optional_parameters_equals_the_oracle(
    loaded: Store, world: Any, name: str
) -> None:
    _compare(loaded, world, name, optional=True)


def test_the_whole_catalogue_is_compared() -> None:
    assert len(NAMES) == 34 and OPTIONAL


def test_revoking_update_makes_the_store_read_only(
    loaded: Store, virtuoso: Virtuoso, release: dict[str, Path], capsys: pytest.CaptureFixture
) -> None:
    """The docs' advice for a public server: load, then take the write right back. (Last in
    this module: the server stays read-only.)"""
    before = store_counts(loaded)
    virtuoso.sql('REVOKE SPARQL_UPDATE FROM "SPARQL";')
    assert main(["load", "--endpoint", virtuoso.store_url, "--data", str(release["trig"])]) == 2
    assert "HTTP 403 Forbidden" in capsys.readouterr().err
    assert store_counts(loaded) == before
