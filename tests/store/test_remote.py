"""The remote client fails clearly: each misbehaviour raises one RemoteError, never partial data.

A small misbehaving HTTP server (``http.server`` in a thread, loopback only) plays each case.
"""

from __future__ import annotations

import json
import socket
import threading
import time
import urllib.parse
import uuid
from collections import Counter
from collections.abc import Iterator
from email.utils import formatdate
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import ClassVar

import pytest

from hngraph.commands.main import main
from hngraph.errors import HngraphError
from hngraph.store import IRI, Result
from hngraph.store.http import Policy, RemoteError, SparqlClient, retry_after_seconds, store_graph
from hngraph.store.remote import RemoteStore

SELECT = "SELECT ?x WHERE { BIND(<http://example.org/a> AS ?x) }"
CONSTRUCT = "CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }"
RESULT = json.dumps(
    {
        "head": {"vars": ["x"]},
        "results": {"bindings": [{"x": {"type": "uri", "value": "http://example.org/a"}}]},
    }
).encode()
FAST = Policy(timeout=1.0, deadline=4.0, retries=2, backoff=0.01, max_retry_after=5.0)


class Misbehaving(BaseHTTPRequestHandler):
    """Behaviour chosen by the path: /status/CODE, /flaky/CODE/SECONDS/TOKEN, /stall, ..."""

    protocol_version = "HTTP/1.1"
    hits: ClassVar[Counter[str]] = Counter()
    seen: ClassVar[dict[str, list[tuple[str, dict[str, str], bytes, int, str]]]] = {}
    stop = threading.Event()

    def log_message(self, *args: object) -> None:  # keep test output clean
        pass

    def do_PUT(self) -> None:
        self.do_POST()

    def do_GET(self) -> None:
        self.do_POST()

    def do_POST(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        path = urllib.parse.urlsplit(self.path).path  # also the absolute form a proxy gets
        Misbehaving.hits[path] += 1
        Misbehaving.seen.setdefault(path, []).append(
            (
                self.command,
                {k.lower(): v for k, v in self.headers.items()},
                body,
                self.client_address[1],
                self.path,
            )
        )
        parts = path.strip("/").split("/")
        handler = getattr(self, "case_" + parts[0].replace("-", "_"), None)
        if handler is None:
            self.reply(404, b"no such case")
        else:
            handler(*parts[1:])

    def reply(self, status: int, body: bytes, media: str = "text/plain", **headers: str) -> None:
        self.send_response(status)
        self.send_header("Content-Type", media)
        self.send_header("Content-Length", str(len(body)))
        for name, value in headers.items():
            self.send_header(name.replace("_", "-"), value)
        self.end_headers()
        self.wfile.write(body)

    def case_ok(self) -> None:
        self.reply(200, RESULT, "application/sparql-results+json")

    def case_status(self, code: str, retry_after: str = "0") -> None:
        self.reply(int(code), f"boom {code}".encode(), Retry_After=retry_after)

    def case_flaky(self, code: str, retry_after: str, _token: str) -> None:
        if Misbehaving.hits[urllib.parse.urlsplit(self.path).path] == 1:
            value = (
                retry_after if retry_after != "date" else formatdate(time.time() + 1, usegmt=True)
            )
            self.reply(int(code), b"busy", Retry_After=value)
        else:
            self.case_ok()

    def case_busy_then_stall(self, retry_after: str, _token: str) -> None:
        if Misbehaving.hits[urllib.parse.urlsplit(self.path).path] == 1:
            self.reply(429, b"busy", Retry_After=retry_after)
        else:
            self.case_stall()

    def case_stall(self) -> None:
        Misbehaving.stop.wait(10)

    def case_stall_body(self) -> None:
        self.send_response(200)
        self.send_header("Content-Type", "application/sparql-results+json")
        self.send_header("Content-Length", str(len(RESULT)))
        self.end_headers()
        self.wfile.write(RESULT[:10])
        self.wfile.flush()
        Misbehaving.stop.wait(10)

    def case_trickle(self) -> None:
        self.send_response(200)
        self.send_header("Content-Type", "application/sparql-results+json")
        self.send_header("Content-Length", "100000")
        self.end_headers()
        for _ in range(200):
            if Misbehaving.stop.is_set():
                return
            self.wfile.write(b" ")
            self.wfile.flush()
            time.sleep(0.1)

    def case_truncated(self) -> None:
        self.send_response(200)
        self.send_header("Content-Type", "application/sparql-results+json")
        self.send_header("Content-Length", str(len(RESULT) + 500))
        self.end_headers()
        self.wfile.write(RESULT)
        self.close_connection = True

    def case_truncated_chunked(self) -> None:
        self.send_response(200)
        self.send_header("Content-Type", "application/sparql-results+json")
        self.send_header("Transfer-Encoding", "chunked")
        self.end_headers()
        self.wfile.write(f"{len(RESULT):x}\r\n".encode() + RESULT + b"\r\n")  # no final 0-chunk
        self.close_connection = True

    def case_bad_json(self) -> None:
        self.reply(200, RESULT[:-7], "application/sparql-results+json")

    def case_not_a_result(self) -> None:
        self.reply(200, b'{"hello": "world"}', "application/sparql-results+json")

    def case_html(self) -> None:
        self.reply(200, b"<html>login</html>", "text/html")

    def case_unframed_graph(self) -> None:
        self.send_response(200)
        self.send_header("Content-Type", "application/n-triples")
        self.send_header("Connection", "close")
        self.end_headers()
        self.wfile.write(
            b"<http://example.org/a> <http://example.org/p> <http://example.org/b> .\n"
        )
        self.close_connection = True

    def case_graph(self) -> None:
        self.reply(
            200,
            b'<http://example.org/a> <http://example.org/p> "x"@ZH .\n',
            "application/n-triples",
        )

    def case_echo(self, form: str, _token: str) -> None:
        if form == "ask":
            self.reply(200, b'{"head": {}, "boolean": true}', "application/sparql-results+json")
        elif form == "graph":
            self.case_graph()
        else:
            self.case_ok()

    def case_created(self) -> None:
        self.reply(201, b"")


class QuietServer(ThreadingHTTPServer):
    """Clients hang up on purpose here (timeouts); do not print those broken pipes."""

    daemon_threads = True

    def handle_error(self, request: object, client_address: object) -> None:
        pass


@pytest.fixture(scope="module")
def bad_server() -> Iterator[str]:
    server = QuietServer(("127.0.0.1", 0), Misbehaving)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        Misbehaving.stop.set()
        server.shutdown()
        server.server_close()


def token() -> str:
    return uuid.uuid4().hex


def select(url: str, policy: Policy = FAST) -> Result:
    return RemoteStore(url, policy).select(SELECT)


def test_a_good_answer(bad_server: str) -> None:
    assert select(bad_server + "/ok").rows == ((IRI("http://example.org/a"),),)


@pytest.mark.parametrize("code", [400, 403, 404, 500])
def test_error_statuses_fail_at_once(bad_server: str, code: int) -> None:
    before = Misbehaving.hits[f"/status/{code}"]
    with pytest.raises(RemoteError, match=rf"HTTP {code} .*boom {code}") as caught:
        select(f"{bad_server}/status/{code}")
    assert caught.value.kind == "http" and caught.value.status == code
    assert isinstance(caught.value, HngraphError)
    assert Misbehaving.hits[f"/status/{code}"] == before + 1, "not retried"


@pytest.mark.parametrize("code", [429, 503])
def test_busy_statuses_are_retried_then_give_up(bad_server: str, code: int) -> None:
    before = Misbehaving.hits[f"/status/{code}/0"]
    with pytest.raises(RemoteError, match=rf"HTTP {code} .*gave up after 3 attempts") as caught:
        select(f"{bad_server}/status/{code}/0")
    assert caught.value.status == code
    assert Misbehaving.hits[f"/status/{code}/0"] == before + 3


@pytest.mark.parametrize("code", [429, 503])
def test_retry_after_seconds_is_honoured(bad_server: str, code: int) -> None:
    started = time.monotonic()
    result = select(f"{bad_server}/flaky/{code}/1/{token()}")
    assert result.rows == ((IRI("http://example.org/a"),),)
    assert time.monotonic() - started >= 1.0


def test_retry_after_http_date_is_honoured(bad_server: str) -> None:
    assert select(f"{bad_server}/flaky/503/date/{token()}").rows


def test_retry_after_beyond_the_limits_fails_now(bad_server: str) -> None:
    started = time.monotonic()
    with pytest.raises(RemoteError, match="retry after 120 s"):
        select(f"{bad_server}/flaky/429/120/{token()}")
    assert time.monotonic() - started < 1.0


def test_retry_after_parsing() -> None:
    assert retry_after_seconds("3") == 3.0
    assert retry_after_seconds(" 3 ") == 3.0
    assert retry_after_seconds(None) is None
    assert retry_after_seconds("soon") is None
    assert 0 <= retry_after_seconds(formatdate(time.time() + 2, usegmt=True)) <= 2.5  # type: ignore[operator]


@pytest.mark.parametrize("case", ["stall", "stall-body"])
def test_a_stalled_server_times_out(bad_server: str, case: str) -> None:
    started = time.monotonic()
    with pytest.raises(RemoteError, match=r"stalled|did not arrive") as caught:
        select(f"{bad_server}/{case}", Policy(timeout=0.5, deadline=3, retries=0))
    assert caught.value.kind == "timeout"
    assert time.monotonic() - started < 1.5


def test_a_trickling_server_hits_the_deadline(bad_server: str) -> None:
    started = time.monotonic()
    with pytest.raises(RemoteError) as caught:
        select(f"{bad_server}/trickle", Policy(timeout=5, deadline=1.0, retries=0))
    assert caught.value.kind in ("timeout", "deadline")
    assert time.monotonic() - started < 2.0, "each read was short, but the whole call is bounded"


def test_a_retry_does_not_outlast_the_deadline(bad_server: str) -> None:
    """The retry after 2 s starts with 1 s of the 3 s deadline left: it may wait only that
    long (not the 3 s that one attempt could take), so the call ends at 3 s, not 5 s."""
    started = time.monotonic()
    with pytest.raises(RemoteError) as caught:
        select(
            f"{bad_server}/busy-then-stall/2/{token()}",
            Policy(timeout=30, deadline=3.0, retries=2, max_retry_after=5),
        )
    assert caught.value.kind == "deadline"
    assert time.monotonic() - started < 4.2


@pytest.mark.parametrize("case", ["truncated", "truncated-chunked"])
def test_a_truncated_body_is_an_error_not_a_partial_result(bad_server: str, case: str) -> None:
    with pytest.raises(RemoteError, match="cut short") as caught:
        select(f"{bad_server}/{case}")
    assert caught.value.kind == "truncated"


@pytest.mark.parametrize(
    ("case", "message"),
    [
        ("bad-json", "not complete JSON"),
        ("not-a-result", "not a SPARQL SELECT result"),
        ("html", "expected SPARQL JSON results, got 'text/html'"),
    ],
)
def test_unexpected_bodies_are_errors(bad_server: str, case: str, message: str) -> None:
    with pytest.raises(RemoteError, match=message) as caught:
        select(f"{bad_server}/{case}")
    assert caught.value.kind == "malformed"


def test_graph_results_need_framing(bad_server: str) -> None:
    with pytest.raises(RemoteError, match="no Content-Length and no chunked framing"):
        RemoteStore(bad_server + "/unframed-graph", FAST).construct(CONSTRUCT)


def test_graph_results_are_parsed(bad_server: str) -> None:
    (triple,) = RemoteStore(bad_server + "/graph", FAST).construct(CONSTRUCT)
    assert triple[2].n3() == '"x"@zh'


def test_connection_refused() -> None:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    with pytest.raises(RemoteError, match="cannot connect") as caught:
        select(f"http://127.0.0.1:{port}/query")
    assert caught.value.kind == "connection"


@pytest.mark.parametrize("url", ["ftp://example.org/sparql", "file:///etc/passwd", "/query", ""])
def test_only_http_endpoints(url: str) -> None:
    with pytest.raises(RemoteError, match="absolute http"):
        SparqlClient(url)


def test_graph_store_errors_and_success(bad_server: str) -> None:
    with pytest.raises(RemoteError, match="HTTP 403"):
        store_graph(bad_server + "/status/403", b"", "text/turtle", policy=FAST)
    assert store_graph(bad_server + "/created", b"", "text/turtle", "http://example.org/g") == 201


@pytest.mark.parametrize("case", ["status/500", "status/403", "stall", "truncated"])
def test_cli_prints_the_error_and_exits_2(
    bad_server: str, case: str, capsys: pytest.CaptureFixture
) -> None:
    code = main(
        [
            "query",
            "department-workload",
            "--endpoint",
            f"{bad_server}/{case}",
            "--timeout",
            "0.5",
            "--deadline",
            "2",
        ]
    )
    captured = capsys.readouterr()
    assert code == 2
    assert captured.out == "", "nothing printed as a result"
    assert captured.err.startswith("hngraph query: error: http://127.0.0.1:")


def _sent(path: str) -> list[tuple[str, dict[str, str], bytes, int, str]]:
    return Misbehaving.seen[path]


def test_select_and_ask_ask_for_json_graphs_for_n_triples(bad_server: str) -> None:
    """SECURITY-CHECKS 13: JSON results for SELECT/ASK, N-Triples/Turtle for graphs."""
    import urllib.parse

    paths = {form: f"/echo/{form}/{token()}" for form in ("select", "ask", "graph")}
    RemoteStore(bad_server + paths["select"], FAST).select(SELECT)
    assert RemoteStore(bad_server + paths["ask"], FAST).ask("ASK { ?s ?p ?o }") is True
    RemoteStore(bad_server + paths["graph"], FAST).construct(CONSTRUCT)
    for form, path in paths.items():
        ((method, headers, body, *_),) = _sent(path)
        assert method == "POST"
        assert headers["content-type"] == "application/x-www-form-urlencoded"
        assert list(urllib.parse.parse_qs(body.decode("ascii"))) == ["query"]
        accept = headers["accept"]
        assert "ld+json" not in accept and "rdf+xml" not in accept
        if form == "graph":
            assert accept.startswith("application/n-triples") and "text/turtle" in accept
        else:
            assert accept.startswith("application/sparql-results+json")


def test_a_query_whose_comments_name_an_update_is_sent_as_a_query(bad_server: str) -> None:
    """SPARQLWrapper's own guess would read ADD in the second comment line and send update=."""
    path = f"/echo/select/{token()}"
    text = "# one\n# then add the tasks\n" + SELECT
    RemoteStore(bad_server + path, FAST).select(text)
    ((_, _, body, *_),) = _sent(path)
    assert body.startswith(b"query=")


def test_one_client_keeps_its_connection(bad_server: str) -> None:
    path = f"/echo/select/{token()}"
    store = RemoteStore(bad_server + path, FAST)
    for _ in range(5):
        store.select(SELECT)
    assert len({sent[3] for sent in _sent(path)}) == 1, "urllib3's pool reuses the connection"


def test_a_bad_retry_after_falls_back_to_backoff(bad_server: str) -> None:
    assert select(f"{bad_server}/flaky/503/soon/{token()}").rows


def test_the_proxy_of_the_environment_is_used(
    bad_server: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """As urllib (and so SPARQLWrapper) would: http_proxy names the proxy, no_proxy exempts.
    The endpoint is localhost:9, where nothing answers: only the proxy can."""
    for name in ("http_proxy", "HTTP_PROXY", "no_proxy", "NO_PROXY"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("http_proxy", bad_server)  # the stub plays the proxy
    path = f"/echo/select/{token()}"
    assert select("http://localhost:9" + path).rows
    ((*_, target),) = _sent(path)
    assert target == "http://localhost:9" + path, "sent to the proxy, absolute form"

    with socket.socket() as sock:  # a port nothing listens on
        sock.bind(("127.0.0.1", 0))
        dead = sock.getsockname()[1]
    monkeypatch.setenv("http_proxy", f"http://127.0.0.1:{dead}")
    monkeypatch.setenv("no_proxy", "127.0.0.1")
    path = f"/echo/select/{token()}"
    assert select(bad_server + path).rows
    ((*_, target),) = _sent(path)
    assert target == path, "no_proxy: straight to the endpoint"
