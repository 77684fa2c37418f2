"""``/sparql``: the SPARQL 1.1 Protocol over the query pool, read-only, limited and CORS-enabled.

The steps of a request, each a function of its own: size checks (``limits``), reading the
protocol parameters (``read_params``), refusing writes and dataset parameters
(``params_refusal``), the per-client limit, the query guard (``hngraph.sparql.text.check``, in a
thread of its own so a long query never stalls the event loop), choosing the result format
(``result_format``), and running the query in a worker (``hngraph.server.pool``).
"""

from __future__ import annotations

import json
from typing import Any, NamedTuple
from urllib.parse import parse_qsl

from hngraph.rdf.formats import FORMATS, RESOURCE_FORMATS
from hngraph.server.conneg import choose
from hngraph.server.limits import (
    MAX_BODY_BYTES,
    MAX_QUERY_BYTES,
    MAX_URL_BYTES,
    RETRY_AFTER,
    ClientLimiter,
)
from hngraph.server.pool import PoolBusy, PoolError, QueryCancelled, QueryTimeout
from hngraph.server.protocol import QueryReply, QueryRequest
from hngraph.server.responses import CORS_HEADERS, PREFLIGHT_HEADERS, text

RESULT_OFFERS = {
    "application/sparql-results+json": "json",
    "application/json": "json",
    "application/sparql-results+xml": "xml",
    "application/xml": "xml",
    "text/csv": "csv",
    "text/tab-separated-values": "tsv",
    "text/html": "html",
}
#: Media types offered for CONSTRUCT and DESCRIBE results (``hngraph.rdf.formats``), and
#: ``text/plain`` as N-Triples.
GRAPH_OFFERS = {FORMATS[key].media_type: key for key in RESOURCE_FORMATS} | {"text/plain": "nt"}
#: Values of the ``format`` parameter (as sent by browsers' forms and by SPARQLWrapper); an
#: unknown value is ignored and the Accept header decides.
RESULT_FORMAT_NAMES = {"json": "json", "xml": "xml", "csv": "csv", "tsv": "tsv", "html": "html"}
GRAPH_FORMAT_NAMES = {
    "ttl": "ttl",
    "turtle": "ttl",
    "nt": "nt",
    "ntriples": "nt",
    "n-triples": "nt",
    "jsonld": "jsonld",
    "json-ld": "jsonld",
    "json": "jsonld",
    "rdf": "rdf",
    "xml": "rdf",
    "rdfxml": "rdf",
    "rdf+xml": "rdf",
}
RDF_UPLOAD_TYPES = {
    "text/turtle",
    "application/n-triples",
    "application/ld+json",
    "application/rdf+xml",
    "application/n-quads",
    "application/trig",
    "text/n3",
}
GRAPH_FORMS = ("CONSTRUCT", "DESCRIBE")
Params = dict[str, list[str]]


class Refused(NamedTuple):
    """A request answered with an error status before any query runs."""

    status: int
    message: str


async def read_params(request: Any) -> Params | Refused:
    """Parameters of a SPARQL protocol request (URL and body), or why it is refused."""
    params: Params = {}
    for name, value in request.query_params.multi_items():
        params.setdefault(name, []).append(value)
    if request.method != "POST":
        return params
    if "graph" in params or "default" in params:
        return Refused(403, "this endpoint is read-only: Graph Store writes are refused")
    kind = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if kind == "application/sparql-update":
        return Refused(403, "this endpoint is read-only: SPARQL Update is refused")
    if kind in RDF_UPLOAD_TYPES:
        return Refused(403, "this endpoint is read-only: uploads are refused")
    if kind not in ("application/x-www-form-urlencoded", "application/sparql-query"):
        return Refused(415, "POST application/x-www-form-urlencoded or application/sparql-query")
    body = await read_body(request, MAX_BODY_BYTES)
    if body is None:
        return Refused(413, f"the request body is longer than {MAX_BODY_BYTES} bytes")
    try:
        decoded = body.decode("utf-8")
    except UnicodeDecodeError:
        return Refused(400, "the request body is not UTF-8")
    if kind == "application/sparql-query":
        params.setdefault("query", []).append(decoded)
        return params
    for name, value in parse_qsl(decoded, keep_blank_values=True):
        params.setdefault(name, []).append(value)
    return params


