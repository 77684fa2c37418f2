"""Round trip: the built graph alone regenerates the source table byte for byte."""

from __future__ import annotations

from pathlib import Path

import pytest
from rdflib import Graph, Literal, URIRef

from hngraph.build import dataset
from hngraph.commands.main import main
from hngraph.errors import HngraphError
from hngraph.source import write as roundtrip
from hngraph.vocab import HN, list_iri, task_iri

ROOT = Path(__file__).resolve().parents[2]
SEED = ROOT / "data" / "source" / "hunan-vet-reform.txt"


@pytest.fixture(scope="module")
def graph() -> Graph:
    return dataset.build_dataset([SEED], ROOT)


def test_source_regenerated_byte_for_byte(graph: Graph) -> None:
    data = roundtrip.source_bytes_verified(graph, URIRef(list_iri("hunan-vet-reform")))
    assert data == SEED.read_bytes()


def test_measures_rejoin_to_task_text(graph: Graph) -> None:
    for task in graph.objects(URIRef(list_iri("hunan-vet-reform")), HN.hasTask):
        assert roundtrip.measures_text(graph, task) == str(graph.value(task, HN.text))


def test_a_changed_graph_fails_the_checksum(graph: Graph) -> None:
    changed = Graph() + graph
    task = URIRef(task_iri("hunan-vet-reform", 2))
    changed.set((task, HN.text, Literal("改过的文本", lang="zh")))
    with pytest.raises(HngraphError, match="SHA-256"):
        roundtrip.source_bytes_verified(changed, URIRef(list_iri("hunan-vet-reform")))


def test_cli_writes_the_tables(tmp_path: Path) -> None:
    assert main(["roundtrip", "--out", str(tmp_path)]) == 0
    assert (tmp_path / "hunan-vet-reform.txt").read_bytes() == SEED.read_bytes()
