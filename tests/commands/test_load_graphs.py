"""``hngraph load`` of named graphs: what is sent where, and what a failure leaves (issue 13).

A recording Graph Store on loopback answers each request as told; a real ``oxigraph serve``
checks the default graph and --append. The release itself, into Oxigraph and Virtuoso, is in
``tests/store/test_named_graphs.py`` and ``tests/store/test_virtuoso.py``.
"""

from __future__ import annotations

import http.server
import threading
import urllib.parse
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pyoxigraph as ox
import pytest

from hngraph.commands.main import main

A, B = "https://example.org/graph/a", "https://example.org/graph/b"
TRIG = f"""@prefix ex: <https://example.org/> .
ex:d ex:p "默认" .
<{A}> {{ ex:s ex:p "一"@zh , "two" . ex:s ex:q ex:o . }}
<{B}> {{ ex:t ex:p 3 . }}
"""


def run(argv: list[str], capsys: pytest.CaptureFixture) -> tuple[int, str, str]:
    code = main(argv)
    captured = capsys.readouterr()
    return code, captured.out, captured.err


class Recorder(http.server.BaseHTTPRequestHandler):
    """Records each request; answers with the next status of ``statuses`` (then 204)."""

    seen: list[tuple[str, str | None, str, bytes]]
    statuses: list[int]

    def _answer(self) -> None:
        size = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(size)
        query = urllib.parse.urlsplit(self.path).query
        graph = urllib.parse.parse_qs(query).get("graph", [None])[0]
        target = graph if graph is not None else ("default" if query == "default" else query)
        self.seen.append((self.command, target, self.headers["Content-Type"], body))
        status = self.statuses.pop(0) if self.statuses else 204
        payload = b"store says no" if status >= 400 else b""
        self.send_response(status)
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)

    do_PUT = do_POST = _answer

    def log_message(self, *args: Any) -> None:  # quiet
        pass


@pytest.fixture
def recorder() -> Iterator[tuple[str, type[Recorder]]]:
    handler = type("Handler", (Recorder,), {"seen": [], "statuses": []})
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/store", handler
    finally:
        server.shutdown()
        server.server_close()
        thread.join(5)


@pytest.fixture
def trig(tmp_path: Path) -> Path:
    path = tmp_path / "release.trig"
    path.write_text(TRIG, encoding="utf-8")
    return path


def test_each_graph_is_sent_as_n_triples_to_its_graph(
    trig: Path, recorder: tuple[str, type[Recorder]], capsys: pytest.CaptureFixture
) -> None:
    url, handler = recorder
    code, out, err = run(["load", "--endpoint", url, "--data", str(trig)], capsys)
    assert (code, err) == (0, "")
    assert [(m, g, t) for m, g, t, _ in handler.seen] == [
        ("PUT", "default", "application/n-triples"),
        ("PUT", A, "application/n-triples"),
        ("PUT", B, "application/n-triples"),
    ]
    bodies = [list(ox.parse(body, format=ox.RdfFormat.N_TRIPLES)) for *_, body in handler.seen]
    assert [len(triples) for triples in bodies] == [1, 3, 1]
    assert b'"\xe4\xb8\x80"@zh' in handler.seen[1][3]  # UTF-8, not escaped
    lines = out.splitlines()
    assert lines[0] == (
        f"replaced the default graph at {url} with release.trig: 1 triples "
        f"({len(handler.seen[0][3])} bytes of N-Triples, HTTP 204)"
    )
    assert lines[1].startswith(f"replaced graph <{A}> at {url} with release.trig: 3 triples (")
    assert lines[-1] == f"loaded release.trig into {url}: 3 graphs, 5 triples"


def test_n_quads_and_append(
    tmp_path: Path, recorder: tuple[str, type[Recorder]], capsys: pytest.CaptureFixture
) -> None:
    url, handler = recorder
    path = tmp_path / "release.nq"
    quads = list(ox.parse(TRIG.encode(), format=ox.RdfFormat.TRIG))
    path.write_bytes(ox.serialize(quads, format=ox.RdfFormat.N_QUADS) or b"")
    code, out, _ = run(["load", "--append", "--endpoint", url, "--data", str(path)], capsys)
    assert code == 0
    assert [(m, g) for m, g, *_ in handler.seen] == [("POST", "default"), ("POST", A), ("POST", B)]
    assert out.splitlines()[1].startswith(f"added to graph <{A}>")


