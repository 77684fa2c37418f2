"""The benchmark: the synthetic corpus is reproducible and conforms; ``bench/run.py`` runs."""

from __future__ import annotations

import importlib.util
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from rdflib import Graph

from hngraph.source.parse import parse_file
from hngraph.validation import load_shapes, validate

ROOT = Path(__file__).resolve().parents[1]


def _module(name: str):
    """``bench/{name}.py`` as a module (bench/ is not a package)."""
    key = f"bench_{name}"
    if key not in sys.modules:
        spec = importlib.util.spec_from_file_location(key, ROOT / "bench" / f"{name}.py")
        assert spec is not None and spec.loader is not None
        module = importlib.util.module_from_spec(spec)
        sys.modules[key] = module
        spec.loader.exec_module(module)
    return sys.modules[key]


def generated(folder: Path) -> dict[str, bytes]:
    """Every generated file (not the links to the project) → its bytes."""
    return {
        str(p.relative_to(folder)): p.read_bytes()
        for p in sorted(folder.rglob("*"))
        if p.is_file() and not any(part.is_symlink() for part in (p, *p.parents))
    }


def test_same_seed_gives_byte_identical_files(tmp_path: Path) -> None:
    generate = _module("generate")
    generate.write_corpus(tmp_path / "a", 3, seed=7, project=ROOT)
    generate.write_corpus(tmp_path / "b", 3, seed=7, project=ROOT)
    generate.write_corpus(tmp_path / "c", 3, seed=8, project=ROOT)
    a, b, c = (generated(tmp_path / x) for x in "abc")
    assert len(a) == 9  # 3 × (source, metadata, translations)
    assert a == b
    assert a != c


def test_a_list_does_not_depend_on_the_corpus_size(tmp_path: Path) -> None:
    generate = _module("generate")
    generate.write_corpus(tmp_path / "small", 2, project=ROOT)
    generate.write_corpus(tmp_path / "large", 4, project=ROOT)
    small, large = generated(tmp_path / "small"), generated(tmp_path / "large")
    assert small == {name: data for name, data in large.items() if name in small}


def test_lists_are_hunan_like_and_marked_synthetic(tmp_path: Path) -> None:
    generate = _module("generate")
    material = generate.load_material(ROOT)
    (source,) = generate.write_corpus(tmp_path, 1, project=ROOT)
    task_list = parse_file(source)
    assert task_list.slug == "synthetic-1"
    assert "合成测试数据" in task_list.title
    assert len(task_list.tasks) == material.task_count
    assert set(task_list.department_names) <= set(material.aliases)
    assert "SYNTHETIC TEST DATA" in source.with_suffix(".json").read_text(encoding="utf-8")


def test_two_list_corpus_builds_and_conforms(tmp_path: Path) -> None:
    sources = _module("generate").write_corpus(tmp_path, 2, project=ROOT)
    argv = [sys.executable, "-m", "hngraph", "build", "--out", str(tmp_path / "out")]
    for source in sources:
        argv += ["--source", str(source.relative_to(tmp_path))]
    subprocess.run(argv, cwd=tmp_path, check=True, capture_output=True)
    graph = Graph().parse(tmp_path / "out" / "hngraph.ttl")
    report = validate(graph, load_shapes())
    assert report.conforms
    assert not report.results  # not even a warning: the corpus carries translations


def test_injected_violations_are_reproducible_and_spread_over_lists(tmp_path: Path) -> None:
    generate = _module("generate")
    sources = generate.write_corpus(tmp_path, 2, project=ROOT)
    argv = [sys.executable, "-m", "hngraph", "build", "--out", str(tmp_path / "out")]
    for source in sources:
        argv += ["--source", str(source.relative_to(tmp_path))]
    subprocess.run(argv, cwd=tmp_path, check=True, capture_output=True)
    nt = tmp_path / "out" / "hngraph.nt"
    Graph().parse(tmp_path / "out" / "hngraph.ttl").serialize(nt, format="nt", encoding="utf-8")
    first = generate.inject_violations(nt, tmp_path / "a.nt", 10)
    again = generate.inject_violations(nt, tmp_path / "b.nt", 10)
    assert first == again and len(first) == 10
    assert (tmp_path / "a.nt").read_bytes() == (tmp_path / "b.nt").read_bytes()
    lists = {line.split("/list/")[1].split("/")[0] for line in first}
    assert lists == {"synthetic-1", "synthetic-2"}  # violation i goes to list i mod 2
    assert generate.inject_violations(nt, tmp_path / "c.nt", 10, seed=1) != first


def test_slope_of_a_linear_and_a_quadratic_figure() -> None:
    run = _module("run")
    assert run.slope([(1, 2.0), (10, 20.0), (100, 200.0)]) == pytest.approx(1.0)
    assert run.slope([(1, 1.0), (10, 100.0)]) == pytest.approx(2.0)
    assert run.slope([(10, 1.0)]) is None


def test_run_quick_end_to_end(tmp_path: Path, tool: Callable[[str], str]) -> None:
    tool("oxigraph")  # the benchmark's server step needs it
    argv = [sys.executable, str(ROOT / "bench" / "run.py"), "--sizes", "1", "--quick"]
    argv += ["--out", str(tmp_path)]
    done = subprocess.run(argv, cwd=ROOT, capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr[-3000:]
    assert "| build | hngraph build |" in done.stdout
    assert "| validate | fastvalidate |" in done.stdout
    assert "| validate | fastvalidate, 8 violations |" in done.stdout
    assert "- fastvalidate, 8 violations: N=1: 8 → " in done.stdout
    assert "| department-workload |" in done.stdout
    (csv_file,) = tmp_path.glob("bench-*.csv")
    text = csv_file.read_text(encoding="utf-8")
    assert "embedded" in text and "rdflib" in text and "server" in text
