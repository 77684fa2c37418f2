"""``hngraph serve``: resource pages with content negotiation and a read-only SPARQL endpoint.

Built on Starlette (ASGI) and run by uvicorn. Everything is prepared before the socket accepts
connections: the site graph with its release metadata, the charts and a pool of query worker
processes (``hngraph.publish.pool``) that enforces the time limit by killing a worker.

Read-only by construction: the workers hold in-memory copies of the data and no route writes.
Updates and Graph Store writes are answered 403 (on ``/sparql``) or 405 (other paths); a query
with SERVICE, FROM or FROM NAMED is refused with 400 before any worker sees it.
"""

from __future__ import annotations

import json
import re
import signal
import socket
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl

import pyoxigraph as ox

from hngraph.publish.links import Linker, site_path
from hngraph.publish.metadata import dump_name
from hngraph.publish.pages import Pages, QueryEntry, editor_policy, static_files
from hngraph.publish.views import Value
from hngraph.rdf.formats import FORMATS, RESOURCE_FORMATS
from hngraph.rdf.serialize import compact, jsonld_context
from hngraph.server.conneg import choose
from hngraph.server.pool import PoolBusy, PoolError, QueryPool, QueryTimeout
from hngraph.server.protocol import GRAPH_FORMATS, RESULT_FORMATS, QueryReply, QueryRequest
from hngraph.vocab import BASE

MAX_QUERY_BYTES = 100_000
RESOURCE_OFFERS = ("text/html", *(FORMATS[k].media_type for k in RESOURCE_FORMATS))
RESULT_OFFERS = {
    "application/sparql-results+json": "json",
    "application/json": "json",
    "application/sparql-results+xml": "xml",
    "application/xml": "xml",
    "text/csv": "csv",
    "text/tab-separated-values": "tsv",
    "text/html": "html",
}
GRAPH_OFFERS = {
    "text/turtle": "ttl",
    "application/n-triples": "nt",
    "application/ld+json": "jsonld",
    "application/rdf+xml": "rdf",
    "text/plain": "nt",
}
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
INDEX_SUFFIX = re.compile(r"^(.*)/index\.(html|ttl|nt|jsonld|rdf)$")
SECURITY_HEADERS = [
    (
        b"content-security-policy",
        b"default-src 'none'; img-src 'self'; style-src 'self'; script-src 'self'; "
        b"form-action 'self'; base-uri 'none'; frame-ancestors 'none'",
    ),
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"no-referrer"),
    (b"x-frame-options", b"DENY"),
]
#: The query editor (YASGUI) sends its queries with fetch() and injects one <style>: its page
#: alone may also connect to its own origin and use that style (``pages.editor_policy``).
EDITOR_CSP = editor_policy(SECURITY_HEADERS[0][1].decode())


@dataclass(frozen=True)
class ServeConfig:
    """Options of ``hngraph serve``."""

    data: Path
    host: str = "127.0.0.1"
    port: int = 0
    timeout: float = 10.0
    max_rows: int = 10_000
    workers: int = 2
    memory_limit_mb: int = 2048
    queries: Path | None = None


@dataclass
class Service:
    """What the app serves: pages, files and the query pool, all prepared at start."""

    config: ServeConfig
    pages: Pages
    files: dict[str, tuple[bytes, str]]
    entries: list[QueryEntry]
    pool: QueryPool

    @property
    def site(self) -> Any:
        """The site graph."""
        return self.pages.site

    def close(self) -> None:
        """Stop the query workers."""
        self.pool.close()


