"""Import cost of ``import hngraph``, the CLI and the API; figures and whether targets are met.

    python bench/imports.py                      # this checkout, 7 runs each
    python bench/imports.py --baseline DIR       # and another source tree, for comparison

Each figure is the median over ``--repeat`` fresh interpreters of what ``python -X importtime``
reports for the modules a step imports that a bare ``python -c pass`` does not (the sum of their
top-level cumulative times, so start-up work such as ``site`` is left out), and the step's wall
time minus a bare interpreter's (noisier). Also listed: which heavy libraries the step
imported. Targets (``TARGETS``): ``import hngraph`` within 5 ms and no heavy library; ``hngraph
--version`` within 30 ms; a catalogue query imports pyoxigraph and no other heavy library;
``hngraph.open()`` + ``query`` imports no pandas or networkx until ``to_pandas``.
Timings depend on the machine and its load (the 1-minute load average is printed).
"""

from __future__ import annotations

import argparse
import ast
import os
import re
import statistics
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
HEAVY = ("rdflib", "pyshacl", "SPARQLWrapper", "pandas", "networkx", "matplotlib", "pyoxigraph")
LIST_HEAVY = f"import sys; print([m for m in {HEAVY!r} if m in sys.modules], file=sys.stderr)"


@dataclass(frozen=True)
class Step:
    """One thing to measure: Python code run with ``-c`` in a fresh interpreter."""

    name: str
    code: str
    import_ms: float | None  # target for the import time, or None
    wall_ms: float | None  # target for the wall time beyond a bare interpreter, or None
    allowed: tuple[str, ...]  # heavy libraries the step may import


CLI = "import sys; from hngraph.commands.main import main; sys.argv = ['hngraph', {args}]; "
STEPS = (
    Step("import hngraph", "import hngraph", 5.0, None, ()),
    Step(
        "hngraph --version",
        CLI.format(args="'--version'") + "\ntry:\n main()\nexcept SystemExit:\n pass",
        30.0,
        None,
        (),
    ),
    Step(
        "hngraph query department-workload",
        CLI.format(args="'query', 'department-workload'") + "main()",
        None,
        None,
        ("pyoxigraph",),
    ),
    Step(
        "hngraph.open().query(…)",
        "import hngraph; hngraph.open().query('tasks-by-department', department='省财政厅')",
        None,
        None,
        ("pyoxigraph",),
    ),
    Step(
        "… .to_pandas()",
        "import hngraph; hngraph.open().query('department-workload').to_pandas()",
        None,
        None,
        ("pyoxigraph", "pandas"),
    ),
)


class Failed(Exception):
    """The step does not run in that tree (e.g. a baseline without the API)."""


def run_once(
    code: str, tree: Path, bare: frozenset[str] = frozenset()
) -> tuple[float, float, list[str], frozenset[str]]:
    """(import ms, wall ms, heavy modules, top-level modules) of a fresh interpreter running
    ``code``; modules in ``bare`` are not counted."""
    env = {**os.environ, "PYTHONPATH": str(tree)}
    started = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-X", "importtime", "-c", f"{code}\n{LIST_HEAVY}"],
        cwd=tree,
        env=env,
        capture_output=True,
        text=True,
    )
    if done.returncode != 0:
        raise Failed(done.stderr.strip().splitlines()[-1] if done.stderr.strip() else "failed")
    wall = (time.perf_counter() - started) * 1000
    lines = done.stderr.splitlines()
    heavy = ast.literal_eval(lines[-1]) if lines and lines[-1].startswith("[") else []
    total, names = 0, set()
    for line in lines:
        match = re.match(r"import time:\s+\d+ \|\s+(\d+) \| (\S.*)$", line)
        if match:  # a top-level entry (nested ones are indented)
            names.add(match.group(2))
            total += int(match.group(1)) if match.group(2) not in bare else 0
    return total / 1000, wall, heavy, frozenset(names)


def measure(
    code: str, tree: Path, repeat: int, bare: frozenset[str] = frozenset()
) -> tuple[float, float, list[str], frozenset[str]]:
    runs = [run_once(code, tree, bare) for _ in range(repeat)]
    return (
        statistics.median(r[0] for r in runs),
        statistics.median(r[1] for r in runs),
        runs[-1][2],
        frozenset().union(*(r[3] for r in runs)),
    )


def report(tree: Path, repeat: int) -> tuple[list[str], bool]:
    """Markdown rows for ``tree`` and whether every target was met."""
    _, bare_wall, _, bare = measure("pass", tree, repeat)
    rows, ok = [], True
    for step in STEPS:
        try:
            imported, wall, heavy, _ = measure(step.code, tree, repeat, bare)
        except Failed as error:
            rows.append(f"| {step.name} | — | — | — | does not run here: {error} |")
            ok = False
            continue
        wall -= bare_wall
        verdicts = []
        if step.import_ms is not None:
            verdicts.append(("import", imported <= step.import_ms, f"≤ {step.import_ms:g} ms"))
        if step.wall_ms is not None:
            verdicts.append(("wall", wall <= step.wall_ms, f"≤ {step.wall_ms:g} ms"))
        extra = sorted(set(heavy) - set(step.allowed))
        verdicts.append(("heavy", not extra, f"only {', '.join(step.allowed) or 'none'}"))
        ok = ok and all(met for _, met, _ in verdicts)
        said = "; ".join(
            f"{what} {target}: {'met' if met else 'MISSED'}" for what, met, target in verdicts
        )
        rows.append(
            f"| {step.name} | {imported:.1f} | {wall:.0f} | {', '.join(heavy) or '—'} | {said} |"
        )
    return rows, ok


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n", 1)[0])
    parser.add_argument("--repeat", type=int, default=7, help="runs per figure (median)")
    parser.add_argument("--baseline", type=Path, help="another source tree to measure as well")
    args = parser.parse_args(argv)
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    print(f"Python {sys.version.split()[0]}, {args.repeat} runs each, 1-minute load {load:.2f}\n")
    all_ok = True
    for label, tree in (("this tree", ROOT), ("baseline", args.baseline)):
        if tree is None:
            continue
        rows, ok = report(tree.resolve(), args.repeat)
        all_ok = all_ok and (ok or label == "baseline")
        print(f"### {label}: {tree}\n")
        print("| step | import ms | wall ms | heavy libraries imported | targets |")
        print("|---|---:|---:|---|---|")
        print("\n".join(rows) + "\n")
    print("all targets met" if all_ok else "some targets MISSED")
    return 0 if all_ok else 1


if __name__ == "__main__":
    sys.exit(main())
