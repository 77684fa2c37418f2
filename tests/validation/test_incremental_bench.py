"""``bench/incremental.py`` runs on a small corpus: one changed list is the only part validated."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def bench():
    if "bench_incremental" not in sys.modules:
        spec = importlib.util.spec_from_file_location(
            "bench_incremental", ROOT / "bench" / "incremental.py"
        )
        assert spec is not None and spec.loader is not None
        module = importlib.util.module_from_spec(spec)
        sys.modules["bench_incremental"] = module
        spec.loader.exec_module(module)
    return sys.modules["bench_incremental"]


def test_the_benchmark_measures_one_changed_list(tmp_path: Path) -> None:
    module = bench()
    figures = module.measure(lists=2, out=tmp_path, repeat=1)
    assert figures["first"]["validated"] == 3 and figures["first"]["cached"] == 0
    assert figures["unchanged"]["validated"] == 0
    assert [run["validated"] for run in figures["changed"]] == [1]
    assert not figures["met"]  # N = 3 says nothing about the target at N = 1000
    text = module.markdown(figures)
    assert "Target: one changed list in a 1000-list dataset ≤ 1 s" in text
    assert "not measured at N = 1000" in text
