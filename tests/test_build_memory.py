"""``bench/build_memory.py``: one big synthetic list that builds, measured in a child process."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType

from hngraph.source.parse import parse_file

ROOT = Path(__file__).resolve().parents[1]


def _bench() -> ModuleType:
    """``bench/build_memory.py`` as a module (bench/ is not a package)."""
    key = "bench_build_memory"
    if key not in sys.modules:
        spec = importlib.util.spec_from_file_location(key, ROOT / "bench" / "build_memory.py")
        assert spec is not None and spec.loader is not None
        module = importlib.util.module_from_spec(spec)
        sys.modules[key] = module
        spec.loader.exec_module(module)
    return sys.modules[key]


def test_the_list_has_the_tasks_asked_for_and_says_it_is_synthetic(tmp_path: Path) -> None:
    bench = _bench()
    source = bench.write_list(tmp_path, 40, 7)
    parsed = parse_file(source)
    assert [task.number for task in parsed.tasks] == list(range(1, 41))
    assert "合成测试数据" in parsed.title
    assert "SYNTHETIC TEST DATA" in source.with_suffix(".json").read_text(encoding="utf-8")
    assert bench.write_list(tmp_path, 40, 7).read_bytes() == source.read_bytes()


def test_a_small_list_is_built_and_measured(tmp_path: Path) -> None:
    bench = _bench()
    figure = bench.measure(20, tmp_path, 7)
    assert figure["tasks"] == 20 and figure["triples"] > 20 * 10 and figure["peak_mb"] > 0
    table = bench.markdown([figure])
    assert "| 20 |" in table and "the target is at 100,000" in table
