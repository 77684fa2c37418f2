"""The server's parts on their own (issue 10 item 4): request targets and conneg of resources,
protocol parameters, result formats, the result table, the per-client limiter, and the query
pool's preemption and queue limit with real worker processes.
"""

from __future__ import annotations

import asyncio
import threading
import time
from collections.abc import Iterator
from typing import Any

import pyoxigraph as ox
import pytest
from serving import FIXTURES, SLOW_QUERY, SMALL_QUERY

from hngraph.rdf.jsonld import CONTEXT_URL
from hngraph.server.conneg import VARIANTS
from hngraph.server.endpoint import (
    Refused,
    params_refusal,
    read_params,
    result_format,
    service_description,
    wants_html,
)
from hngraph.server.limits import MAX_BODY_BYTES, MAX_QUERY_BYTES, ClientLimiter
from hngraph.server.pool import PoolBusy, PoolError, QueryCancelled, QueryPool
from hngraph.server.protocol import QueryRequest, execute
from hngraph.server.resources import release_path, representation, target
from hngraph.server.responses import variant_headers
from hngraph.server.results import results_table
from hngraph.vocab import BASE

# --- resources -----------------------------------------------------------------------------


def test_target_of_paths() -> None:
    assert target("id/list/x/task/1", None) == (
        "id/list/x/task/1",
        BASE + "id/list/x/task/1",
        None,
    )
    assert target("id/list/x/task/1/index.ttl", None).forced == "ttl"
    assert target("id/org/a", "jsonld").forced == "jsonld"
    assert target("def", None) == ("def", BASE + "def/", None)
    assert target("def/", None) == ("def", BASE + "def/", None)
    assert target("def/index.html", None) == ("def", BASE + "def/", "html")


def test_representation_by_accept() -> None:
    assert representation(None, None) == "html"
    assert representation(None, "text/turtle;q=0.5, application/ld+json") == "jsonld"
    assert representation(None, "application/n-triples") == "nt"
    assert representation(None, "image/png") is None
    assert representation("rdf", "text/html") == "rdf"  # a forced format wins
    assert representation(None, "application/json") == "json"
    assert representation(None, "application/json, application/ld+json") == "jsonld"  # tie
    assert representation(None, "*/*") == "html"
    assert representation("json", None) == "json" and representation("xls", None) is None


def test_headers_of_a_negotiated_answer() -> None:
    by_key = {v.key: v for v in VARIANTS}
    turtle = variant_headers("id/org/a", by_key["ttl"], VARIANTS, "/id/org/a")
    assert turtle == {
        "Vary": "Accept",
        "Content-Location": "a/index.ttl",  # relative to the request, as the pages link
        "Link": '<a/index.jsonld>; rel="alternate"; type="application/ld+json"',
    }
    forced = variant_headers("id/org/a", by_key["ttl"], VARIANTS, "/id/org/a/index.ttl")
    assert forced["Content-Location"] == "index.ttl"
    plain = variant_headers("def", by_key["json"], VARIANTS, "/def/")
    assert plain["Content-Location"] == "index.jsonld"
    assert plain["Link"] == (
        '<index.ttl>; rel="alternate"; type="text/turtle", '
        f'<{CONTEXT_URL}>; rel="http://www.w3.org/ns/json-ld#context"; type="application/ld+json"'
    )
    assert by_key["json"].content_type == "application/json"
    html = variant_headers("def", by_key["html"], VARIANTS, "/def")
    assert html["Content-Location"] == "def/index.html"


def test_release_paths() -> None:
    assert release_path(".well-known/void") == "void.ttl"
    assert release_path("queries") == "queries/index.html"
    assert release_path("queries/") == "queries/index.html"
    assert release_path("dataset/hngraph.ttl") == "dataset/hngraph.ttl"


# --- protocol parameters and formats -------------------------------------------------------


def _request(method: str, query_string: str, content_type: str, body: bytes) -> Any:
    from starlette.requests import Request

    headers = [(b"content-type", content_type.encode())] if content_type else []
    headers.append((b"content-length", str(len(body)).encode()))
    scope = {
        "type": "http",
        "method": method,
        "path": "/sparql",
        "query_string": query_string.encode(),
        "headers": headers,
    }
    chunks = [body[i : i + 1000] for i in range(0, len(body), 1000)] or [b""]

    async def receive() -> dict:
        chunk = chunks.pop(0) if chunks else b""
        return {"type": "http.request", "body": chunk, "more_body": bool(chunks)}

    return Request(scope, receive)


def params_of(method: str, query_string: str = "", kind: str = "", body: bytes = b"") -> Any:
    return asyncio.run(read_params(_request(method, query_string, kind, body)))


