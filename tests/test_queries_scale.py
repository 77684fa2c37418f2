"""``bench/queries_scale.py``: the verdicts of its table, and one timed query on the dataset."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def _bench():
    """``bench/queries_scale.py`` as a module (bench/ is not a package)."""
    key = "bench_queries_scale"
    if key not in sys.modules:
        spec = importlib.util.spec_from_file_location(key, ROOT / "bench" / "queries_scale.py")
        assert spec is not None and spec.loader is not None
        module = importlib.util.module_from_spec(spec)
        sys.modules[key] = module
        spec.loader.exec_module(module)
    return sys.modules[key]


def _run(big: float | None, small: float, slow: float | None) -> dict:
    return {
        "rdflib_cap": 60,
        "embedded-1000": {"load_s": 1.0, "load_1min": 0.5, "times": {"q": big}},
        "embedded-100": {"load_s": 0.1, "load_1min": 0.5, "times": {"q": small}},
        "rdflib-100": {"load_s": 2.0, "load_1min": 0.5, "times": {"q": slow}},
    }


def test_table_gives_each_target_its_verdict() -> None:
    bench = _bench()
    assert "| q | 400.0 ms | met | 10.0 ms | 600.0 ms | 60.0× | met |" in bench.table(
        _run(0.4, 0.01, 0.6)
    )
    missed = bench.table(_run(0.6, 0.01, 0.4))
    assert "| q | 600.0 ms | **missed** | 10.0 ms | 400.0 ms | 40.0× | **missed** |" in missed
    assert "> 6000× | met" in bench.table(_run(0.1, 0.01, None))  # rdflib stopped at the cap


def test_compare_puts_two_runs_side_by_side() -> None:
    text = _bench().compare(_run(0.6, 0.02, 0.4), _run(0.4, 0.01, 0.6))
    assert "| q | 600.0 ms ✗ → 400.0 ms | 20.0 ms → 10.0 ms | 400.0 ms → 600.0 ms |" in text
    assert "20.0× ✗ → 60.0× |" in text


def test_child_times_a_catalogue_query_with_its_example_parameters() -> None:
    answer = _bench().child(
        ROOT / "data" / "dataset" / "hngraph.ttl", "embedded", 1, 60, {"task-size"}
    )
    assert set(answer["times"]) == {"task-size"}
    assert answer["rows"]["task-size"] > 0
    assert answer["times"]["task-size"] is not None
