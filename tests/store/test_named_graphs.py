"""The release's named graphs in a real Oxigraph server through ``hngraph load`` (issue 13).

The TriG and the N-Quads release each land graph by graph; ``oxigraph serve`` keeps its default
graph apart from the named graphs, so the catalogue runs with ``union-default-graph`` (the URL
parameter here; ``oxigraph serve --union-default-graph`` in docs/publishing.md).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from releases import GRAPHS, graph_counts, oracle_module, release_dumps, store_counts

from hngraph.commands.main import main
from hngraph.sparql.catalogue import load_catalogue
from hngraph.store import Store
from hngraph.store.http import Policy
from hngraph.store.remote import RemoteStore

ROOT = Path(__file__).resolve().parents[2]
CATALOGUE = load_catalogue(ROOT / "queries")


@pytest.fixture(scope="module")
def release(tmp_path_factory: pytest.TempPathFactory, dataset_path: Path) -> dict[str, Path]:
    return release_dumps(tmp_path_factory.mktemp("release"), dataset_path)


@pytest.mark.parametrize("key", ["trig", "nq"])
def test_each_graph_lands_in_its_graph(
    key: str,
    release: dict[str, Path],
    start_oxigraph: Callable[[], Any],
    capsys: pytest.CaptureFixture,
) -> None:
    server = start_oxigraph()
    assert main(["load", "--endpoint", server.store_url, "--data", str(release[key])]) == 0
    expected = graph_counts(release[key])
    out = capsys.readouterr().out.splitlines()
    assert [line.split(" at ")[0] for line in out[:-1]] == [
        f"replaced graph <{graph}>" for graph in expected
    ]
    for line, count in zip(out[:-1], expected.values(), strict=True):
        assert f": {count} triples (" in line
    assert out[-1].endswith(f": 3 graphs, {sum(expected.values())} triples")
    store = RemoteStore(server.query_url, Policy(timeout=30, deadline=60))
    assert store_counts(store) == expected
    assert sorted(expected) == [GRAPHS + "data", GRAPHS + "ontology", GRAPHS + "vocabularies"]
    # nothing in the default graph
    assert store.select("SELECT (COUNT(*) AS ?n) { ?s ?p ?o }").rows[0][0].value == "0"


@pytest.fixture(scope="module")
def union_store(release: dict[str, Path], start_oxigraph: Callable[[], Any]) -> Store:
    server = start_oxigraph()
    assert main(["load", "--endpoint", server.store_url, "--data", str(release["trig"])]) == 0
    return RemoteStore(server.query_url + "?union-default-graph", Policy(timeout=30, deadline=60))


@pytest.fixture(scope="module")
def world(project_root: Path) -> Any:
    return oracle_module().World(project_root)


@pytest.mark.parametrize("name", sorted(CATALOGUE))
def test_catalogue_over_the_union_of_the_graphs(union_store: Store, world: Any, name: str) -> None:
    query = CATALOGUE[name]
    values = query.example_values()
    assert list(query.run(union_store, values).rows) == oracle_module().EXPECTED[name](
        world, values
    )