def test_read_params_from_url_form_and_body() -> None:
    assert params_of("GET", "query=ASK%7B%7D&format=json") == {
        "query": ["ASK{}"],
        "format": ["json"],
    }
    form = params_of("POST", "", "application/x-www-form-urlencoded", b"query=ASK+%7B%7D")
    assert form == {"query": ["ASK {}"]}
    direct = params_of("POST", "format=csv", "application/sparql-query", "ASK { 文 }".encode())
    assert direct == {"format": ["csv"], "query": ["ASK { 文 }"]}


@pytest.mark.parametrize(
    ("query_string", "kind", "body", "status"),
    [
        ("", "application/sparql-update", b"CLEAR ALL", 403),
        ("graph=https://e.x/g", "text/turtle", b"", 403),
        ("default", "application/x-www-form-urlencoded", b"", 403),
        ("", "text/turtle", b"<a:a> <a:b> <a:c> .", 403),
        ("", "application/octet-stream", b"x", 415),
        ("", "application/sparql-query", b"\xff\xfe", 400),
        ("", "application/sparql-query", b"#" * (MAX_BODY_BYTES + 1), 413),
    ],
)
def test_read_params_refusals(query_string: str, kind: str, body: bytes, status: int) -> None:
    refused = params_of("POST", query_string, kind, body)
    assert isinstance(refused, Refused) and refused.status == status