def prepare_service(config: ServeConfig) -> Service:
    """Load the data, render charts and files, and start the query workers."""
    from hngraph.publish.charts import CHARTS, render_charts
    from hngraph.publish.site import PublishConfig, catalogue_entries, site_for

    publish_config = PublishConfig(queries=config.queries)
    site, prepared = site_for(config.data, publish_config)
    dumps = prepared.dumps
    pages = Pages(site, static=False, endpoint=True, sparql_endpoint=BASE + "sparql")
    entries = catalogue_entries(config.queries, run_base="/sparql", html=True)
    files: dict[str, tuple[bytes, str]] = {}
    for key, data in dumps.items():
        files[dump_name(key)] = (data, FORMATS[key].content_type)
    files["context.jsonld"] = (_json(jsonld_context()), "application/ld+json")
    from hngraph.rdf.serialize import serialize_triples

    files["void.ttl"] = (serialize_triples(site.metadata, "ttl"), "text/turtle; charset=utf-8")
    for name, data in [*static_files().items(), *prepared.tables.items()]:
        files[name] = (data, asset_type(name))
    for name, svg in render_charts(site).items():
        files[f"charts/{name}.svg"] = (svg, "image/svg+xml")
    for entry in entries:
        files[f"queries/{entry.name}.rq"] = (entry.text.encode(), "application/sparql-query")
    files["index.html"] = (
        pages.index(CHARTS, dumps, prepared.tables).encode(),
        "text/html; charset=utf-8",
    )
    files["queries/index.html"] = (pages.queries(entries).encode(), "text/html; charset=utf-8")
    editor = pages.editor(entries, endpoint="/sparql")
    files["editor/index.html"] = (editor.encode(), "text/html; charset=utf-8")

    pool = QueryPool(
        ox.serialize(site.all_quads(), format=ox.RdfFormat.N_QUADS),
        size=config.workers,
        timeout=config.timeout,
        memory_limit_mb=config.memory_limit_mb,
    )
    try:
        pool.start()
    except BaseException:
        pool.close()
        raise
    return Service(config, pages, files, entries, pool)


def asset_type(name: str) -> str:
    """The media type of a static or tabular file: the one its DCAT distribution states, else by
    its suffix."""
    import mimetypes

    from hngraph.publish.tables.distributions import kind_of

    tabular = kind_of(name) if name.startswith("tables/") else None
    guessed = "text/javascript" if name.endswith(".js") else mimetypes.guess_type(name)[0]
    kind = tabular[1].media_type if tabular else guessed or "application/octet-stream"
    textual = ("text/css", "text/csv", "text/plain", "text/markdown", "text/javascript")
    return f"{kind}; charset=utf-8" if kind in textual else kind


def _json(value: object) -> bytes:
    return (json.dumps(value, ensure_ascii=False, indent=1) + "\n").encode()