def test_a_later_failure_says_what_was_loaded(
    trig: Path, recorder: tuple[str, type[Recorder]], capsys: pytest.CaptureFixture
) -> None:
    url, handler = recorder
    handler.statuses[:] = [201, 201, 500]
    code, out, err = run(["load", "--endpoint", url, "--data", str(trig)], capsys)
    assert code == 2 and len(err.strip().splitlines()) == 1
    assert "HTTP 500" in err and "store says no" in err and f"(sending graph <{B}>)" in err
    assert f"replaced the default graph (1 triples), graph <{A}> (3 triples)" in err
    assert "the other 1 of 3 graphs were not loaded: run the command again" in err
    assert len(out.splitlines()) == 2  # the two graphs that did land


def test_a_store_without_a_default_graph_gets_a_hint(
    trig: Path, recorder: tuple[str, type[Recorder]], capsys: pytest.CaptureFixture
) -> None:
    url, handler = recorder
    handler.statuses[:] = [500]
    code, out, err = run(["load", "--endpoint", url, "--data", str(trig)], capsys)
    assert code == 2 and out == ""
    assert "sending the default graph, which a store may not have" in err
    assert "give --graph IRI" in err and "the store now holds" not in err
    assert len(handler.seen) == 1


@pytest.mark.parametrize(
    ("text", "argv", "message"),
    [
        (TRIG, ["--graph", A], "names its own graphs; leave --graph out"),
        (
            f"<{A}> {{ _:x <{A}#p> 1 . }}\n<{B}> {{ _:x <{A}#p> 2 . }}",
            [],
            f"the blank node _:x is in graph <{A}> and in graph <{B}>",
        ),
        (f"<{A}> {{ <{A}#s> <{A}#p> . }}", [], "release.trig"),  # no object
        ("# no statements\n", [], "holds no triples"),
    ],
    ids=["graph-option", "shared-blank-node", "syntax", "empty"],
)
def test_refused_before_any_request(
    tmp_path: Path,
    connection_listener: Any,
    capsys: pytest.CaptureFixture,
    text: str,
    argv: list[str],
    message: str,
) -> None:
    path = tmp_path / "release.trig"
    path.write_text(text, encoding="utf-8")
    url = f"http://127.0.0.1:{connection_listener.port}/store"
    code, out, err = run(["load", "--endpoint", url, "--data", str(path), *argv], capsys)
    assert (code, out) == (2, "")
    assert message in err and "Traceback" not in err
    assert connection_listener.connections == 0


def test_unknown_file_types_are_named(capsys: pytest.CaptureFixture, tmp_path: Path) -> None:
    path = tmp_path / "data.csv"
    path.write_text("a,b\n", encoding="utf-8")
    code, _, err = run(
        ["load", "--endpoint", "http://127.0.0.1:9/store", "--data", str(path)], capsys
    )
    assert code == 2
    assert "send Turtle or another RDF file: Turtle (.ttl), N-Triples (.nt)" in err
    assert "TriG (.trig)" in err and "N-Quads (.nq)" in err


def test_default_graph_and_named_graphs_in_oxigraph(
    trig: Path, start_oxigraph: Callable[[], Any], capsys: pytest.CaptureFixture
) -> None:
    from hngraph.store.remote import RemoteStore

    server = start_oxigraph()
    assert main(["load", "--endpoint", server.store_url, "--data", str(trig)]) == 0
    assert main(["load", "--append", "--endpoint", server.store_url, "--data", str(trig)]) == 0
    store = RemoteStore(server.query_url)
    rows = store.select(
        "SELECT ?g (COUNT(*) AS ?n) { { GRAPH ?g { ?s ?p ?o } } UNION { ?s ?p ?o } } "
        "GROUP BY ?g ORDER BY ?g"
    ).rows
    assert [(row[0].value if row[0] else None, row[1].value) for row in rows] == [
        (None, "1"),
        (A, "3"),
        (B, "1"),
    ]
    capsys.readouterr()
