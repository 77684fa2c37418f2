"""The speed targets of issue 11 and their verdicts from one run's figures (``bench/run.py``).

Each ``Target`` reads the run's figures (``bench/run.py: Figure``) and gives the figure it
judges and a verdict: ``met``, ``missed``, or ``not measured: why`` when the run did not include
what the target is about (a size, ``--build-100k``, bench/incremental.py). ``table`` is the
Markdown table ``bench/run.py`` prints and writes into its ``.md`` result.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

LARGE = 1000  # the size most targets are set at
RATIO_SIZE = 100  # the size of the rdflib ratio target
BIG_TASKS = 100_000  # tasks of the single big list (--build-100k)

#: Steps ``bench/run.py`` records outside the per-size pipeline (start-up, the big list).
SERVE = "serve ready"
COLD_CLI = "cold `hngraph query department-workload`"
IMPORT_OX = 'cold `python -c "import pyoxigraph"`'
BIG_BUILD = f"build one list of {BIG_TASKS:,} tasks"
CHANGED = "validate one changed list"
HUNAN = "Hunan dataset"

Verdict = tuple[str, str]  # (figure, verdict)
Judge = Callable[[Sequence[Any], Sequence[int]], Verdict]


@dataclass(frozen=True)
class Target:
    """One target: its wording and how it is judged from the figures."""

    text: str
    judge: Judge


def _s(value: float | None) -> str:
    if value is None:
        return "–"
    return f"{value * 1000:.0f} ms" if value < 1 else f"{value:.2f} s"


def _verdict(met: bool) -> str:
    return "met" if met else "**missed**"


def _absent(sizes: Sequence[int], size: int) -> Verdict | None:
    if size in sizes:
        return None
    return "–", f"not measured: the run did not include N = {size}"


def _find(figures: Sequence[Any], step: str, size: int | None = None) -> list[Any]:
    return [f for f in figures if f.step == step and (size is None or f.size == size)]


def validation(limit: float, injected: bool) -> Judge:
    """fastvalidate at N = 1000, on the conforming data or on the copies with violations."""

    def judge(figures: Sequence[Any], sizes: Sequence[int]) -> Verdict:
        if (absent := _absent(sizes, LARGE)) is not None:
            return absent
        runs = [
            f
            for f in _find(figures, "validate", LARGE)
            if f.backend.startswith("fastvalidate") and ("," in f.backend) == injected
        ]
        if not runs:
            why = "no --violations" if injected else "no fastvalidate figure"
            return "–", f"not measured: {why}"
        shown = "; ".join(
            f"{f.backend.removeprefix('fastvalidate, ') if injected else 'conforming'}: "
            f"{_s(f.seconds)}"
            for f in runs
        )
        return shown, _verdict(all(f.seconds is not None and f.seconds <= limit for f in runs))

    return judge


def validation_peak(figures: Sequence[Any], sizes: Sequence[int]) -> Verdict:
    """The largest peak of the fastvalidate runs at N = 1000."""
    if (absent := _absent(sizes, LARGE)) is not None:
        return absent
    runs = [f for f in _find(figures, "validate", LARGE) if f.backend.startswith("fastvalidate")]
    peaks = [f.peak_mb for f in runs if f.peak_mb is not None]
    if not peaks:
        return "–", "not measured: no fastvalidate figure"
    return f"{max(peaks):,.0f} MB (largest of {len(peaks)} runs)", _verdict(max(peaks) <= 1024)


def plain_ratio(figures: Sequence[Any], sizes: Sequence[int]) -> Verdict:
    """pySHACL on Oxigraph ÷ fastvalidate on the same data, at every size where it ran."""
    parts, ran = [], []
    for size in sizes:
        fast = {f.backend: f.seconds for f in _find(figures, "validate", size)}
        for backend, seconds in fast.items():
            if not backend.startswith("pySHACL on Oxigraph") or not seconds:
                continue
            own = backend.replace("pySHACL on Oxigraph", "fastvalidate")
            if fast.get(own):
                label = own.removeprefix("fastvalidate").removeprefix(", ") or "conforming"
                parts.append(f"N={size} {label}: {seconds / fast[own]:.1f}×")
                ran.append(size)
    if not parts:
        return "–", "not measured: pySHACL on Oxigraph did not run (--oxshacl-max, --quick)"
    skipped = [n for n in sizes if n not in ran]
    note = f" (not run at N = {', '.join(map(str, skipped))}: --oxshacl-max)" if skipped else ""
    return "; ".join(parts), f"met: printed{note}"


def query_time(limit: float) -> Judge:
    """Every catalogue query on the embedded store at N = 1000."""

    def judge(figures: Sequence[Any], sizes: Sequence[int]) -> Verdict:
        if (absent := _absent(sizes, LARGE)) is not None:
            return absent
        runs = [f for f in _find(figures, "query", LARGE) if f.backend == "embedded"]
        timed = sorted((f for f in runs if f.seconds is not None), key=lambda f: -f.seconds)
        untimed = [f.query for f in runs if f.seconds is None]
        if not timed:
            return "–", "not measured: no embedded query figure"
        over = [f for f in timed if f.seconds > limit]
        slowest = ", ".join(f"{f.query} {_s(f.seconds)}" for f in timed[:3])
        shown = f"{len(timed) - len(over)} of {len(runs)} ≤ {_s(limit)}; slowest: {slowest}"
        if untimed:
            shown += f"; not timed: {', '.join(untimed)}"
        return shown, _verdict(not over and not untimed)

    return judge


def rdflib_ratio(least: float) -> Judge:
    """Every catalogue query: rdflib time ÷ embedded time at N = 100 (> 30 s counts as 30 s)."""

    def judge(figures: Sequence[Any], sizes: Sequence[int]) -> Verdict:
        if (absent := _absent(sizes, RATIO_SIZE)) is not None:
            return absent
        runs = _find(figures, "query", RATIO_SIZE)
        embedded = {f.query: f.seconds for f in runs if f.backend == "embedded" and f.seconds}
        rdflib = {f.query: f for f in runs if f.backend == "rdflib"}
        if not rdflib:
            return "–", f"not measured: rdflib did not run at N = {RATIO_SIZE} (--rdflib-max)"
        ratios: dict[str, tuple[float, bool]] = {}  # query → (ratio, lower bound only)
        for name, seconds in embedded.items():
            ref = rdflib.get(name)
            if ref is None:
                continue
            if ref.seconds:
                ratios[name] = (ref.seconds / seconds, False)
            elif "(> " in ref.note:  # rdflib gave up: the ratio is at least cap ÷ embedded
                cap = float(ref.note.split("(> ")[1].split(" s")[0])
                ratios[name] = (cap / seconds, True)
        if not ratios:
            return "–", "not measured: no query timed on both"
        low = sorted((r, name) for name, (r, _) in ratios.items() if r < least)
        bounded = sum(1 for _, b in ratios.values() if b)
        shown = f"{len(ratios) - len(low)} of {len(ratios)} ≥ {least:g}×"
        if bounded:
            shown += f" ({bounded} of them rdflib over its time cap)"
        if low:
            shown += "; below: " + ", ".join(f"{name} {r:.1f}×" for r, name in low)
        untimed = sorted(set(embedded) - set(ratios))
        if untimed:
            shown += f"; not compared (rdflib skipped): {', '.join(untimed)}"
        return shown, _verdict(not low and not untimed)

    return judge


def serve(limit: float, where: str, cold: bool) -> Judge:
    """``hngraph serve`` until its first ``/sparql`` answer: on the Hunan dataset, or at N = 1000
    (figure at the largest size run when that is smaller)."""

    def judge(figures: Sequence[Any], sizes: Sequence[int]) -> Verdict:
        label = "empty cache" if cold else "cache filled"
        runs = [f for f in _find(figures, SERVE) if f.backend.endswith(label)]
        if where == HUNAN:
            runs = [f for f in runs if f.extra.get("data") == HUNAN]
        else:
            runs = [f for f in runs if f.extra.get("data") != HUNAN]
        if not runs:
            why = "no serve figure" if where == HUNAN else f"N = {LARGE} is above --serve-max"
            return "–", f"not measured: {why}"
        run = max(runs, key=lambda f: f.size)
        shown = f"{_s(run.seconds)} (URL printed at {_s(run.extra.get('url_s'))})"
        if where != HUNAN and run.size != LARGE:
            return f"N={run.size}: {shown}", f"not measured at N = {LARGE} (--serve-max)"
        return shown, _verdict(run.seconds is not None and run.seconds <= limit)

    return judge


def cold_query(figures: Sequence[Any], sizes: Sequence[int]) -> Verdict:
    """The cold CLI query against a bare ``import pyoxigraph`` of the same run."""
    query, bare = _find(figures, COLD_CLI), _find(figures, IMPORT_OX)
    if not query or not bare or not query[0].seconds or not bare[0].seconds:
        return "–", "not measured"
    q, b = query[0].seconds, bare[0].seconds
    shown = f"query {_s(q)}, import pyoxigraph {_s(b)}: +{(q - b) * 1000:.0f} ms"
    return shown, _verdict(q <= b + 0.050)


def big_build(figures: Sequence[Any], sizes: Sequence[int]) -> Verdict:
    """Peak memory of ``hngraph build`` on one list of 100,000 tasks."""
    runs = _find(figures, BIG_BUILD)
    if not runs or runs[0].peak_mb is None:
        return "–", "not measured: run with --build-100k (slow)"
    shown = f"{runs[0].peak_mb:,.0f} MB peak, {_s(runs[0].seconds)}"
    return shown, _verdict(runs[0].peak_mb <= 500)


def changed_list(figures: Sequence[Any], sizes: Sequence[int]) -> Verdict:
    """The hook for bench/incremental.py: one changed list in a 1000-list dataset."""
    runs = _find(figures, CHANGED)
    if not runs:
        note = next((f.note for f in _find(figures, CHANGED + " (absent)")), "")
        return "–", f"not measured: {note or 'bench/incremental.py gave no figure'}"
    run = max(runs, key=lambda f: f.size)
    if run.size != LARGE:
        return f"N={run.size}: {_s(run.seconds)}", f"not measured at N = {LARGE}"
    return _s(run.seconds), _verdict(run.seconds is not None and run.seconds <= 1.0)


TARGETS: tuple[Target, ...] = (
    Target("validation at N = 1000 ≤ 10 s", validation(10.0, injected=False)),
    Target("validation at N = 1000 with injected violations ≤ 12 s", validation(12.0, True)),
    Target("validation peak memory at N = 1000 ≤ 1 GB", validation_peak),
    Target(
        "ratio against plain pySHACL on the Oxigraph store at every size where it finishes",
        plain_ratio,
    ),
    Target("every catalogue query ≤ 0.5 s at N = 1000, embedded", query_time(0.5)),
    Target("every catalogue query ≥ 50× faster than rdflib at N = 100", rdflib_ratio(50.0)),
    Target("`hngraph serve` ready ≤ 1 s, Hunan dataset, first start", serve(1.0, HUNAN, True)),
    Target("`hngraph serve` ready ≤ 1 s, Hunan dataset, cache filled", serve(1.0, HUNAN, False)),
    Target("`hngraph serve` ready ≤ 10 s at N = 1000, first start", serve(10.0, "N", True)),
    Target("`hngraph serve` ready ≤ 10 s at N = 1000, cache filled", serve(10.0, "N", False)),
    Target("cold `hngraph query department-workload` ≤ `import pyoxigraph` + 50 ms", cold_query),
    Target(f"`hngraph build` of one list of {BIG_TASKS:,} tasks ≤ 500 MB peak", big_build),
    Target("one changed list in a 1000-list dataset ≤ 1 s", changed_list),
)


def table(figures: Sequence[Any], sizes: Sequence[int], run_id: str = "") -> str:
    """The Markdown targets table: target, figure of this run, verdict."""
    head = f"figure (run {run_id})" if run_id else "figure"
    lines = [
        "### Targets (issue 11)",
        "",
        f"| target | {head} | verdict |",
        "|---|---|---|",
    ]
    for target in TARGETS:
        figure, verdict = target.judge(figures, sizes)
        lines.append(f"| {target.text} | {figure} | {verdict} |")
    return "\n".join(lines) + "\n"