def test_params_refusal() -> None:
    assert params_refusal({"query": ["ASK {}"]}) is None
    assert params_refusal({}) is None
    assert params_refusal({"update": ["CLEAR ALL"]}) == Refused(
        403, "this endpoint is read-only: SPARQL Update is refused"
    )
    assert params_refusal({"query": ["ASK {}"], "default-graph-uri": ["x"]}).status == 400
    assert params_refusal({"query": ["ASK {}"], "named-graph-uri": ["x"]}).status == 400
    assert params_refusal({"query": ["ASK {}", "ASK {}"]}).status == 400
    too_long = "ASK {} #" + "文" * (MAX_QUERY_BYTES // 3)  # under the limit in characters
    assert params_refusal({"query": [too_long]}).status == 413


def test_result_format() -> None:
    assert result_format(None, {}, "SELECT") == "json"
    assert result_format("text/csv", {}, "ASK") == "csv"
    assert result_format("text/csv", {"format": ["xml"]}, "SELECT") == "xml"
    assert result_format("text/csv", {"format": ["nonsense"]}, "SELECT") == "csv"
    assert result_format(None, {}, "CONSTRUCT") == "ttl"
    assert result_format("application/ld+json", {}, "DESCRIBE") == "jsonld"
    assert result_format(None, {"format": ["json"]}, "CONSTRUCT") == "jsonld"
    assert result_format("image/png", {}, "SELECT") is None
    assert wants_html("text/html,*/*;q=0.8", {}) is True
    assert wants_html("text/html", {"format": ["json"]}) is False
    assert wants_html(None, {}) is False


def test_service_description_is_turtle() -> None:
    graph = ox.Store()
    graph.load(service_description("http://127.0.0.1:1/sparql"), format=ox.RdfFormat.TURTLE)
    assert len(graph) == 12  # type, endpoint, language, feature, eight result formats


# --- the result table ----------------------------------------------------------------------


@pytest.fixture(scope="module")
def site() -> Any:
    from hngraph.publish.site import load_site_graph

    return load_site_graph(FIXTURES / "mini.ttl")


def test_results_table_links_known_iris_and_keeps_literals(site: Any) -> None:
    education = BASE + "id/org/hunan-education-department"
    document = {
        "head": {"vars": ["org", "n", "other", "missing"]},
        "results": {
            "bindings": [
                {
                    "org": {"type": "uri", "value": education},
                    "n": {"type": "literal", "value": "2", "datatype": XSD_INTEGER},
                    "other": {"type": "uri", "value": BASE + "id/nothing"},
                }
            ]
        },
    }
    table = results_table(document, site)
    assert table["columns"] == ["org", "n", "other", "missing"] and table["boolean"] is None
    org, n, other, missing = table["rows"][0]
    assert org.href and org.href.endswith("id/org/hunan-education-department")
    assert org.text != education and org.note == education  # its label, with the IRI beside
    assert n.text == "2" and n.note == "xsd:integer"
    assert other.href is None and other.text == BASE + "id/nothing"  # not in the dataset
    assert missing is None
    assert results_table({"head": {}, "boolean": True}, site)["boolean"] is True


XSD_INTEGER = "http://www.w3.org/2001/XMLSchema#integer"


# --- limits --------------------------------------------------------------------------------


def test_client_limiter_counts_per_client() -> None:
    limiter = ClientLimiter(2)
    with (
        limiter.slot("a") as first,
        limiter.slot("a") as second,
        limiter.slot("a") as third,
        limiter.slot("b") as other,
    ):
        assert (first, second, third, other) == (True, True, False, True)
        assert limiter.active("a") == 2
    assert limiter.active("a") == 0 and limiter.active("b") == 0
    with limiter.slot("a") as again:
        assert again is True


def test_byte_cap_in_the_worker() -> None:
    store = ox.Store()
    store.load(path=str(FIXTURES / "mini.ttl"))
    query = "SELECT * WHERE { ?s ?p ?o } LIMIT 20"
    assert execute(store, QueryRequest(query, "SELECT", "json", 100)).status == 200
    capped = execute(store, QueryRequest(query, "SELECT", "json", 100, max_bytes=500))
    assert capped.status == 422 and b"larger than 500 bytes" in capped.body


# --- the pool ------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def data() -> bytes:
    quads = ox.parse(path=str(FIXTURES / "mini.ttl"))
    return ox.serialize(quads, format=ox.RdfFormat.N_QUADS)


@pytest.fixture
def pool(data: bytes) -> Iterator[QueryPool]:
    found = QueryPool(data, size=1, spare=1, timeout=20, preempt_after=0.5, queue_limit=1)
    found.start()
    yield found
    found.close()


def _run_in_thread(pool: QueryPool, query: str, form: str) -> tuple[threading.Thread, list]:
    outcome: list = []

    def run() -> None:
        try:
            outcome.append(pool.run(QueryRequest(query, form, "json", 100)))
        except Exception as error:  # the test inspects it
            outcome.append(error)

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    return thread, outcome


def test_the_oldest_slow_query_makes_room_for_a_new_one(pool: QueryPool) -> None:
    slow, outcome = _run_in_thread(pool, SLOW_QUERY, "SELECT")
    time.sleep(1.0)  # older than preempt_after
    started = time.monotonic()
    reply = pool.run(QueryRequest(SMALL_QUERY, "ASK", "json", 100))
    assert reply.status == 200 and time.monotonic() - started < 1.0
    slow.join(10)
    assert isinstance(outcome[0], QueryCancelled)
    # the spare is replaced in the background; the pool keeps answering
    assert pool.run(QueryRequest(SMALL_QUERY, "ASK", "json", 100)).status == 200


def _count(pool: QueryPool) -> str:
    query = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"
    reply = pool.run(QueryRequest(query, "SELECT", "csv", 100))
    assert reply.status == 200
    return reply.body.decode().split()[-1]


def test_workers_load_the_rest_of_the_data_when_it_is_given(data: bytes) -> None:
    lines = data.splitlines(keepends=True)
    first, rest = b"".join(lines[: len(lines) // 2]), b"".join(lines[len(lines) // 2 :])
    pool = QueryPool(first, rest=None, size=1, spare=0, timeout=20)
    try:
        pool.begin(1)
        waiting = threading.Thread(target=pool.wait, args=(1,), daemon=True)
        waiting.start()
        waiting.join(1.5)
        assert waiting.is_alive()  # not ready: the rest has not come
        pool.complete(rest)
        waiting.join(30)
        assert not waiting.is_alive()
        assert _count(pool) == str(len(lines))
    finally:
        pool.close()


def test_a_pool_waiting_for_the_rest_closes_without_hanging(data: bytes) -> None:
    pool = QueryPool(data, rest=None, size=1, spare=1, timeout=20)
    pool.begin()
    time.sleep(0.5)
    closing = threading.Thread(target=pool.close, daemon=True)
    closing.start()
    closing.join(10)
    assert not closing.is_alive()
    with pytest.raises(PoolError):
        pool.wait(1)


def test_a_full_queue_is_refused_at_once(data: bytes) -> None:
    pool = QueryPool(data, size=1, spare=0, timeout=20, queue_limit=1)  # no spare: no preemption
    pool.start()
    try:
        slow, _ = _run_in_thread(pool, SLOW_QUERY, "SELECT")
        time.sleep(0.5)
        waiting, waited = _run_in_thread(pool, SMALL_QUERY, "ASK")
        time.sleep(0.5)
        started = time.monotonic()
        with pytest.raises(PoolBusy, match="already waiting"):
            pool.run(QueryRequest(SMALL_QUERY, "ASK", "json", 100))
        assert time.monotonic() - started < 5.0  # not after the 20 s time limit
    finally:
        pool.close()  # kills the slow query's worker; the waiting query is told the pool closed
    slow.join(10)
    waiting.join(10)
    assert waited and isinstance(waited[0], PoolError)
