"""Benchmark: build, validate, load and query N synthetic lists; print a Markdown table, write CSV.

    python bench/run.py --sizes 1,10,100            # a few minutes
    python bench/run.py --sizes 1000                # well under an hour
    python bench/run.py --sizes 1 --quick           # seconds: one repeat, no plain pySHACL

Every step runs in a child process (``python bench/run.py --child STEP ...``) so that its peak
memory is its own (``ru_maxrss`` from ``os.wait4``); the server's is its ``VmHWM``. Query times
on the embedded store and the server are the median of ``--repeat`` runs after one warm-up; on
rdflib one cold run (rdflib is the slow reference); each query runs with its documented example
parameters. ``--report a.csv b.csv`` prints the tables of earlier runs together.
The corpus is written by ``bench/generate.py`` under ``--out`` (git-ignored).

Validation is measured on the conforming corpus and on copies with injected violations
(``--violations 8,N``: 8, and one per list; ``bench/generate.py: inject_violations``, same seed),
recording how many results each run reported; at N <= ``--oxshacl-max`` pySHACL on Oxigraph
validates the same copies and the run stops if the counts differ. Each figure records the 1-minute
load average when its step started (``load_1min`` in the CSV).
"""

from __future__ import annotations

import argparse
import csv
import json
import math
import os
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
DEFAULT_OUT = HERE / "results"
QUERY_TIMEOUT_S = 30  # a query slower than this is recorded as skipped (rdflib at large N)
BUDGET_S = 300  # time allowed for one backend's catalogue at one size; the rest is skipped


@dataclass
class Figure:
    """One measured figure: a step (and query) on a backend at one size."""

    size: int
    step: str
    backend: str = ""
    query: str = ""
    seconds: float | None = None
    peak_mb: float | None = None
    note: str = ""
    extra: dict = field(default_factory=dict)


# ---------------------------------------------------------------------------------------------
# Child steps: each prints one JSON line {"seconds": ..., ...}
# ---------------------------------------------------------------------------------------------


def child_read(data: Path, **_: object) -> dict:
    """The I/O floor: read the N-Triples file's bytes."""
    started = time.perf_counter()
    size = len(data.read_bytes())
    return {"seconds": time.perf_counter() - started, "bytes": size}


def child_load_embedded(data: Path, **_: object) -> dict:
    """pyoxigraph bulk load of the N-Triples file."""
    import pyoxigraph as ox

    started = time.perf_counter()
    store = ox.Store()
    store.bulk_load(path=str(data), format=ox.RdfFormat.N_TRIPLES)
    return {"seconds": time.perf_counter() - started, "triples": len(store)}


def child_load_rdflib(data: Path, **_: object) -> dict:
    """rdflib parse of the N-Triples file."""
    from rdflib import Graph

    started = time.perf_counter()
    graph = Graph()
    graph.parse(data, format="nt")
    return {"seconds": time.perf_counter() - started, "triples": len(graph)}


def child_validate_fast(data: Path, jobs: int | None = None, **_: object) -> dict:
    """The fast engine's ``validate_fast`` from the N-Triples file, shapes parse included
    (``jobs`` screen threads; ``None``: the engine's default, as ``hngraph validate`` runs it)."""
    from hngraph.validation.fast import engine as fastvalidate

    started = time.perf_counter()
    stats: dict = {}
    threads = fastvalidate.DEFAULT_JOBS if jobs is None else jobs
    report = fastvalidate.validate_fast([data], jobs=threads, stats=stats)
    seconds = time.perf_counter() - started
    return {
        "seconds": seconds,
        "conforms": report.conforms,
        "results": len(report.results),
        "jobs": threads,
        **stats,
    }


def child_inject(data: Path, out: str = "", count: int = 8, seed: int | None = None, **_) -> dict:
    """A copy of the N-Triples file with ``count`` injected violations (``bench/generate.py``)."""
    sys.path.insert(0, str(HERE))
    import generate

    started = time.perf_counter()
    seed = generate.DEFAULT_SEED if seed is None else seed
    described = generate.inject_violations(data, Path(out), count, seed)
    return {"seconds": time.perf_counter() - started, "injected": len(described)}


