"""Benchmark: peak memory of ``hngraph build`` on one big source list (issue 11, item 6).

    python bench/build_memory.py                       # one list of 100,000 tasks
    python bench/build_memory.py --tasks 1000,10000,100000

Target: building one list of 100,000 tasks needs at most 500 MB peak resident memory.

For each size N, one synthetic list of N tasks (``bench/generate.py``'s layout and texts: measure
and department counts drawn from the Hunan list's, departments from the registry's aliases,
placeholder English translations, metadata marked as synthetic test data) is written under
``--out/build-memory/`` laid out as a project folder, then ``python -m hngraph build --source
… --out …`` runs in a child process (cwd: that folder). The child runs the command in-process
and reports its own ``VmHWM`` (peak resident set, read from ``/proc/self/status`` at exit): a
parent's ``ru_maxrss`` would carry the parent's memory across fork and exec. The triples are
counted by streaming the written Turtle through pyoxigraph's parser.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import os
import runpy
import subprocess
import sys
import time
from pathlib import Path
from types import ModuleType

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
DEFAULT_OUT = HERE / "results"
DEFAULT_TASKS = (100_000,)
TARGET_MB = 500.0
TARGET_TASKS = 100_000
TARGET = "one list of 100,000 tasks builds in ≤ 500 MB peak"


def _generate() -> ModuleType:
    """``bench/generate.py`` as a module (bench/ is not a package)."""
    if "bench_generate" in sys.modules:
        return sys.modules["bench_generate"]
    spec = importlib.util.spec_from_file_location("bench_generate", HERE / "generate.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["bench_generate"] = module  # its dataclasses look their module up there
    spec.loader.exec_module(module)
    return module


def write_list(folder: Path, tasks: int, seed: int) -> Path:
    """Write one synthetic list of ``tasks`` tasks as a project folder; return its source path
    (``bench/generate.py``'s big list, the one ``bench/run.py --build-100k`` builds)."""
    return _generate().write_big_list(folder, tasks, seed, project=ROOT)


def vm_hwm_mb() -> float:
    """This process's peak resident memory (``VmHWM``), in MB."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    raise RuntimeError("no VmHWM in /proc/self/status")


def child(argv: list[str]) -> int:
    """Run ``python -m hngraph ARGV`` in this process; print its exit code and peak as JSON."""
    sys.argv = ["hngraph", *argv]
    try:
        runpy.run_module("hngraph", run_name="__main__", alter_sys=True)
        code = 0
    except SystemExit as done:
        code = done.code if isinstance(done.code, int) else 1
    print(json.dumps({"code": code, "vm_hwm_mb": vm_hwm_mb()}))
    return 0


def measure(tasks: int, out: Path, seed: int) -> dict:
    """Generate a list of ``tasks`` tasks, build it in a child process; the figures."""
    folder = out / "build-memory" / f"tasks-{tasks}"
    source = write_list(folder, tasks, seed)
    built = folder / "built"
    argv = [sys.executable, str(Path(__file__).resolve()), "--child", "--"]
    argv += ["build", "--source", str(source), "--out", str(built)]
    env = dict(
        os.environ,
        PYTHONPATH=os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")])),
    )
    started = time.perf_counter()
    done = subprocess.run(argv, cwd=folder, capture_output=True, text=True, env=env, check=False)
    seconds = time.perf_counter() - started
    lines = done.stdout.strip().splitlines()
    answer = json.loads(lines[-1]) if lines else {"code": done.returncode}
    if done.returncode != 0 or answer.get("code") != 0:
        raise RuntimeError(f"the build of {tasks} tasks failed:\n{done.stderr[-3000:]}")
    return {
        "tasks": tasks,
        "triples": count_triples(built / "hngraph.ttl"),
        "seconds": seconds,
        "peak_mb": answer["vm_hwm_mb"],
        "bytes": (built / "hngraph.ttl").stat().st_size,
    }


def count_triples(path: Path) -> int:
    """Triples in a Turtle file, streamed through pyoxigraph's parser."""
    import pyoxigraph as ox

    return sum(1 for _ in ox.parse(path=str(path), format=ox.RdfFormat.TURTLE))


def markdown(figures: list[dict]) -> str:
    """The figures as a Markdown table, with the target's verdict."""
    lines = [
        "| tasks | triples | Turtle MB | seconds | peak MB | target | verdict |",
        "|---|---|---|---|---|---|---|",
    ]
    for figure in figures:
        verdict = "met" if figure["peak_mb"] <= TARGET_MB else "missed"
        if figure["tasks"] < TARGET_TASKS:
            verdict = f"({verdict} at this size; the target is at {TARGET_TASKS:,})"
        lines.append(
            f"| {figure['tasks']:,} | {figure['triples']:,} | {figure['bytes'] / 1e6:.1f} | "
            f"{figure['seconds']:.1f} | {figure['peak_mb']:.0f} | ≤ {TARGET_MB:.0f} MB "
            f"| {verdict} |"
        )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    """Measure each size; print the table and the verdict on the target."""
    argv = sys.argv[1:] if argv is None else argv
    if argv[:1] == ["--child"]:
        return child(argv[2:] if argv[1:2] == ["--"] else argv[1:])
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--tasks",
        default=",".join(map(str, DEFAULT_TASKS)),
        help="comma-separated list sizes (default: 100000)",
    )
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT, help="work folder (git-ignored)")
    parser.add_argument("--seed", type=int, default=_generate().DEFAULT_SEED)
    args = parser.parse_args(argv)
    figures = []
    for tasks in (int(size) for size in args.tasks.split(",")):
        figure = measure(tasks, args.out, args.seed)
        figures.append(figure)
        print(
            f"N={tasks:,}: {figure['triples']:,} triples, {figure['seconds']:.1f} s, "
            f"peak {figure['peak_mb']:.0f} MB",
            flush=True,
        )
    print()
    print(markdown(figures))
    at_target = [f for f in figures if f["tasks"] == TARGET_TASKS]
    if at_target:
        verdict = "met" if at_target[0]["peak_mb"] <= TARGET_MB else "missed"
        print(f"\nTarget: {TARGET}: {verdict} ({at_target[0]['peak_mb']:.0f} MB)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
