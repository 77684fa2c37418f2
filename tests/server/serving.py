"""Helpers of the server tests: start ``hngraph serve`` as a subprocess, send one HTTP request.

Every request goes to 127.0.0.1; every wait is bounded.
"""

from __future__ import annotations

import os
import subprocess
import sys
import threading
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from pathlib import Path

import pyoxigraph as ox

ROOT = Path(__file__).resolve().parents[2]
FIXTURES = ROOT / "tests" / "fixtures" / "publish"
SLOW_QUERY = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l }"
SMALL_QUERY = "ASK { ?s a <https://w3id.org/hngraph/def/Task> }"
Reply = tuple[int, dict[str, str], bytes]


#: A label on which a backtracking regex engine takes exponential time (check 8).
REDOS_LABEL = "a" * 40 + "!"
REDOS_SUBJECT = "https://example.org/redos-canary"


class ServerUrl(str):
    """The URL of a running ``serve``, with the process id of the server."""

    pid: int


def fixture_data(folder: Path) -> Path:
    """The publish fixtures (mini and hostile) and the ReDoS label as one N-Quads file."""
    data = folder / "data.nq"
    label = ox.Quad(
        ox.NamedNode(REDOS_SUBJECT),
        ox.NamedNode("http://www.w3.org/2000/01/rdf-schema#label"),
        ox.Literal(REDOS_LABEL),
    )
    quads = [
        *ox.parse(path=str(FIXTURES / "mini.ttl")),
        *ox.parse(path=str(FIXTURES / "hostile.ttl")),
        label,
    ]
    data.write_bytes(ox.serialize(quads, format=ox.RdfFormat.N_QUADS))
    return data


def read_url(process: subprocess.Popen) -> str:
    """The URL ``serve`` prints on stdout once it listens (waits at most 120 s)."""
    found: list[str] = []
    assert process.stdout is not None
    stdout = process.stdout
    reader = threading.Thread(target=lambda: found.append(stdout.readline()), daemon=True)
    reader.start()
    reader.join(120)
    if not found or not found[0].startswith("http://127.0.0.1:"):
        process.kill()
        stderr = process.stderr.read() if process.stderr else ""
        raise AssertionError(f"serve did not announce its URL: {found} {stderr}")
    return found[0].strip()


def stop(process: subprocess.Popen) -> None:
    """SIGTERM, then SIGKILL if it has not ended within 15 s."""
    if process.poll() is None:
        process.terminate()
    try:
        process.wait(15)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(5)


@contextmanager
def serving(data: Path, options: Sequence[str] = ()) -> Iterator[ServerUrl]:
    """``hngraph serve --port 0 --data DATA OPTIONS`` for the block; yields its URL."""
    command = [sys.executable, "-m", "hngraph", "serve", "--port", "0", "--data", str(data)]
    process = subprocess.Popen(
        [*command, *options], cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )
    try:
        url = ServerUrl(read_url(process))
        url.pid = process.pid
        yield url
    finally:
        stop(process)


def request(
    url: str,
    accept: str | None = None,
    method: str = "GET",
    data: bytes | None = None,
    content_type: str | None = None,
    headers: Mapping[str, str] | None = None,
    timeout: float = 30,
) -> Reply:
    """One HTTP request; any status is returned, not raised; header names in lower case."""
    sent = urllib.request.Request(url, data=data, method=method)
    if accept is not None:
        sent.add_header("Accept", accept)
    if content_type is not None:
        sent.add_header("Content-Type", content_type)
    for name, value in (headers or {}).items():
        sent.add_header(name, value)
    try:
        with urllib.request.urlopen(sent, timeout=timeout) as response:
            found = {k.lower(): v for k, v in response.headers.items()}
            return response.status, found, response.read()
    except urllib.error.HTTPError as error:
        return error.code, {k.lower(): v for k, v in error.headers.items()}, error.read()


def server_cpu_seconds(pid: int) -> float:
    """CPU seconds (user + system) used so far by the server ``pid`` and its live query workers
    (from /proc; Linux)."""
    ticks = os.sysconf("SC_CLK_TCK")
    total = 0
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        fields = stat.rsplit(")", 1)[1].split()
        if int(entry.name) == pid or int(fields[1]) == pid:
            total += int(fields[11]) + int(fields[12])  # utime, stime
    return total / ticks


def sparql_get(
    server: str, query: str, accept: str | None = None, headers: Mapping[str, str] | None = None
) -> Reply:
    """``GET /sparql?query=…``."""
    params = urllib.parse.urlencode({"query": query})
    return request(f"{server}sparql?{params}", accept, headers=headers)
