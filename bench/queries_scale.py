"""Catalogue queries at scale: every query on N = 100 and N = 1000 synthetic lists.

    python bench/queries_scale.py                      # build (cached), time, print the table
    python bench/queries_scale.py --only task-size,co-responsibility --no-rdflib

Targets (issue 11): every query <= 0.5 s at N = 1000 on the embedded store, and >= 50x faster
than rdflib at N = 100. Embedded figures are the median of ``--repeat`` runs after one warm-up;
rdflib's is one cold run per query, stopped after ``--rdflib-cap`` seconds (rdflib is the slow
reference). Each query runs with its documented example parameters. Each backend runs in a child
process (``--child``) so that one does not disturb the other's memory.

The corpus (``bench/generate.py``, same seed as ``bench/run.py``) is built once per N with
``hngraph build`` and converted to N-Triples under ``--out`` (git-ignored); later runs reuse it.
Results go to ``--out/queries-scale-<stamp>.json``; ``--report FILE`` prints an earlier table,
``--report BEFORE AFTER`` two runs side by side.
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Sequence
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
DEFAULT_OUT = HERE / "results"
sys.path.insert(0, str(HERE))  # bench/ is not a package: run (the one query timer), generate
import run as bench_run  # noqa: E402

LIMIT_S = 0.5  # every query at N = 1000, embedded
RATIO = 50.0  # rdflib / embedded at N = 100


def corpus_nt(size: int, out: Path, seed: int) -> Path:
    """The N-Triples dump of ``size`` synthetic lists, built unless already there."""
    nt = out / f"qs-n{size}" / "hngraph.nt"
    if nt.is_file():
        return nt
    import generate

    corpus = out / "corpus"
    generate.write_corpus(corpus, size, seed, project=ROOT)
    argv = [sys.executable, "-m", "hngraph", "build", "--out", str(nt.parent.resolve())]
    for i in range(1, size + 1):
        argv += ["--source", f"data/source/synthetic-{i}.txt"]
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    print(f"building N={size} ...", file=sys.stderr, flush=True)
    subprocess.run(argv, cwd=corpus, env=env, check=True, stdout=subprocess.DEVNULL)
    import pyoxigraph as ox

    store = ox.Store()
    store.bulk_load(path=str(nt.parent / "hngraph.ttl"), format=ox.RdfFormat.TURTLE)
    partial = nt.with_suffix(".nt.part")
    store.dump(output=str(partial), format=ox.RdfFormat.N_TRIPLES, from_graph=ox.DefaultGraph())
    partial.rename(nt)
    return nt


def child(data: Path, backend: str, repeat: int, cap: int, only: set[str]) -> dict:
    """Time every catalogue query on one backend over ``data``."""
    from hngraph.sparql.catalogue import load_catalogue
    from hngraph.store import open_store

    catalogue = load_catalogue(ROOT / "queries")
    started = time.perf_counter()
    store = open_store(data=[data], backend=backend)
    loaded = time.perf_counter() - started
    times: dict[str, float | None] = {}
    rows: dict[str, int] = {}
    previous = signal.signal(signal.SIGALRM, bench_run.raise_timeout)
    try:
        _time_all(catalogue, store, repeat, cap, only, times, rows)
    finally:
        signal.signal(signal.SIGALRM, previous)
    return {"load_s": loaded, "times": times, "rows": rows, "load_1min": os.getloadavg()[0]}


def _time_all(
    catalogue: dict,
    store: object,
    repeat: int,
    cap: int,
    only: set[str],
    times: dict[str, float | None],
    rows: dict[str, int],
) -> None:
    """Fill ``times`` (median seconds, None past the cap) and ``rows`` for each query."""
    for name, query in sorted(catalogue.items()):
        if only and name not in only:
            continue
        timed = bench_run.time_query(query, store, query.example_values(), repeat, cap)
        if timed is None:
            times[name] = None
            continue
        rows[name], times[name] = timed
        print(
            f"  {getattr(store, 'name', '')} {name}: {times[name]:.4f} s",
            file=sys.stderr,
            flush=True,
        )


def run_child(data: Path, backend: str, repeat: int, cap: int, only: str) -> dict:
    """``child`` in a fresh interpreter; its JSON answer."""
    argv = [sys.executable, str(Path(__file__).resolve()), "--child", backend, "--data", str(data)]
    argv += ["--repeat", str(repeat), "--rdflib-cap", str(cap), "--only", only]
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    done = subprocess.run(argv, env=env, check=True, stdout=subprocess.PIPE)
    return json.loads(done.stdout.decode().strip().splitlines()[-1])


def _fmt(value: float | None, cap: int) -> str:
    if value is None:
        return f"> {cap} s"
    return f"{value * 1000:.1f} ms" if value < 1 else f"{value:.2f} s"


def table(results: dict) -> str:
    """The Markdown table: query, embedded N=1000, target, ratio at N=100, target."""
    cap = results["rdflib_cap"]
    big = results.get("embedded-1000", {}).get("times", {})
    small = results.get("embedded-100", {}).get("times", {})
    ref = results.get("rdflib-100", {}).get("times", {})
    lines = [
        "| query | embedded N=1000 | ≤ 0.5 s | embedded N=100 | rdflib N=100 | rdflib ÷ embedded "
        "N=100 | ≥ 50× |",
        "|---|---|---|---|---|---|---|",
    ]
    met = [0, 0]
    names = sorted(set(big) | set(small) | set(ref))
    for name in names:
        emb, emb100, slow = big.get(name), small.get(name), ref.get(name, "–")
        limit = "–" if name not in big else _verdict(emb is not None and emb <= LIMIT_S)
        if slow == "–" or emb100 is None:
            ratio, verdict = "–", "–"
        elif slow is None:  # rdflib over the cap: the ratio is at least cap / embedded
            ratio = f"> {cap / emb100:.0f}×"
            verdict = "met" if cap / emb100 >= RATIO else "unknown"
        else:
            ratio = f"{slow / emb100:.1f}×"
            verdict = "met" if slow / emb100 >= RATIO else "**missed**"
        met[0] += limit == "met"
        met[1] += verdict == "met"
        slow_text = "–" if slow == "–" else _fmt(slow, cap)
        lines.append(
            f"| {name} | {_fmt(emb, cap) if name in big else '–'} | {limit} | "
            f"{_fmt(emb100, cap) if name in small else '–'} | {slow_text} | {ratio} | {verdict} |"
        )
    lines += ["", f"≤ 0.5 s met by {met[0]} of {len(big)}; ≥ 50× met by {met[1]} of {len(ref)}."]
    loads = ", ".join(
        f"{key} load {value['load_s']:.2f} s (load average {value['load_1min']:.2f})"
        for key, value in results.items()
        if isinstance(value, dict)
    )
    return "\n".join(lines) + "\n\n" + loads + "\n"


def _verdict(met: bool) -> str:
    return "met" if met else "**missed**"


def compare(before: dict, after: dict) -> str:
    """Two runs side by side (before → after); ✗ marks a missed target."""
    cap = after["rdflib_cap"]

    def ratio(slow: float | None, emb: float | None) -> str:
        if emb is None:
            return "–"
        if slow is None:
            return f"> {cap / emb:.0f}×"
        return f"{slow / emb:.1f}×" + (" ✗" if slow / emb < RATIO else "")

    def big(value: float | None) -> str:
        return _fmt(value, cap) + (" ✗" if value is None or value > LIMIT_S else "")

    lines = [
        "| query | embedded N=1000 | embedded N=100 | rdflib N=100 | rdflib ÷ embedded N=100 |",
        "|---|---|---|---|---|",
    ]
    for name in sorted(after["embedded-1000"]["times"]):
        cells = []
        for key, show in (
            ("embedded-1000", big),
            ("embedded-100", lambda v: _fmt(v, cap)),
            ("rdflib-100", lambda v: _fmt(v, cap)),
        ):
            old, new = before[key]["times"].get(name), after[key]["times"].get(name)
            cells.append(f"{show(old)} → {show(new)}")
        old_ratio = ratio(
            before["rdflib-100"]["times"].get(name), before["embedded-100"]["times"].get(name)
        )
        new_ratio = ratio(
            after["rdflib-100"]["times"].get(name), after["embedded-100"]["times"].get(name)
        )
        cells.append(f"{old_ratio} → {new_ratio}")
        lines.append(f"| {name} | " + " | ".join(cells) + " |")
    return "\n".join(lines) + "\n"


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT, help="results folder")
    parser.add_argument("--seed", type=int, default=None, help="corpus seed")
    parser.add_argument("--repeat", type=int, default=3, help="timed embedded runs per query")
    parser.add_argument("--rdflib-cap", type=int, default=60, help="seconds per rdflib query")
    parser.add_argument("--only", default="", help="query names, comma-separated (default all)")
    parser.add_argument("--no-rdflib", action="store_true", help="skip rdflib at N = 100")
    parser.add_argument("--sizes", default="100,1000", help="embedded sizes (default 100,1000)")
    parser.add_argument(
        "--report",
        type=Path,
        nargs="+",
        metavar="JSON",
        help="print the table of an earlier run (two runs: before → after), exit",
    )
    parser.add_argument("--child", choices=("embedded", "rdflib"), help=argparse.SUPPRESS)
    parser.add_argument("--data", type=Path, help=argparse.SUPPRESS)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Build the corpora, time the catalogue, print the table."""
    args = _parser().parse_args(argv)
    only = {name for name in args.only.split(",") if name}
    if args.child:
        answer = child(args.data, args.child, args.repeat, args.rdflib_cap, only)
        print(json.dumps(answer))
        return 0
    if args.report:
        runs = [json.loads(path.read_text(encoding="utf-8")) for path in args.report]
        print(table(runs[0]) if len(runs) == 1 else compare(runs[0], runs[-1]))
        return 0
    import generate

    seed = generate.DEFAULT_SEED if args.seed is None else args.seed
    sizes = sorted({int(s) for s in args.sizes.split(",") if s})
    needed = sorted(set(sizes) | ({100} if not args.no_rdflib else set()))
    data = {size: corpus_nt(size, args.out, seed) for size in needed}
    results: dict = {"rdflib_cap": args.rdflib_cap}
    for size in sizes:
        results[f"embedded-{size}"] = run_child(
            data[size], "embedded", args.repeat, args.rdflib_cap, args.only
        )
    if not args.no_rdflib:
        results["rdflib-100"] = run_child(data[100], "rdflib", 1, args.rdflib_cap, args.only)
    stamp = time.strftime("%Y%m%d-%H%M%S")
    path = args.out / f"queries-scale-{stamp}.json"
    path.write_text(json.dumps(results, indent=1, sort_keys=True) + "\n", encoding="utf-8")
    print(table(results))
    print(f"JSON: {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