async def read_body(request: Any, limit: int) -> bytes | None:
    """The request body, or ``None`` as soon as it is known to be longer than ``limit``."""
    declared = request.headers.get("content-length")
    if declared is not None and declared.isdigit() and int(declared) > limit:
        return None
    chunks = []
    size = 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            return None
        chunks.append(chunk)
    return b"".join(chunks)


def params_refusal(params: Params) -> Refused | None:
    """Why parameters that are read must still be refused (updates, dataset IRIs, two queries)."""
    if "update" in params:
        return Refused(403, "this endpoint is read-only: SPARQL Update is refused")
    for name in ("default-graph-uri", "named-graph-uri"):
        if name in params:
            return Refused(400, f"{name} is refused: this endpoint queries only its own data")
    if len(params.get("query", [])) > 1:
        return Refused(400, "give one query parameter")
    query = params.get("query", [""])[0]
    if len(query.encode()) > MAX_QUERY_BYTES:
        return Refused(413, f"the query is longer than {MAX_QUERY_BYTES} bytes")
    return None


def result_format(accept: str | None, params: Params, form: str) -> str | None:
    """The result format key for a query of ``form``: ``format=`` first, then ``Accept``."""
    graph = form in GRAPH_FORMS
    forced = params.get("format", [None])[0]
    if forced is not None:
        key = (GRAPH_FORMAT_NAMES if graph else RESULT_FORMAT_NAMES).get(forced.lower())
        if key is not None:
            return key
    offers = GRAPH_OFFERS if graph else RESULT_OFFERS
    chosen = choose(accept, list(offers))
    return offers[chosen] if chosen else None


def wants_html(accept: str | None, params: Params) -> bool:
    """Whether a refused query is answered with the query page (a browser) or plain text."""
    forced = params.get("format", [None])[0]
    if forced is not None and forced.lower() in RESULT_FORMAT_NAMES:
        return forced.lower() == "html"
    return choose(accept, list(RESULT_OFFERS)) == "text/html"


def service_description(url: str) -> bytes:
    """The SPARQL 1.1 Service Description of the endpoint at ``url``, as Turtle."""
    formats = (
        "SPARQL_Results_JSON",
        "SPARQL_Results_XML",
        "SPARQL_Results_CSV",
        "SPARQL_Results_TSV",
        "Turtle",
        "N-Triples",
        "JSON-LD",
        "RDF_XML",
    )
    listed = ", ".join(f"<http://www.w3.org/ns/formats/{f}>" for f in formats)
    description = (
        "@prefix sd: <http://www.w3.org/ns/sparql-service-description#> .\n\n"
        f"<{url}> a sd:Service ;\n"
        f"    sd:endpoint <{url}> ;\n"
        "    sd:supportedLanguage sd:SPARQL11Query ;\n"
        "    sd:feature sd:UnionDefaultGraph ;\n"
        f"    sd:resultFormat {listed} .\n"
    )
    return description.encode()


def client_of(request: Any) -> str:
    """The client a request counts against (see ``hngraph.server.limits``)."""
    return request.client.host if request.client else "unknown"