class SecurityHeaders:
    """ASGI middleware adding the security headers to every response."""

    def __init__(self, app: Any) -> None:
        self.app = app

    async def __call__(self, scope: dict, receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_headers(message: dict) -> None:
            if message["type"] == "http.response.start":
                names = {name for name, _ in message.get("headers", [])}
                extra = [(n, v) for n, v in SECURITY_HEADERS if n not in names]
                message["headers"] = [*message.get("headers", []), *extra]
            await send(message)

        await self.app(scope, receive, send_with_headers)


def create_app(service: Service) -> Any:
    """The Starlette application over a prepared ``Service``."""
    from starlette.applications import Starlette
    from starlette.concurrency import run_in_threadpool
    from starlette.middleware import Middleware
    from starlette.requests import Request
    from starlette.responses import HTMLResponse, PlainTextResponse, Response
    from starlette.routing import Route

    config = service.config
    cap_headers = {
        "X-Hngraph-Max-Rows": str(config.max_rows),
        "X-Hngraph-Timeout": f"{config.timeout:g}",
        "Access-Control-Allow-Origin": "*",
        "Cache-Control": "no-store",
    }

    def text(status: int, message: str, headers: dict[str, str] | None = None) -> Response:
        return PlainTextResponse(message.rstrip("\n") + "\n", status_code=status, headers=headers)

    def file_response(name: str) -> Response:
        found = service.files.get(name)
        if found is None:
            return text(404, "not found")
        data, media_type = found
        headers = {"Access-Control-Allow-Origin": "*"}
        if name == "editor/index.html":
            headers["Content-Security-Policy"] = EDITOR_CSP
        return Response(data, media_type=media_type, headers=headers)

    async def index(request: Request) -> Response:
        return file_response("index.html")

    async def release_file(request: Request) -> Response:
        path = request.url.path.lstrip("/")
        if path == ".well-known/void":
            path = "void.ttl"
        if path in ("queries", "queries/", "editor", "editor/"):
            path = path.rstrip("/") + "/index.html"
        return file_response(path)

    async def resource(request: Request) -> Response:
        path = request.url.path.lstrip("/")
        forced = request.query_params.get("format")
        suffix = INDEX_SUFFIX.match(path)
        if suffix:
            path, forced = suffix.group(1), suffix.group(2)
        if path in ("def", "def/"):
            path = "def"
        iri = BASE + ("def/" if path == "def" else path)
        node = ox.NamedNode(iri) if site_path(iri) else None
        vary = {"Vary": "Accept"}
        if node is None or not service.site.has(node):
            return text(404, f"no resource {iri} in this dataset", vary)
        if forced is not None:
            key = forced if forced in (*RESOURCE_FORMATS, "html") else None
            if key is None:
                return text(
                    400, f"unknown format {forced!r}; use html, {', '.join(RESOURCE_FORMATS)}"
                )
        else:
            chosen = choose(request.headers.get("accept"), RESOURCE_OFFERS)
            if chosen is None:
                return text(406, "acceptable: " + ", ".join(RESOURCE_OFFERS), vary)
            key = "html" if chosen == "text/html" else _format_key(chosen)
        if key == "html":
            pages = service.pages
            html = pages.ontology() if path == "def" else pages.resource(node, path)
            return HTMLResponse(html, headers=vary)
        from hngraph.rdf.serialize import serialize_triples

        body = serialize_triples(service.site.resource_triples(node), key)
        headers = {**vary, "Access-Control-Allow-Origin": "*"}
        return Response(body, media_type=FORMATS[key].content_type, headers=headers)

    async def sparql(request: Request) -> Response:
        params, refused = await _protocol_params(request)
        if refused is not None:
            return text(refused[0], refused[1], cap_headers)
        if "update" in params:
            return text(403, "this endpoint is read-only: SPARQL Update is refused", cap_headers)
        for name in ("default-graph-uri", "named-graph-uri"):
            if name in params:
                return text(
                    400, f"{name} is refused: this endpoint queries only its own data", cap_headers
                )
        queries = params.get("query", [])
        if len(queries) > 1:
            return text(400, "give one query parameter", cap_headers)
        if not queries:
            return _query_page(request)
        query = queries[0]
        if len(query.encode()) > MAX_QUERY_BYTES:
            return text(413, f"the query is longer than {MAX_QUERY_BYTES} bytes", cap_headers)
        from hngraph.sparql.text import QueryTextError, check

        try:
            checked = check(query)
        except QueryTextError as error:
            return _refused(request, params, query, str(error))
        fmt = _result_format(request, params, checked.form)
        if fmt is None:
            offers = GRAPH_OFFERS if checked.form in ("CONSTRUCT", "DESCRIBE") else RESULT_OFFERS
            return text(406, "acceptable: " + ", ".join(offers), {**cap_headers, "Vary": "Accept"})
        worker_fmt = "json" if fmt == "html" else fmt
        job = QueryRequest(checked.text, checked.form, worker_fmt, config.max_rows)
        try:
            reply = await run_in_threadpool(service.pool.run, job)
        except QueryTimeout as error:
            reply = QueryReply(503, "text/plain; charset=utf-8", f"{error}\n".encode())
        except PoolBusy as error:
            headers = {**cap_headers, "Retry-After": "1"}
            return text(503, str(error), headers)
        except PoolError as error:
            reply = QueryReply(503, "text/plain; charset=utf-8", f"{error}\n".encode())
        headers = {**cap_headers, "Vary": "Accept"}
        if fmt == "html":
            return _results_page(query, reply, headers)
        if reply.status == 200:
            headers["X-Hngraph-Result-Rows"] = str(reply.rows)
        return Response(
            reply.body, status_code=reply.status, media_type=reply.media_type, headers=headers
        )

    def _refused(request: Request, params: dict, query: str, message: str) -> Response:
        if _wants_html(request, params):
            html = service.pages.sparql(
                service.entries,
                timeout=config.timeout,
                max_rows=config.max_rows,
                query=query,
                error=message,
            )
            return HTMLResponse(html, status_code=400, headers=cap_headers)
        return text(400, message, cap_headers)

    def _wants_html(request: Request, params: dict) -> bool:
        forced = params.get("format", [None])[0]
        if forced is not None and forced.lower() in RESULT_FORMAT_NAMES:
            return forced.lower() == "html"
        return choose(request.headers.get("accept"), list(RESULT_OFFERS)) == "text/html"

    def _result_format(request: Request, params: dict, form: str) -> str | None:
        graph = form in ("CONSTRUCT", "DESCRIBE")
        forced = params.get("format", [None])[0]
        if forced is not None:
            key = (GRAPH_FORMAT_NAMES if graph else RESULT_FORMAT_NAMES).get(forced.lower())
            if key is not None:
                return key
        offers = GRAPH_OFFERS if graph else RESULT_OFFERS
        chosen = choose(request.headers.get("accept"), list(offers))
        return offers[chosen] if chosen else None

    def _results_page(query: str, reply: QueryReply, headers: dict[str, str]) -> Response:
        results = None
        error = None
        if reply.status == 200:
            results = _table(json.loads(reply.body))
        else:
            error = reply.body.decode("utf-8", "replace").strip()
        html = service.pages.sparql(
            service.entries,
            timeout=config.timeout,
            max_rows=config.max_rows,
            query=query,
            results=results,
            error=error,
        )
        return HTMLResponse(html, status_code=reply.status, headers=headers)

    def _table(document: dict) -> dict[str, object]:
        if "boolean" in document:
            return {"columns": [], "rows": [], "boolean": bool(document["boolean"])}
        linker = Linker(static=False, here="sparql")
        columns = document["head"]["vars"]
        rows = []
        for binding in document["results"]["bindings"]:
            row = []
            for name in columns:
                term = binding.get(name)
                row.append(_cell(term, linker) if term else None)
            rows.append(row)
        return {"columns": columns, "rows": rows, "boolean": None}

    def _cell(term: dict, linker: Linker) -> Value:
        if term["type"] == "uri":
            value = term["value"]
            known = site_path(value) is None or service.site.has(ox.NamedNode(value))
            label = service.site.label(ox.NamedNode(value), "zh") if known else None
            href = linker.resource(value) if known else None
            return Value(label or value, href=href, note=value if label else None)
        if term["type"] == "literal":
            datatype = term.get("datatype")
            note = compact(datatype) if datatype else None
            return Value(term["value"], lang=term.get("xml:lang"), note=note)
        return Value(f"_:{term['value']}" if term["type"] == "bnode" else str(term["value"]))

    def _query_page(request: Request) -> Response:
        chosen = choose(request.headers.get("accept"), ["text/html", "text/turtle"])
        if chosen == "text/turtle":
            return Response(
                _service_description(str(request.url.replace(query=""))),
                media_type="text/turtle; charset=utf-8",
                headers=cap_headers,
            )
        html = service.pages.sparql(
            service.entries, timeout=config.timeout, max_rows=config.max_rows
        )
        return HTMLResponse(html, headers=cap_headers)

    routes = [
        Route("/", index, methods=["GET"]),
        Route("/index.html", index, methods=["GET"]),
        Route("/sparql", sparql, methods=["GET", "POST"]),
        Route("/def", resource, methods=["GET"]),
        Route("/def/", resource, methods=["GET"]),
        Route("/def/{path:path}", resource, methods=["GET"]),
        Route("/id/{path:path}", resource, methods=["GET"]),
        Route("/queries", release_file, methods=["GET"]),
        Route("/queries/{path:path}", release_file, methods=["GET"]),
        Route("/editor", release_file, methods=["GET"]),
        Route("/editor/{path:path}", release_file, methods=["GET"]),
        Route("/dataset/{path:path}", release_file, methods=["GET"]),
        Route("/charts/{path:path}", release_file, methods=["GET"]),
        Route("/static/{path:path}", release_file, methods=["GET"]),
        Route("/tables/{path:path}", release_file, methods=["GET"]),
        Route("/void.ttl", release_file, methods=["GET"]),
        Route("/context.jsonld", release_file, methods=["GET"]),
        Route("/.well-known/void", release_file, methods=["GET"]),
    ]
    return Starlette(routes=routes, middleware=[Middleware(SecurityHeaders)])


async def _protocol_params(request: Any) -> tuple[dict[str, list[str]], tuple[int, str] | None]:
    """Parameters of a SPARQL protocol request, or a refusal (status, message)."""
    params: dict[str, list[str]] = {}
    for name, value in request.query_params.multi_items():
        params.setdefault(name, []).append(value)
    if request.method != "POST":
        return params, None
    if "graph" in params or "default" in params:
        return params, (403, "this endpoint is read-only: Graph Store writes are refused")
    kind = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if kind == "application/sparql-update":
        return params, (403, "this endpoint is read-only: SPARQL Update is refused")
    if kind in RDF_UPLOAD_TYPES:
        return params, (403, "this endpoint is read-only: uploads are refused")
    if kind not in ("application/x-www-form-urlencoded", "application/sparql-query"):
        return params, (415, "POST application/x-www-form-urlencoded or application/sparql-query")
    body = await _read_body(request, MAX_QUERY_BYTES * 4)
    if body is None:
        return params, (413, f"the request body is longer than {MAX_QUERY_BYTES * 4} bytes")
    try:
        decoded = body.decode("utf-8")
    except UnicodeDecodeError:
        return params, (400, "the request body is not UTF-8")
    if kind == "application/sparql-query":
        params.setdefault("query", []).append(decoded)
        return params, None
    for name, value in parse_qsl(decoded, keep_blank_values=True):
        params.setdefault(name, []).append(value)
    return params, None


async def _read_body(request: Any, limit: int) -> bytes | None:
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


def _format_key(media_type: str) -> str:
    return next(k for k, f in FORMATS.items() if f.media_type == media_type)


def _service_description(url: str) -> bytes:
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
    text = (
        "@prefix sd: <http://www.w3.org/ns/sparql-service-description#> .\n\n"
        f"<{url}> a sd:Service ;\n"
        f"    sd:endpoint <{url}> ;\n"
        "    sd:supportedLanguage sd:SPARQL11Query ;\n"
        "    sd:feature sd:UnionDefaultGraph ;\n"
        f"    sd:resultFormat {listed} .\n"
    )
    return text.encode()


def bind(host: str, port: int) -> socket.socket:
    """A listening TCP socket (port 0: any free port)."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind((host, port))
    sock.listen(128)
    return sock


def url_of(sock: socket.socket) -> str:
    """The http URL a bound socket answers at."""
    host, port = sock.getsockname()[:2]
    shown = f"[{host}]" if ":" in host else host
    return f"http://{shown}:{port}/"


class _Stop(Exception):
    """SIGINT or SIGTERM: stop serving and clean up."""


def _stop(signum: int, frame: object) -> None:
    raise _Stop


def run_server(config: ServeConfig, announce: Callable[[str], None]) -> None:
    """Prepare, bind, announce the URL, and serve until SIGINT or SIGTERM, then stop the workers.

    uvicorn handles both signals while it serves and re-raises them when it has shut down; the
    handlers installed here turn that into a normal return, so the workers are always stopped.
    """
    import uvicorn

    previous = {sig: signal.signal(sig, _stop) for sig in (signal.SIGINT, signal.SIGTERM)}
    service: Service | None = None
    try:
        service = prepare_service(config)
        sock = bind(config.host, config.port)
        server = uvicorn.Server(
            uvicorn.Config(
                create_app(service),
                log_level="warning",
                access_log=False,
                lifespan="off",
                timeout_graceful_shutdown=2,
            )
        )
        announce(url_of(sock))
        server.run(sockets=[sock])
    except _Stop:
        pass
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)
        if service is not None:
            service.close()


__all__ = ["GRAPH_FORMATS", "RESULT_FORMATS", "ServeConfig", "create_app", "run_server"]
