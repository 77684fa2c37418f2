"""Start-up figures of the benchmark: ``hngraph serve`` until it answers, and a cold CLI query.

    python bench/startup.py                      # serve on the Hunan dataset, cold CLI query
    python bench/startup.py --data FILE          # serve on another dataset

``serve_ready`` starts ``hngraph serve --port 0`` as a child process and times two moments from
the start of the process: the URL printed on stdout, then the first ``/sparql`` answer (status 200
required). The server caches what it prepares (``$HNGRAPH_CACHE``); ``cold=True`` empties the
given cache folder first, so that start does all the work, and waits until the server has
written its cache entry (in the background, after the URL) before stopping it. ``cold_cli`` times
``hngraph query department-workload`` and ``python -c "import pyoxigraph"`` as fresh processes,
interleaved in one run, and returns both medians. Every request goes to 127.0.0.1.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import threading
import time
import urllib.parse
import urllib.request
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
READY_QUERY = "ASK { ?s a <https://w3id.org/hngraph/def/Task> }"
WAIT_S = 600  # the longest wait for the URL or the first answer


@dataclass(frozen=True)
class Ready:
    """Seconds from the process start to its URL on stdout and to the first ``/sparql`` 200."""

    url_s: float
    sparql_s: float


def serve_ready(data: Path, cache: Path, *, cold: bool, cwd: Path = ROOT) -> Ready:
    """Start ``hngraph serve`` on ``data`` with its cache in ``cache``; time it; stop it."""
    if cold and cache.exists():
        shutil.rmtree(cache)
    env = {**os.environ, "HNGRAPH_CACHE": str(cache), "NO_PROXY": "127.0.0.1"}
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), env.get("PYTHONPATH")]))
    command = [sys.executable, "-m", "hngraph", "serve", "--port", "0", "--data", str(data)]
    started = time.perf_counter()
    process = subprocess.Popen(
        command, cwd=cwd, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE
    )
    try:
        url = _first_line(process)
        printed = time.perf_counter() - started
        query = urllib.parse.urlencode({"query": READY_QUERY})
        opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
        with opener.open(f"{url}sparql?{query}", timeout=WAIT_S) as response:
            response.read()
            if response.status != 200:
                raise RuntimeError(f"hngraph serve answered {response.status} to its first query")
        answered = time.perf_counter() - started
        if cold:  # let it fill the cache (in the background, after its URL) before it stops
            deadline = time.monotonic() + WAIT_S
            while not any(cache.glob("serve/*/manifest.json")) and time.monotonic() < deadline:
                if process.poll() is not None:
                    break
                time.sleep(0.1)
    finally:
        process.terminate()
        try:
            process.wait(30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
    return Ready(printed, answered)


def _first_line(process: subprocess.Popen) -> str:
    """The URL ``serve`` prints once it listens; an error with its stderr if it never does."""
    found: list[bytes] = []
    assert process.stdout is not None
    stdout = process.stdout
    reader = threading.Thread(target=lambda: found.append(stdout.readline()), daemon=True)
    reader.start()
    reader.join(WAIT_S)
    line = found[0].decode().strip() if found else ""
    if not line.startswith("http://"):
        process.kill()
        err = process.stderr.read().decode(errors="replace")[-3000:] if process.stderr else ""
        raise RuntimeError(f"hngraph serve printed no URL:\n{err}")
    return line


@dataclass(frozen=True)
class ColdCli:
    """Medians of the cold CLI query and of a bare ``import pyoxigraph``, in seconds."""

    query_s: float
    import_s: float
    runs: int


#: Where the cold-CLI runs keep their bytecode (git-ignored, under bench/results).
PYCACHE = ROOT / "bench" / "results" / "pycache"


def cold_cli(runs: int = 5, cwd: Path = ROOT, pycache: Path = PYCACHE) -> ColdCli:
    """``hngraph query department-workload`` and ``python -c "import pyoxigraph"``, each ``runs``
    times, taking turns (so that both see the same machine load).

    Both read compiled bytecode, as an installed package does (pip compiles every module when it
    installs): one untimed run of each first writes it under ``pycache``
    (``PYTHONPYCACHEPREFIX``). Without it, an editable install under ``PYTHONDONTWRITEBYTECODE``
    compiles the package's modules again at every start (18 ms of the query's time here).
    """
    env = {**os.environ, "PYTHONPYCACHEPREFIX": str(pycache)}
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), env.get("PYTHONPATH")]))
    query = [sys.executable, "-m", "hngraph", "query", "department-workload"]
    bare = [sys.executable, "-c", "import pyoxigraph"]
    for argv in (query, bare):  # the warm-up that writes the bytecode
        subprocess.run(argv, cwd=cwd, env=env, check=True, capture_output=True)
    times: dict[str, list[float]] = {"query": [], "import": []}
    for _ in range(runs):
        for key, argv in (("query", query), ("import", bare)):
            started = time.perf_counter()
            subprocess.run(argv, cwd=cwd, env=env, check=True, capture_output=True)
            times[key].append(time.perf_counter() - started)
    return ColdCli(statistics.median(times["query"]), statistics.median(times["import"]), runs)


def main(argv: list[str] | None = None) -> int:
    """Print the start-up figures."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", type=Path, default=ROOT / "data" / "dataset" / "hngraph.ttl")
    parser.add_argument("--cache", type=Path, default=ROOT / "bench" / "results" / "cache")
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args(argv)
    for cold in (True, False):
        ready = serve_ready(args.data.resolve(), args.cache.resolve(), cold=cold)
        label = "empty cache" if cold else "cache filled"
        print(f"serve ({label}): URL {ready.url_s:.3f} s, first /sparql 200 {ready.sparql_s:.3f} s")
    cli = cold_cli(args.runs)
    print(
        f"cold query {cli.query_s * 1000:.1f} ms, import pyoxigraph {cli.import_s * 1000:.1f} ms "
        f"(medians of {cli.runs})"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