class SparqlEndpoint:
    """The ``/sparql`` handlers over a prepared ``Service``."""

    def __init__(self, service: Any) -> None:
        self.service = service
        config = service.config
        self.clients = ClientLimiter(config.client_limit)
        self.headers = {
            **CORS_HEADERS,
            "X-Hngraph-Max-Rows": str(config.max_rows),
            "X-Hngraph-Max-Bytes": str(config.max_bytes),
            "X-Hngraph-Timeout": f"{config.timeout:g}",
            "X-Hngraph-Client-Limit": str(config.client_limit),
            "Cache-Control": "no-store",
        }
        self._check_limiter: Any = None

    async def preflight(self, request: Any) -> Any:
        """``OPTIONS /sparql``: 204 with the methods and headers other origins may use."""
        from starlette.responses import Response

        return Response(status_code=204, headers=PREFLIGHT_HEADERS)

    async def handle(self, request: Any) -> Any:
        """``GET`` or ``POST /sparql``."""
        if len(request.scope.get("query_string", b"")) > MAX_URL_BYTES:
            return text(
                414,
                f"the URL is longer than {MAX_URL_BYTES} bytes: POST the query instead "
                "(application/sparql-query)",
                self.headers,
            )
        params = await read_params(request)
        if isinstance(params, Refused):
            return text(params.status, params.message, self.headers)
        refused = params_refusal(params)
        if refused is not None:
            return text(refused.status, refused.message, self.headers)
        if not params.get("query"):
            return self.query_page(request)
        with self.clients.slot(client_of(request)) as allowed:
            if not allowed:
                limit = self.clients.limit
                headers = {**self.headers, "Retry-After": str(RETRY_AFTER)}
                message = f"more than {limit} queries at a time from one client; retry later"
                return text(429, message, headers)
            return await self.answer(request, params, params["query"][0])

    async def checked(self, query: str) -> Any:
        """``check(query)`` in a thread, one check at a time, so the event loop stays free."""
        import anyio

        from hngraph.sparql.text import check

        if self._check_limiter is None:
            self._check_limiter = anyio.CapacityLimiter(1)
        return await anyio.to_thread.run_sync(check, query, limiter=self._check_limiter)

    async def answer(self, request: Any, params: Params, query: str) -> Any:
        """Check the query, run it in a worker and send its result."""
        from starlette.concurrency import run_in_threadpool
        from starlette.responses import Response

        from hngraph.sparql.text import QueryTextError

        accept = request.headers.get("accept")
        try:
            checked = await self.checked(query)
        except QueryTextError as error:
            return self.refused_page(accept, params, query, str(error))
        fmt = result_format(accept, params, checked.form)
        if fmt is None:
            offers = GRAPH_OFFERS if checked.form in GRAPH_FORMS else RESULT_OFFERS
            return text(406, "acceptable: " + ", ".join(offers), {**self.headers, "Vary": "Accept"})
        config = self.service.config
        job = QueryRequest(
            checked.text,
            checked.form,
            "json" if fmt == "html" else fmt,
            config.max_rows,
            config.max_bytes,
        )
        headers = {**self.headers, "Vary": "Accept"}
        try:
            reply = await run_in_threadpool(self.service.pool.run, job)
        except (PoolBusy, QueryCancelled) as error:
            return text(503, str(error), {**headers, "Retry-After": str(RETRY_AFTER)})
        except (QueryTimeout, PoolError) as error:
            reply = QueryReply(503, "text/plain; charset=utf-8", f"{error}\n".encode())
        if fmt == "html":
            return self.results_page(query, reply, headers)
        if reply.status == 200:
            headers["X-Hngraph-Result-Rows"] = str(reply.rows)
        return Response(
            reply.body, status_code=reply.status, media_type=reply.media_type, headers=headers
        )

    def page(self, status: int = 200, headers: dict[str, str] | None = None, **shown: Any) -> Any:
        """The query page, with a query, results or an error when given."""
        from starlette.responses import HTMLResponse

        config = self.service.config
        html = self.service.pages.sparql(
            self.service.entries, timeout=config.timeout, max_rows=config.max_rows, **shown
        )
        return HTMLResponse(html, status_code=status, headers=headers or self.headers)

    def query_page(self, request: Any) -> Any:
        """``/sparql`` without a query: the page, or the service description for RDF clients."""
        from starlette.responses import Response

        chosen = choose(request.headers.get("accept"), ["text/html", "text/turtle"])
        if chosen == "text/turtle":
            return Response(
                service_description(str(request.url.replace(query=""))),
                media_type="text/turtle; charset=utf-8",
                headers=self.headers,
            )
        return self.page()

    def refused_page(self, accept: str | None, params: Params, query: str, message: str) -> Any:
        """A query the guard refused: 400, as the page for a browser, else plain text."""
        if wants_html(accept, params):
            return self.page(400, query=query, error=message)
        return text(400, message, self.headers)

    def results_page(self, query: str, reply: QueryReply, headers: dict[str, str]) -> Any:
        """The query page with the results (or the error) of ``reply``."""
        from hngraph.server.results import results_table

        if reply.status == 200:
            table = results_table(json.loads(reply.body), self.service.site)
            return self.page(200, headers, query=query, results=table)
        error = reply.body.decode("utf-8", "replace").strip()
        return self.page(reply.status, headers, query=query, error=error)
