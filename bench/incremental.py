"""Benchmark: incremental validation of N synthetic lists when one list changed (issue 11, item 3).

    python bench/incremental.py                  # N = 1000: build, first run, 3 changed lists
    python bench/incremental.py --lists 100 --repeat 5
    python bench/incremental.py --check          # also the fast engine on the whole file

Target: one changed list in a 1000-list dataset validates in at most 1 s.

1. The corpus (``bench/generate.py``, under ``--out``) is built by ``hngraph build`` into
   ``--out/incremental-N/built/hngraph.ttl`` (reused when present; ``--rebuild`` builds again).
2. First run: ``validate_incremental`` with an empty cache (``--out/incremental-N/cache``).
3. Unchanged: the same file again.
4. One changed list, ``--repeat`` times: a copy of the file with one translation of list k
   edited (k = N/2, N/2 + 1, ...; each run changes another list, so each finds exactly one list
   that is not cached). ``hngraph build`` after editing that list's translation file writes the
   same bytes: a list's block depends on that list's inputs only.

Each run is a child process (``--child``) that times the ``validate_incremental`` call after its
imports and reports the engine's breakdown (read + cut + hash, cache lookup, parse, locality
verdict, validation, merge); the split is timed again piece by piece (map, cut, hash). The
end-to-end time of ``hngraph validate --incremental`` on the last changed file (interpreter start
and imports included) is measured too. ``measure()`` returns the figures (for ``bench/run.py``),
``markdown()`` prints them.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
DEFAULT_OUT = HERE / "results"
TARGET_S = 1.0
TARGET = "one changed list in a 1000-list dataset ≤ 1 s"
EDITED = (b"[synthetic test data] task ", b"[synthetic test data, edited] task ")


def child(data: Path, cache: Path, out: Path | None) -> dict:
    """One timed ``validate_incremental`` run (after imports); its stats and a split breakdown."""
    from hngraph.validation import render_json
    from hngraph.validation.incremental import parts
    from hngraph.validation.incremental.cache import Cache
    from hngraph.validation.incremental.engine import validate_incremental

    stats: dict = {}
    started = time.perf_counter()
    report = validate_incremental([data], cache=Cache(cache), stats=stats)
    seconds = time.perf_counter() - started
    if out is not None:
        out.write_text(render_json(report), encoding="utf-8")
    clock = time.perf_counter()
    mapped = parts._map(data)
    pieces = {"map_s": time.perf_counter() - clock}
    clock = time.perf_counter()
    cuts = parts._fast_cuts(mapped)
    pieces["cut_s"] = time.perf_counter() - clock
    clock = time.perf_counter()
    view, ends = memoryview(mapped), [c for c, _ in cuts[1:]] + [len(mapped)]
    parts._digests([(b"x", view[a:b]) for (a, _), b in zip(cuts, ends, strict=True)])
    pieces["hash_s"] = time.perf_counter() - clock
    stats.pop("validated_lists", None)
    return {"seconds": seconds, "results": len(report.results), **stats, **pieces}


def run_child(data: Path, cache: Path, out: Path | None = None) -> dict:
    argv = [sys.executable, str(Path(__file__).resolve()), "--child", "--data", str(data)]
    argv += ["--cache", str(cache)] + (["--report-out", str(out)] if out else [])
    done = subprocess.run(argv, capture_output=True, check=False, cwd=ROOT, env=_env())
    if done.returncode != 0:
        raise RuntimeError(f"child failed:\n{done.stderr.decode(errors='replace')[-3000:]}")
    return json.loads(done.stdout.decode().strip().splitlines()[-1])


def _env() -> dict:
    env = dict(os.environ)
    env["PYTHONPATH"] = str(ROOT) + os.pathsep + env.get("PYTHONPATH", "")
    return env


def build(lists: int, out: Path, seed: int | None, rebuild: bool) -> Path:
    """The built dataset of ``lists`` synthetic lists (built once, reused)."""
    sys.path.insert(0, str(HERE))
    import generate

    target = out / f"incremental-{lists}" / "built"
    dataset = target / "hngraph.ttl"
    if dataset.is_file() and not rebuild:
        return dataset
    corpus = out / "corpus"
    seed = generate.DEFAULT_SEED if seed is None else seed
    sources = generate.write_corpus(corpus, lists, seed, project=ROOT)
    argv = [sys.executable, "-m", "hngraph", "build", "--out", str(target.resolve())]
    for source in sources:
        argv += ["--source", str(source.relative_to(corpus))]
    subprocess.run(argv, cwd=corpus, check=True, capture_output=True, env=_env())
    return dataset


def changed_copy(dataset: Path, target: Path, slug: str) -> None:
    """``dataset`` with the first placeholder translation of list ``slug`` edited."""
    data = dataset.read_bytes()
    start = data.index(b"\n.\n\n<https://w3id.org/hngraph/id/list/" + slug.encode() + b">\n")
    where = data.index(EDITED[0], start)
    target.write_bytes(data[:where] + EDITED[1] + data[where + len(EDITED[0]) :])


def measure(
    lists: int = 1000,
    out: Path = DEFAULT_OUT,
    repeat: int = 3,
    check: bool = False,
    seed: int | None = None,
    rebuild: bool = False,
) -> dict:
    """Build (or reuse) the dataset, then time the first, unchanged and one-changed-list runs."""
    folder = out / f"incremental-{lists}"
    dataset = build(lists, out, seed, rebuild)
    cache = folder / "cache"
    shutil.rmtree(cache, ignore_errors=True)
    figures: dict = {"lists": lists, "bytes": dataset.stat().st_size}
    figures["load_1min"] = os.getloadavg()[0]
    figures["first"] = run_child(dataset, cache)
    figures["unchanged"] = run_child(dataset, cache)
    changed = folder / "changed.ttl"
    runs = []
    repeat = max(1, min(repeat, lists - 1))  # each run, and the command line's, edits another list
    for index in range(repeat):
        changed_copy(dataset, changed, _pick(lists, index))
        runs.append(run_child(changed, cache, folder / "changed.json"))
        if runs[-1]["validated"] != 1 or runs[-1].get("fallback"):
            raise RuntimeError(f"expected one list validated, got {runs[-1]}")
    figures["changed"] = runs
    figures["changed_median_s"] = statistics.median(r["seconds"] for r in runs)
    changed_copy(dataset, changed, _pick(lists, repeat))
    started = time.perf_counter()
    argv = [sys.executable, "-m", "hngraph", "validate", "--incremental", "--data", str(changed)]
    done = subprocess.run(
        argv, capture_output=True, cwd=ROOT, env={**_env(), "HNGRAPH_CACHE": str(cache)}
    )
    figures["cli_s"] = time.perf_counter() - started
    figures["cli_line"] = done.stderr.decode(errors="replace").strip().splitlines()[-1:]
    if check:
        figures["same_report"], figures["fast_whole_cli_s"] = _same_as_fast(folder, changed)
    figures["met"] = lists >= 1000 and figures["changed_median_s"] <= TARGET_S
    return figures


def changed_list_seconds(corpus: Path, lists: int, out: Path) -> float:
    """bench/run.py's hook: the median seconds of an incremental run after one list changed, on
    a dataset of ``lists`` lists (built here from the same seed; ``corpus`` is not needed)."""
    del corpus
    return float(measure(lists=lists, out=out)["changed_median_s"])


def _pick(lists: int, index: int) -> str:
    """The list the ``index``-th run edits: from the middle on."""
    return f"synthetic-{(lists // 2 + index) % lists + 1}"


def _same_as_fast(folder: Path, changed: Path) -> tuple[bool, float]:
    """Whether the incremental JSON report equals the fast engine's on the whole file; its time."""
    ours = folder / "incremental.json"
    run_child(changed, folder / "cache", ours)
    argv = [sys.executable, "-m", "hngraph", "validate", "--data", str(changed), "--format"]
    started = time.perf_counter()
    done = subprocess.run([*argv, "json"], capture_output=True, cwd=ROOT, env=_env())
    seconds = time.perf_counter() - started
    return done.stdout.decode("utf-8") == ours.read_text(encoding="utf-8"), seconds