def child_validate_plain(data: Path, engine: str = "rdflib", **_: object) -> dict:
    """``hngraph.validation.validate`` (pySHACL on the whole graph), parse included."""
    from hngraph import validation
    from hngraph.rdf.read import read_graph

    started = time.perf_counter()
    graph = read_graph(data)
    parsed = time.perf_counter() - started
    report = validation.validate(graph, engine=engine)  # type: ignore[arg-type]
    seconds = time.perf_counter() - started
    return {
        "seconds": seconds,
        "parse_s": parsed,
        "conforms": report.conforms,
        "results": len(report.results),
    }


def child_queries(
    data: Path,
    backend: str = "embedded",
    repeat: int = 3,
    endpoint: str = "",
    exclude: str = "",
    **_: object,
) -> dict:
    """Every catalogue query (example parameters): load time and median query times."""
    from hngraph.sparql.catalogue import load_catalogue
    from hngraph.store import open_store

    catalogue = load_catalogue(ROOT / "queries")
    started = time.perf_counter()
    source = {"endpoint": endpoint} if endpoint else {"data": [data], "backend": backend}
    store = open_store(**source)
    loaded = time.perf_counter() - started
    times: dict[str, float] = {}
    rows: dict[str, int] = {}
    skipped: list[str] = []
    budget = time.monotonic() + BUDGET_S
    signal.signal(signal.SIGALRM, raise_timeout)
    for name, query in sorted(catalogue.items()):
        values = query.example_values()
        if name in exclude.split(","):
            skipped.append(f"{name} (excluded)")
            continue
        if time.monotonic() > budget:
            skipped.append(name)
            continue
        timed = time_query(query, store, values, repeat, QUERY_TIMEOUT_S)
        if timed is None:
            skipped.append(f"{name} (> {QUERY_TIMEOUT_S} s)")
            continue
        rows[name], times[name] = timed
    return {"seconds": loaded, "queries": times, "rows": rows, "skipped": skipped}


def time_query(
    query: Any, store: object, values: object, repeat: int, cap: int
) -> tuple[int, float] | None:
    """Rows and median seconds of ``repeat`` runs (after one warm-up when repeating); None when
    a run takes over ``cap`` seconds. The caller installs ``raise_timeout`` for SIGALRM."""
    samples = []
    rows = 0
    try:
        for _ in range(repeat + (repeat > 1)):
            signal.alarm(cap)
            begin = time.perf_counter()
            rows = len(query.run(store, values).rows)
            samples.append(time.perf_counter() - begin)
            signal.alarm(0)
    except Exception as error:  # the store wraps the alarm's TimeoutError in StoreError
        signal.alarm(0)
        if not isinstance(error, TimeoutError) and not isinstance(error.__cause__, TimeoutError):
            raise
        return None
    return rows, statistics.median(samples[1:] if repeat > 1 else samples)


def raise_timeout(signum: int, frame: object) -> None:
    """The SIGALRM handler of ``time_query``."""
    raise TimeoutError


CHILDREN: dict[str, Callable[..., dict]] = {
    "read": child_read,
    "load-embedded": child_load_embedded,
    "load-rdflib": child_load_rdflib,
    "validate-fast": child_validate_fast,
    "inject": child_inject,
    "validate-plain": child_validate_plain,
    "queries": child_queries,
}


def vm_hwm_mb(pid: int | str = "self") -> float | None:
    """Peak resident memory (``VmHWM``) of a live process, in MB; None where unknown."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        return None
    return None


def child_build(data: Path, sources: str = "", out: str = "", **_: object) -> dict:
    """``hngraph build`` in this process (cwd: the corpus), so that its own peak is known."""
    from hngraph.commands.main import main as hngraph_main

    argv = ["build", "--out", out]
    for source in sources.split(","):
        argv += ["--source", source]
    started = time.perf_counter()
    code = hngraph_main(argv)
    if code != 0:
        raise SystemExit(code)
    return {"seconds": time.perf_counter() - started}


def child_convert(data: Path, out: str = "", **_: object) -> dict:
    """Turtle → N-Triples with pyoxigraph; the triple count."""
    import pyoxigraph as ox

    store = ox.Store()
    store.bulk_load(path=str(data), format=ox.RdfFormat.TURTLE)
    store.dump(output=out, format=ox.RdfFormat.N_TRIPLES, from_graph=ox.DefaultGraph())
    return {"seconds": 0.0, "triples": len(store)}


CHILDREN.update(build=child_build, convert=child_convert)


def run_child(step: str, cwd: Path = ROOT, **options: object) -> tuple[dict, float]:
    """Run a child step; return its JSON answer and its peak memory in MB.

    The peak is the child's own ``VmHWM`` (``ru_maxrss`` would include the parent's memory,
    which Linux carries across fork and exec).
    """
    argv = [sys.executable, str(Path(__file__).resolve()), "--child", step]
    for key, value in options.items():
        argv += [f"--{key.replace('_', '-')}", str(value)]
    process = subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE, cwd=cwd)
    out, err = _communicate(process)
    if process.returncode != 0:
        raise RuntimeError(f"step {step} failed:\n{err.decode(errors='replace')[-3000:]}")
    answer = json.loads(out.decode().strip().splitlines()[-1])
    return answer, answer.pop("vm_hwm_mb", None) or process.peak_mb  # type: ignore[attr-defined]


def _communicate(process: subprocess.Popen) -> tuple[bytes, bytes]:
    """Read the child's output, then reap it with ``wait4`` to get its own peak RSS."""
    out = process.stdout.read() if process.stdout else b""
    err = process.stderr.read() if process.stderr else b""
    _, status, usage = os.wait4(process.pid, 0)
    process.returncode = os.waitstatus_to_exitcode(status)
    process.peak_mb = usage.ru_maxrss / 1024  # type: ignore[attr-defined]  # Linux: KiB
    return out, err


