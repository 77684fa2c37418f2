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
    assert "### Targets (issue 11)" in done.stdout
    for target in _module("targets").TARGETS:  # one row per target, each with a verdict
        (row,) = [
            line for line in done.stdout.splitlines() if line.startswith(f"| {target.text} |")
        ]
        verdict = row.rsplit("|", 2)[1].strip()
        assert verdict in ("met", "**missed**") or verdict.startswith(("not measured", "met: "))
    (changed,) = [line for line in done.stdout.splitlines() if line.startswith("| one changed")]
    assert "| N=1: " in changed and "not measured at N = 1000" in changed  # bench/incremental.py
    (md_file,) = tmp_path.glob("bench-*.md")
    assert "### Targets (issue 11)" in md_file.read_text(encoding="utf-8")
    (csv_file,) = tmp_path.glob("bench-*.csv")
    text = csv_file.read_text(encoding="utf-8")
    assert "embedded" in text and "rdflib" in text and "server" in text


def test_targets_are_judged_from_the_figures() -> None:
    run, targets = _module("run"), _module("targets")
    figures = [
        run.Figure(1000, "validate", "fastvalidate", seconds=9.5, peak_mb=800),
        run.Figure(1000, "validate", "fastvalidate, 8 violations", seconds=12.5, peak_mb=900),
        run.Figure(1000, "query", "embedded", query="a", seconds=0.2),
        run.Figure(1000, "query", "embedded", query="b", seconds=0.7),
        run.Figure(1, targets.COLD_CLI, "process", seconds=0.140),
        run.Figure(1, targets.IMPORT_OX, "process", seconds=0.100),
    ]
    verdicts = {t.text: t.judge(figures, [1000]) for t in targets.TARGETS}
    assert verdicts["validation at N = 1000 ≤ 10 s"] == ("conforming: 9.50 s", "met")
    assert verdicts["validation at N = 1000 with injected violations ≤ 12 s"][1] == "**missed**"
    assert verdicts["validation peak memory at N = 1000 ≤ 1 GB"][1] == "met"
    figure, verdict = verdicts["every catalogue query ≤ 0.5 s at N = 1000, embedded"]
    assert verdict == "**missed**" and "1 of 2" in figure and "b 700 ms" in figure
    assert verdicts["cold `hngraph query department-workload` ≤ `import pyoxigraph` + 50 ms"] == (
        "query 140 ms, import pyoxigraph 100 ms: +40 ms",
        "met",
    )
    assert verdicts["every catalogue query ≥ 50× faster than rdflib at N = 100"][1].startswith(
        "not measured"
    )