def markdown(figures: dict) -> str:
    """The figures as a Markdown table, the breakdown, and the target line."""
    n = figures["lists"]
    first, unchanged, runs = figures["first"], figures["unchanged"], figures["changed"]
    keys = ("split_s", "lookup_s", "parse_s", "prove_s", "validate_s", "merge_s")
    lines = [
        f"Incremental validation, N = {n} lists ({figures['bytes'] / 1e6:.1f} MB of Turtle), "
        f"1-minute load average {figures['load_1min']:.2f} at the start",
        "",
        "| run | seconds | validated parts | cached parts | " + " | ".join(keys) + " |",
        "|---|---|---|---|" + "---|" * len(keys),
    ]
    named = [("first (empty cache)", first), ("unchanged", unchanged)]
    named += [(f"one changed list #{i + 1}", r) for i, r in enumerate(runs)]
    for name, run in named:
        cells = " | ".join(f"{run.get(k, 0):.3f}" for k in keys)
        lines.append(
            f"| {name} | {run['seconds']:.3f} | {run['validated']} | {run['cached']} | {cells} |"
        )
    last = runs[-1]
    lines += [
        "",
        f"Split of the last changed run, timed alone: map {last['map_s']:.3f} s, cut "
        f"{last['cut_s']:.3f} s, hash {last['hash_s']:.3f} s (the rest of split_s: the "
        "Python objects of the parts).",
        f"`hngraph validate --incremental` end to end (interpreter start and imports "
        f"included): {figures['cli_s']:.2f} s; {' '.join(figures['cli_line'])}",
    ]
    if "same_report" in figures:
        lines.append(
            f"Same JSON report as the fast engine on the whole file: {figures['same_report']} "
            f"(`hngraph validate` on it, end to end: {figures['fast_whole_cli_s']:.1f} s)"
        )
    verdict = "met" if figures["met"] else "missed" if n >= 1000 else "not measured at N = 1000"
    lines.append(
        f"Target: {TARGET}: {figures['changed_median_s']:.3f} s (median of {len(runs)}) — "
        f"**{verdict}**"
    )
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--lists", type=int, default=1000, help="how many lists (N)")
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT, help="results folder")
    parser.add_argument("--repeat", type=int, default=3, help="one-changed-list runs")
    parser.add_argument("--seed", type=int, default=None, help="corpus seed")
    parser.add_argument("--rebuild", action="store_true", help="build the dataset again")
    parser.add_argument("--check", action="store_true", help="compare with the fast engine")
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--data", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--cache", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--report-out", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        print(json.dumps(child(args.data, args.cache, args.report_out)))
        return 0
    figures = measure(args.lists, args.out, args.repeat, args.check, args.seed, args.rebuild)
    text = markdown(figures)
    stamp = time.strftime("%Y%m%d-%H%M%S")
    folder = args.out / f"incremental-{args.lists}"
    (folder / f"incremental-{stamp}.json").write_text(json.dumps(figures, indent=2) + "\n")
    (folder / f"incremental-{stamp}.md").write_text(text, encoding="utf-8")
    print(text, end="")
    return 0


if __name__ == "__main__":
    sys.exit(main())
