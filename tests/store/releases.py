"""The release's dataset files and per-graph counts, for the Graph Store load tests."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType

import pyoxigraph as ox

from hngraph.store import Store

ROOT = Path(__file__).resolve().parents[2]
GRAPHS = "https://w3id.org/hngraph/id/graph/"
PER_GRAPH = f"""
SELECT ?g (COUNT(*) AS ?n) WHERE {{
  GRAPH ?g {{ ?s ?p ?o }}
  FILTER(STRSTARTS(STR(?g), "{GRAPHS}"))
}}
GROUP BY ?g ORDER BY ?g
"""


def release_dumps(folder: Path, dataset: Path) -> dict[str, Path]:
    """The release's TriG and N-Quads files, rendered as ``hngraph publish`` writes them."""
    from hngraph.publish.graph import load_site_graph
    from hngraph.publish.site import render_dumps

    dumps = render_dumps(load_site_graph(dataset), dataset.name)
    paths = {}
    for key in ("trig", "nq"):
        paths[key] = folder / f"hngraph.{key}"
        paths[key].write_bytes(dumps[key])
    return paths


def graph_counts(path: Path) -> dict[str, int]:
    """Distinct triples per named graph of a dataset file, read by pyoxigraph."""
    counts: dict[str, int] = {}
    for quad in set(ox.parse(path=str(path))):
        assert isinstance(quad.graph_name, ox.NamedNode), "the release has no default graph"
        counts[quad.graph_name.value] = counts.get(quad.graph_name.value, 0) + 1
    return dict(sorted(counts.items()))


def store_counts(store: Store) -> dict[str, int]:
    """Triples per hngraph named graph in a store."""
    return {row[0].value: int(row[1].value) for row in store.select(PER_GRAPH).rows}


def oracle_module() -> ModuleType:
    """``tests/expected/oracle.py``, loaded once under the name the catalogue tests give it."""
    name = "hngraph_test_oracle"
    if name not in sys.modules:
        spec = importlib.util.spec_from_file_location(name, ROOT / "tests/expected/oracle.py")
        assert spec and spec.loader
        module = importlib.util.module_from_spec(spec)
        sys.modules[name] = module  # dataclasses look their module up
        spec.loader.exec_module(module)
    return sys.modules[name]