def run_timed(argv: Sequence[str], cwd: Path) -> tuple[float, float]:
    """Wall-clock seconds and peak MB of a command (e.g. ``hngraph build``)."""
    started = time.perf_counter()
    process = subprocess.Popen(argv, cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    _, err = _communicate(process)
    seconds = time.perf_counter() - started
    if process.returncode != 0:
        raise RuntimeError(
            f"{' '.join(argv[:4])} … failed:\n{err.decode(errors='replace')[-3000:]}"
        )
    return seconds, process.peak_mb  # type: ignore[attr-defined]


# ---------------------------------------------------------------------------------------------
# The Oxigraph server
# ---------------------------------------------------------------------------------------------


class OxigraphServer:
    """``oxigraph serve`` (PyPI ``oxigraph``) in memory on a free loopback port."""

    def __init__(self) -> None:
        beside = Path(sys.executable).parent / "oxigraph"
        binary = str(beside) if beside.is_file() else shutil.which("oxigraph")
        if binary is None:
            raise RuntimeError("the `oxigraph` command is missing: pip install oxigraph")
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            self.port = probe.getsockname()[1]
        self.base = f"http://127.0.0.1:{self.port}"
        self.process = subprocess.Popen(
            [binary, "serve", "--bind", f"127.0.0.1:{self.port}"],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=0.2).close()
                return
            except OSError:
                time.sleep(0.05)
        self.stop()
        raise RuntimeError("oxigraph serve did not start within 30 s")

    def load(self, data: Path) -> float:
        """PUT the N-Triples file into the default graph (Graph Store Protocol); seconds."""
        from hngraph.store.http import Policy, store_graph

        body = data.read_bytes()
        started = time.perf_counter()
        store_graph(
            f"{self.base}/store",
            body,
            "application/n-triples",
            policy=Policy(timeout=3600, deadline=3600),
        )
        return time.perf_counter() - started

    def peak_mb(self) -> float | None:
        """The server's peak resident memory (``VmHWM``)."""
        return vm_hwm_mb(self.process.pid)

    def stop(self) -> None:
        """Stop the server this object started."""
        self.process.terminate()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()


# ---------------------------------------------------------------------------------------------
# One size
# ---------------------------------------------------------------------------------------------


@dataclass
class Options:
    """What to measure."""

    out: Path
    seed: int
    repeat: int
    jobs: int | None
    plain_max: int
    oxshacl_max: int
    rdflib_max: int
    server: bool
    exclude: str = ""
    violations: tuple[str, ...] = ("8", "N")
    build_100k: bool = False
    serve_max: int = 100


def prepare(size: int, corpus: Path, options: Options) -> tuple[list[Figure], Path]:
    """Build the dataset of ``size`` lists (``hngraph build``); convert it to N-Triples."""
    sources = ",".join(f"data/source/synthetic-{i}.txt" for i in range(1, size + 1))
    out = (options.out / f"n{size}").resolve()
    started = time.perf_counter()
    answer, peak = run_child("build", cwd=corpus, sources=sources, out_file=out)
    seconds = time.perf_counter() - started
    nt = out / "hngraph.nt"
    converted, _ = run_child("convert", data=out / "hngraph.ttl", out_file=nt)
    figure = Figure(
        size,
        "build",
        "hngraph build",
        seconds=seconds,
        peak_mb=peak,
        note="process wall-clock, interpreter start included",
        extra={
            "triples": converted["triples"],
            "nt_bytes": nt.stat().st_size,
            "in_process_s": answer["seconds"],
        },
    )
    return [figure], nt


def measure(size: int, nt: Path, options: Options, progress: Callable[[str], None]) -> list[Figure]:
    """Every figure but the build's for one size."""
    figures: list[Figure] = []

    def step(name: str, label: str, child: str, data: Path = nt, **kw: object) -> dict:
        progress(f"N={size} {name} ({label})")
        load = os.getloadavg()[0]
        answer, peak = run_child(child, data=data, **kw)
        extra = {k: v for k, v in answer.items() if k not in ("seconds", "queries")}
        extra["load_1min"] = round(load, 2)
        figures.append(
            Figure(size, name, label, seconds=answer["seconds"], peak_mb=peak, extra=extra)
        )
        return answer

    step("I/O floor: read N-Triples", "python", "read")
    step("load", "pyoxigraph bulk load", "load-embedded")
    if size <= options.rdflib_max:
        step("load", "rdflib parse", "load-rdflib")
    threads = {} if options.jobs is None else {"jobs": options.jobs}  # else the engine's default
    step("validate", "fastvalidate", "validate-fast", **threads)
    if size <= options.plain_max:
        step("validate", "plain pySHACL (rdflib)", "validate-plain", engine="rdflib")
    if size <= options.oxshacl_max:
        step("validate", "pySHACL on Oxigraph", "validate-plain", engine="oxigraph")
    for spec in options.violations:
        count = size if spec == "N" else int(spec)
        label = "1 violation per list" if spec == "N" else f"{count} violations"
        broken = nt.with_name(f"hngraph-{count}-violations.nt")
        progress(f"N={size} inject {count} violations")
        injected, _ = run_child("inject", data=nt, out_file=broken, count=count, seed=options.seed)
        fast = step("validate", f"fastvalidate, {label}", "validate-fast", broken, **threads)
        figures[-1].extra["injected"] = injected["injected"]
        if size <= options.oxshacl_max:
            plain = step(
                "validate",
                f"pySHACL on Oxigraph, {label}",
                "validate-plain",
                broken,
                engine="oxigraph",
            )
            figures[-1].extra["injected"] = injected["injected"]
            if plain["results"] != fast["results"]:
                raise RuntimeError(f"N={size}, {label}: fastvalidate and pySHACL disagree")
    for backend in ("embedded", "rdflib"):
        if backend == "rdflib" and size > options.rdflib_max:
            continue
        repeat = options.repeat if backend == "embedded" else 1  # rdflib: one cold run
        answer = step(
            "queries: load",
            backend,
            "queries",
            backend=backend,
            repeat=repeat,
            exclude=options.exclude,
        )
        figures.extend(_query_figures(size, backend, answer, figures[-1].peak_mb))
    if options.server:
        figures.extend(_server(size, nt, options, progress))
    return figures


def _query_figures(size: int, backend: str, answer: dict, peak: float | None) -> list[Figure]:
    return [
        Figure(
            size,
            "query",
            backend,
            query=name,
            seconds=seconds,
            peak_mb=peak,
            extra={"rows": answer["rows"][name]},
        )
        for name, seconds in sorted(answer["queries"].items())
    ] + [
        Figure(size, "query", backend, query=name.split(" ")[0], note=f"skipped: {name}")
        for name in answer.get("skipped", [])
    ]


def _server(size: int, nt: Path, options: Options, progress: Callable[[str], None]) -> list[Figure]:
    progress(f"N={size} oxigraph serve: load + queries")
    server = OxigraphServer()
    try:
        loaded = server.load(nt)
        answer, _ = run_child(
            "queries",
            data=nt,
            endpoint=f"{server.base}/query",
            repeat=options.repeat,
            exclude=options.exclude,
        )
        peak = server.peak_mb()
    finally:
        server.stop()
    figures = [Figure(size, "load", "oxigraph serve (GSP PUT)", seconds=loaded, peak_mb=peak)]
    return figures + _query_figures(size, "server", answer, peak)


def startup_figures(sizes: list[int], options: Options, progress: Callable[[str], None]) -> list:
    """``hngraph serve`` until it answers (the Hunan dataset, and the largest size run), each
    with an empty cache and again with it filled; the cold CLI query against a bare
    ``import pyoxigraph``, medians of the same run."""
    import startup
    import targets

    figures: list[Figure] = []
    cache = (options.out / "cache").resolve()
    places = [(1, targets.HUNAN, ROOT / "data" / "dataset" / "hngraph.ttl")]
    served = [n for n in sizes if n <= options.serve_max]
    if served:  # the largest size run, within --serve-max (a first start at N = 1000 is slow)
        largest = max(served)
        built = (options.out / f"n{largest}" / "hngraph.ttl").resolve()
        places.append((largest, f"N={largest}", built))
    for size, where, data in places:
        for cold in (True, False):
            label = "empty cache" if cold else "cache filled"
            progress(f"serve ready: {where}, {label}")
            runs = 1 if cold or options.repeat == 1 or where != targets.HUNAN else options.repeat
            ready = [startup.serve_ready(data, cache, cold=cold) for _ in range(runs)]
            best = sorted(ready, key=lambda r: r.sparql_s)[len(ready) // 2]  # the median run
            figures.append(
                Figure(
                    size,
                    targets.SERVE,
                    f"hngraph serve, {label}",
                    seconds=best.sparql_s,
                    note=f"{where}; start → first /sparql 200" + f", median of {runs}" * (runs > 1),
                    extra={"url_s": round(best.url_s, 4), "data": where},
                )
            )
    progress("cold CLI query and import pyoxigraph")
    cli = startup.cold_cli(1 if options.repeat == 1 else 5)
    note = f"median of {cli.runs}, taking turns; data/dataset/hngraph.ttl (the Hunan list)"
    figures.append(Figure(1, targets.COLD_CLI, "process", seconds=cli.query_s, note=note))
    note = f"median of {cli.runs}, taking turns with the query"
    figures.append(Figure(1, targets.IMPORT_OX, "process", seconds=cli.import_s, note=note))
    return figures


def big_build(corpus: Path, options: Options) -> Figure:
    """``hngraph build`` of one synthetic list of 100,000 tasks: time and peak memory."""
    import generate
    import targets

    source = generate.write_big_list(corpus, targets.BIG_TASKS, options.seed, project=ROOT)
    out = (options.out / "big").resolve()
    started = time.perf_counter()
    answer, peak = run_child(
        "build", cwd=corpus, sources=str(source.relative_to(corpus)), out_file=out
    )
    return Figure(
        1,
        targets.BIG_BUILD,
        "hngraph build",
        seconds=time.perf_counter() - started,
        peak_mb=peak,
        note="process wall-clock, interpreter start included",
        extra={"in_process_s": answer["seconds"], "bytes": (out / "hngraph.ttl").stat().st_size},
    )


def changed_list_figures(sizes: list[int], corpus: Path, options: Options) -> list[Figure]:
    """The hook for bench/incremental.py (another part of issue 11): if it defines
    ``changed_list_seconds(corpus: Path, lists: int, out: Path) -> float``, the seconds to
    rebuild a dataset of ``lists`` lists after one list changed, it is called at the largest
    size run; otherwise the target is reported as not measured."""
    import targets

    try:
        import incremental  # type: ignore[import-not-found]
    except ImportError:
        note = "bench/incremental.py is absent"
    else:
        measure = getattr(incremental, "changed_list_seconds", None)
        if callable(measure):
            size = max(sizes)
            out = (options.out / "incremental").resolve()
            seconds = measure(corpus=corpus, lists=size, out=out)
            command = "hngraph validate --incremental"
            return [Figure(size, targets.CHANGED, command, seconds=seconds)]
        note = "bench/incremental.py has no changed_list_seconds"
    return [Figure(0, targets.CHANGED + " (absent)", "", note=note)]


# ---------------------------------------------------------------------------------------------
# Report
# ---------------------------------------------------------------------------------------------


def slope(points: list[tuple[int, float]]) -> float | None:
    """Least-squares slope of log(value) against log(size); None with fewer than two sizes."""
    points = [(n, v) for n, v in points if v and v > 0 and n > 0]
    if len({n for n, _ in points}) < 2:
        return None
    xs = [math.log(n) for n, _ in points]
    ys = [math.log(v) for _, v in points]
    mx, my = statistics.fmean(xs), statistics.fmean(ys)
    den = sum((x - mx) ** 2 for x in xs)
    return sum((x - mx) * (y - my) for x, y in zip(xs, ys, strict=True)) / den


def _fmt(value: float | None, unit: str = "s") -> str:
    if value is None:
        return "–"
    if unit == "s":
        if value < 0.001:
            return f"{value * 1e6:.0f} µs"
        if value < 1:
            return f"{value * 1000:.1f} ms"
        return f"{value:.2f} s"
    return f"{value:.0f}"


def markdown(figures: list[Figure], sizes: list[int], run_id: str = "") -> str:
    """The tables: the targets, pipeline times, peak memory, start-up, queries side by side."""
    import targets

    head = " | ".join(f"N={n}" for n in sizes)
    lines = [
        targets.table(figures, sizes, run_id),
        "### Pipeline (wall-clock seconds; peak memory MB)",
        "",
        f"| step | backend | {head} | slope | peak MB at N={sizes[-1]} |",
        "|---|---|" + "---|" * len(sizes) + "---|---|",
    ]
    keys: list[tuple[str, str]] = []
    for f in figures:
        if f.step not in ("query", *ALONE) and (f.step, f.backend) not in keys:
            keys.append((f.step, f.backend))
    for step_name, backend in keys:
        row = {f.size: f for f in figures if (f.step, f.backend) == (step_name, backend)}
        cells = " | ".join(_fmt(row[n].seconds) if n in row else "–" for n in sizes)
        s = slope([(n, f.seconds) for n, f in row.items() if f.seconds])
        last = row.get(sizes[-1]) or (row[max(row)] if row else None)
        lines.append(
            f"| {step_name} | {backend} | {cells} | {_fmt2(s)} | "
            f"{_fmt(last.peak_mb if last else None, 'mb')} |"
        )
    triples = {f.size: f.extra.get("triples") for f in figures if f.step == "build"}
    counts = ", ".join(f"N={n}: {triples[n]:,}" for n in sizes if triples.get(n))
    lines += ["", f"Triples: {counts}", ""]
    lines += _result_counts(figures, sizes)
    lines += _alone_table(figures)
    lines += _query_table(figures, sizes)
    return "\n".join(lines) + "\n"


def _alone_steps() -> tuple[str, ...]:
    import targets

    return (targets.SERVE, targets.COLD_CLI, targets.IMPORT_OX, targets.BIG_BUILD, targets.CHANGED)


sys.path.insert(0, str(HERE))  # bench/ is not a package: generate, startup, targets
ALONE = (*_alone_steps(), _alone_steps()[-1] + " (absent)")


def _alone_table(figures: list[Figure]) -> list[str]:
    """Start-up, the big list and the changed list: one row per figure."""
    rows = [f for f in figures if f.step in ALONE and f.seconds is not None]
    if not rows:
        return []
    lines = ["### Start-up and single figures", "", "| step | how | seconds | peak MB | note |"]
    lines.append("|---|---|---|---|---|")
    for f in rows:
        url = f" (URL at {_fmt(f.extra['url_s'])})" if "url_s" in f.extra else ""
        lines.append(
            f"| {f.step} | {f.backend} | {_fmt(f.seconds)}{url} | {_fmt(f.peak_mb, 'mb')} | "
            f"{f.note} |"
        )
    return [*lines, ""]


def _result_counts(figures: list[Figure], sizes: list[int]) -> list[str]:
    """A line per validation of injected violations: violations injected → results reported."""
    rows: dict[str, list[str]] = {}
    for f in figures:
        if f.step == "validate" and "injected" in f.extra and f.size in sizes:
            text = f"N={f.size}: {f.extra['injected']} → {f.extra.get('results', '?')}"
            suspects = f.extra.get("suspects")
            rows.setdefault(f.backend, []).append(
                text + (f" ({suspects} suspect{'s' * (suspects != 1)})" if suspects else "")
            )
    if not rows:
        return []
    lines = ["Violations injected → validation results:", ""]
    lines += [f"- {backend}: " + ", ".join(texts) for backend, texts in rows.items()]
    return [*lines, ""]


def _fmt2(value: float | None) -> str:
    return "–" if value is None else f"{value:.2f}"


def _query_table(figures: list[Figure], sizes: list[int]) -> list[str]:
    queries = sorted({f.query for f in figures if f.step == "query"})
    if not queries:
        return []
    by = {(f.query, f.backend, f.size): f.seconds for f in figures if f.step == "query"}
    skipped = {
        (f.query, f.backend, f.size): _skip_text(f.note)
        for f in figures
        if f.step == "query" and f.note.startswith("skipped")
    }
    cols = []
    for backend, label in (("embedded", "emb"), ("rdflib", "rdflib"), ("server", "server")):
        cols += [(backend, n, f"{label} N={n}") for n in sizes if (queries[0], backend, n) in by]
    ratio_sizes = [n for n in sizes if (queries[0], "rdflib", n) in by]
    header = " | ".join(c[2] for c in cols) + "".join(f" | emb÷rdflib N={n}" for n in ratio_sizes)
    lines = [
        "### Catalogue queries (median seconds, example parameters)",
        "",
        f"| query | {header} | slope emb |",
        "|---|" + "---|" * (len(cols) + len(ratio_sizes) + 1),
    ]
    for name in queries:
        cells = [
            _fmt(by.get((name, b, n))) if (name, b, n) not in skipped else skipped[(name, b, n)]
            for b, n, _ in cols
        ]
        for n in ratio_sizes:
            emb, ref = by.get((name, "embedded", n)), by.get((name, "rdflib", n))
            cells.append(f"{emb / ref:.4f} ({ref / emb:.1f}×)" if emb and ref else "–")
        s = slope([(n, by[(name, "embedded", n)]) for n in sizes if (name, "embedded", n) in by])
        lines.append(f"| {name} | " + " | ".join(cells) + f" | {_fmt2(s)} |")
    return lines


def _skip_text(note: str) -> str:
    if "excluded" in note:
        return "excluded"
    if "(> " in note:
        return f"> {QUERY_TIMEOUT_S} s"
    return "not run (budget)"


def write_csv(figures: list[Figure], path: Path) -> None:
    """One row per figure."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", newline="", encoding="utf-8") as stream:
        writer = csv.writer(stream)
        writer.writerow(["size", "step", "backend", "query", "seconds", "peak_mb", "note", "extra"])
        for f in figures:
            row = asdict(f)
            writer.writerow(
                [
                    row["size"],
                    row["step"],
                    row["backend"],
                    row["query"],
                    "" if f.seconds is None else f"{f.seconds:.6f}",
                    "" if f.peak_mb is None else f"{f.peak_mb:.1f}",
                    f.note,
                    json.dumps(f.extra, ensure_ascii=False, sort_keys=True),
                ]
            )


class _PlainProgress:
    """A stand-in for tqdm when it is not installed: one line per step on stderr."""

    def __init__(self, total: int) -> None:
        self.total, self.done = total, 0

    def __enter__(self) -> _PlainProgress:
        return self

    def __exit__(self, *exc: object) -> None:
        return None

    def set_postfix_str(self, text: str) -> None:
        print(f"bench [{self.done}/{self.total}] {text}", file=sys.stderr, flush=True)

    def update(self, count: int) -> None:
        self.done += count


def _progress(total: int):
    """tqdm's progress bar if tqdm is installed (pip install tqdm), else plain lines."""
    try:
        from tqdm import tqdm
    except ImportError:
        return _PlainProgress(total)
    return tqdm(total=total, desc="bench", unit="step")


def read_csv(path: Path) -> list[Figure]:
    """Figures back from a CSV written by ``write_csv``."""
    with path.open(newline="", encoding="utf-8") as stream:
        return [
            Figure(
                int(row["size"]),
                row["step"],
                row["backend"],
                row["query"],
                float(row["seconds"]) if row["seconds"] else None,
                float(row["peak_mb"]) if row["peak_mb"] else None,
                row["note"],
                json.loads(row["extra"] or "{}"),
            )
            for row in csv.DictReader(stream)
        ]


# ---------------------------------------------------------------------------------------------
# Command line
# ---------------------------------------------------------------------------------------------


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="1,10,100", help="list counts N, comma-separated")
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT, help="results folder")
    parser.add_argument("--seed", type=int, default=None, help="corpus seed")
    parser.add_argument("--repeat", type=int, default=3, help="timed runs per query")
    parser.add_argument(
        "--jobs",
        type=int,
        default=None,
        help="screen threads of the fast validation (default: the engine's, as hngraph validate)",
    )
    parser.add_argument("--plain-max", type=int, default=10, help="largest N for plain pySHACL")
    parser.add_argument(
        "--oxshacl-max",
        type=int,
        default=10,
        help="largest N for pySHACL on an Oxigraph-backed graph (default 10)",
    )
    parser.add_argument("--rdflib-max", type=int, default=100, help="largest N for rdflib")
    parser.add_argument("--no-server", action="store_true", help="skip the Oxigraph server")
    parser.add_argument(
        "--exclude", default="", metavar="NAMES", help="catalogue queries to skip, comma-separated"
    )
    parser.add_argument(
        "--violations",
        default="8,N",
        metavar="COUNTS",
        help="validate copies of the data with this many injected violations as well "
        "(comma-separated; N = one per list; default 8,N; '' for none)",
    )
    parser.add_argument(
        "--quick", action="store_true", help="one repeat, no plain pySHACL: a smoke test"
    )
    parser.add_argument(
        "--serve-max",
        type=int,
        default=100,
        help="largest N for the `hngraph serve` start-up figures (default 100: a first start "
        "renders every dump and table, minutes at N = 100)",
    )
    parser.add_argument(
        "--build-100k",
        action="store_true",
        help="also build one list of 100,000 tasks and record its peak memory (slow)",
    )
    parser.add_argument(
        "--report",
        nargs="+",
        type=Path,
        metavar="CSV",
        help="print the tables of earlier runs' CSV files together, and exit",
    )
    parser.add_argument("--child", choices=sorted(CHILDREN), help=argparse.SUPPRESS)
    parser.add_argument("--data", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--backend", default="embedded", help=argparse.SUPPRESS)
    parser.add_argument("--engine", default="rdflib", help=argparse.SUPPRESS)
    parser.add_argument("--endpoint", default="", help=argparse.SUPPRESS)
    parser.add_argument("--sources", default="", help=argparse.SUPPRESS)
    parser.add_argument("--out-file", default="", help=argparse.SUPPRESS)
    parser.add_argument("--count", type=int, default=8, help=argparse.SUPPRESS)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the benchmark (or, with --child, one step of it)."""
    args = _parser().parse_args(argv)
    if args.child:
        answer = CHILDREN[args.child](
            data=args.data,
            backend=args.backend,
            engine=args.engine,
            endpoint=args.endpoint,
            repeat=args.repeat,
            jobs=args.jobs,
            exclude=args.exclude,
            sources=args.sources,
            out=args.out_file,
            count=args.count,
            seed=args.seed,
        )
        answer["vm_hwm_mb"] = vm_hwm_mb()
        print(json.dumps(answer))
        return 0
    if args.report:
        figures = [f for path in args.report for f in read_csv(path)]
        names = ", ".join(path.stem.removeprefix("bench-") for path in args.report)
        print(markdown(figures, sorted({f.size for f in figures if f.step == "build"}), names))
        return 0
    import generate

    sizes = sorted({int(s) for s in args.sizes.split(",") if s.strip()})
    options = Options(
        out=args.out,
        seed=args.seed if args.seed is not None else generate.DEFAULT_SEED,
        repeat=1 if args.quick else args.repeat,
        jobs=args.jobs,
        plain_max=0 if args.quick else args.plain_max,
        oxshacl_max=0 if args.quick else args.oxshacl_max,
        rdflib_max=args.rdflib_max,
        server=not args.no_server,
        exclude=args.exclude,
        violations=tuple(v.strip() for v in args.violations.split(",") if v.strip()),
        build_100k=args.build_100k,
        serve_max=args.serve_max,
    )
    corpus = options.out / "corpus"
    generate.write_corpus(corpus, max(sizes), options.seed, project=ROOT)
    figures: list[Figure] = []
    with _progress(total=len(sizes) * 2 + 2 + options.build_100k) as bar:
        for size in sizes:
            bar.set_postfix_str(f"N={size} build")
            built, nt = prepare(size, corpus, options)
            figures += built
            bar.update(1)
            figures += measure(size, nt, options, lambda text: bar.set_postfix_str(text))
            bar.update(1)
        figures += startup_figures(sizes, options, lambda text: bar.set_postfix_str(text))
        bar.update(1)
        bar.set_postfix_str("one changed list (bench/incremental.py)")
        figures += changed_list_figures(sizes, corpus, options)
        bar.update(1)
        if options.build_100k:
            bar.set_postfix_str("build one list of 100,000 tasks")
            figures.append(big_build(corpus, options))
            bar.update(1)
    stamp = time.strftime("%Y%m%d-%H%M%S")
    csv_path = options.out / f"bench-{stamp}.csv"
    write_csv(figures, csv_path)
    table = markdown(figures, sizes, stamp)
    (options.out / f"bench-{stamp}.md").write_text(table, encoding="utf-8")
    print(table)
    print(f"CSV: {csv_path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
