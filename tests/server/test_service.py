"""What ``serve`` prepares: a start from the cache answers byte for byte like a full start."""

from __future__ import annotations

import os
import time
import urllib.parse
from pathlib import Path

import pytest
from serving import SMALL_QUERY, fixture_data, request, serving

from hngraph.publish.charts import CHARTS
from hngraph.server import cache

#: Paths whose answers must not depend on how the server started (made at start, made lazily,
#: or read from the cache).
PATHS = (
    "/",
    "/index.html",
    "/void.ttl",
    "/context.jsonld",
    "/queries",
    "/queries/department-workload.rq",
    "/editor",
    "/az",
    "/search",
    "/404.html",
    "/mappings/hngraph.sssom.tsv",
    "/charts/no-such-chart.svg",
    "/def",
    "/sparql",
    "/sparql?" + urllib.parse.urlencode({"query": SMALL_QUERY}),
    "/sparql?"
    + urllib.parse.urlencode(
        {"query": "SELECT * WHERE { GRAPH ?g { ?s ?p ?o } } ORDER BY ?g ?s ?p ?o LIMIT 200"}
    ),
)


def answers(url: str, paths: list[str]) -> dict[str, tuple[int, str | None, bytes]]:
    found = {}
    for path in paths:
        status, headers, body = request(url.rstrip("/") + path, accept="text/html")
        found[path] = (status, headers.get("content-type"), body)
    return found


def wait_for_entry(root: Path, timeout: float = 120) -> Path:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        done = list(root.glob("serve/*/manifest.json"))
        if done:
            return done[0].parent
        time.sleep(0.2)
    raise AssertionError("serve wrote no cache entry")


def test_a_start_from_the_cache_answers_like_a_full_start(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    data = fixture_data(tmp_path)
    monkeypatch.setenv("HNGRAPH_CACHE", str(tmp_path / "cache"))
    with serving(data, ["--workers", "1"]) as url:
        paths = [*PATHS, *(f"/charts/{name}.svg" for name in CHARTS), "/tables/tasks.csv"]
        first = answers(url, paths)
        entry = wait_for_entry(tmp_path / "cache")
    with serving(data, ["--workers", "1"]) as url:  # every file from the cache now
        again = answers(url, paths)
    with serving(data, ["--workers", "1", "--no-cache"]) as url:  # everything made again
        fresh = answers(url, paths)
    assert first == again == fresh
    assert first["/index.html"][0] == 200 and first["/charts/no-such-chart.svg"][0] == 404
    assert all(first[f"/charts/{name}.svg"][0] == 200 for name in CHARTS)
    assert first["/tables/tasks.csv"][0] == 200
    assert (entry / "files" / "index.html").is_file()


def test_the_key_covers_data_and_queries(tmp_path: Path) -> None:
    data, queries = tmp_path / "data.ttl", tmp_path / "queries"
    queries.mkdir()
    data.write_bytes(b"<a:b> <a:c> <a:d> .\n")
    (queries / "one.rq").write_text("SELECT * WHERE { ?s ?p ?o }\n")
    key = cache.cache_key(data, queries)
    assert key == cache.cache_key(data, queries)
    (queries / "one.rq").write_text("ASK {}\n")
    assert cache.cache_key(data, queries) != key
    changed = cache.cache_key(data, queries)
    data.write_bytes(b"<a:b> <a:c> <a:e> .\n")
    assert cache.cache_key(data, queries) not in (key, changed)


def test_entries_round_trip_and_are_pruned(tmp_path: Path) -> None:
    files = {"index.html": (b"<p>hi</p>", "text/html"), "charts/a.svg": (b"<svg/>", "image/svg")}
    for number in range(cache.KEEP + 1):
        key = f"{number:064x}"
        written = cache.store(
            tmp_path, key, quads=b"q", metadata=b"m", files=files, entries=[{"name": "x"}]
        )
        assert written
        os.utime(tmp_path / key, (number, number))
    entry = cache.load(tmp_path, f"{cache.KEEP:064x}")
    assert entry is not None
    assert entry.quads() == b"q" and entry.metadata() == b"m"
    assert entry.read("charts/a.svg") == b"<svg/>" and entry.entries == [{"name": "x"}]
    assert entry.media_types == {"charts/a.svg": "image/svg", "index.html": "text/html"}
    with pytest.raises(FileNotFoundError):
        entry.read("../manifest.json")
    assert cache.load(tmp_path, f"{0:064x}") is None  # the oldest was removed
    assert len([p for p in tmp_path.iterdir() if not p.name.startswith(".")]) == cache.KEEP


def test_a_broken_entry_is_a_miss_and_bad_names_are_refused(tmp_path: Path) -> None:
    (tmp_path / "k").mkdir()
    (tmp_path / "k" / "manifest.json").write_text("{not json")
    assert cache.load(tmp_path, "k") is None
    assert cache.load(tmp_path, "absent") is None
    with pytest.raises(ValueError):
        cache.store(tmp_path, "x", quads=b"", metadata=b"", files={"../x": (b"", "")}, entries=[])
