"""HTTP client for remote SPARQL 1.1 endpoints and Graph Stores that fails clearly.

Who does what:

- **SPARQLWrapper** builds the SPARQL Protocol request: the query URL-encoded in a POST body,
  its ``User-Agent``, and the ``Accept`` header of the query form (JSON results for SELECT and
  ASK; N-Triples or Turtle for CONSTRUCT and DESCRIBE, never JSON-LD or RDF/XML).
- **urllib3** sends it over a pool of kept-alive connections: ``Retry`` retries 429 and 503
  only, waiting as ``Retry-After`` says (seconds or an HTTP date) or with exponential backoff;
  ``Timeout`` bounds the connection and each read; ``enforce_content_length`` and its chunked
  reader raise on a body cut short, so a partial result never reaches a caller.
- **This module** keeps what neither library has: the overall deadline of a call, retries and
  waits included (each attempt's urllib3 ``Timeout`` is cut to what is left of the deadline
  when urllib3 starts it, and each read of the body to what is left of the attempt), the
  refusal of a ``Retry-After`` beyond ``Policy.max_retry_after`` or the deadline (urllib3
  would sleep it out), the body size cap, the framing rule for graphs, and the mapping of
  every failure, by exception type and status, to one :class:`RemoteError`.
"""

from __future__ import annotations

import json
import time
import urllib.parse
import warnings
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from hngraph.errors import HngraphError

if TYPE_CHECKING:
    import urllib3

JSON_TYPES = ("application/sparql-results+json", "application/json")
GRAPH_TYPES = ("application/n-triples", "text/turtle", "text/plain")
GRAPH_ACCEPT = "application/n-triples, text/turtle;q=0.9"
STATUS_TEXT = {
    400: "Bad Request: the endpoint rejected the request",
    401: "Unauthorized: the endpoint wants credentials",
    403: "Forbidden: the endpoint refused access",
    404: "Not Found: nothing answers at this URL",
    405: "Method Not Allowed",
    413: "Payload Too Large",
    414: "URI Too Long",
    429: "Too Many Requests: the endpoint is rate-limiting",
    500: "Internal Server Error: the endpoint failed while answering",
    502: "Bad Gateway",
    503: "Service Unavailable",
    504: "Gateway Timeout",
}
RETRIED = frozenset({429, 503})
READ_SIZE = 65536


class RemoteError(HngraphError):
    """Any failure talking to a remote endpoint; no partial result is ever returned.

    ``kind`` is one of ``http`` (an error status; see ``status``), ``timeout`` (an attempt
    exceeded ``Policy.timeout``), ``deadline`` (the whole call exceeded ``Policy.deadline``),
    ``truncated`` (the body ended before its declared end), ``malformed`` (unreadable or
    unexpected body), ``connection`` (could not connect or the connection broke).
    """

    def __init__(self, url: str, kind: str, message: str, status: int | None = None) -> None:
        self.url = redact(url)  # never print a user name or password given in the URL
        self.kind = kind
        self.status = status
        self.detail = message
        super().__init__(f"{self.url}: {message}")


def redact(url: str) -> str:
    """``url`` without the user name and password of its authority (``***@host``)."""
    try:
        parts = urllib.parse.urlsplit(url)
    except ValueError:
        return "<an unreadable URL>"
    if "@" not in parts.netloc:
        return url
    return urllib.parse.urlunsplit(parts._replace(netloc="***@" + parts.netloc.rpartition("@")[2]))


@dataclass(frozen=True)
class Policy:
    """Time and retry limits of one call (seconds)."""

    timeout: float = 30.0  # one HTTP attempt: connect, headers and whole body
    deadline: float = 120.0  # the whole call, retries and waits included
    retries: int = 3  # extra attempts after 429 / 503
    max_retry_after: float = 30.0  # a longer Retry-After fails at once
    backoff: float = 0.5  # urllib3's backoff_factor when the server gives no Retry-After
    max_bytes: int = 512 * 1024 * 1024  # largest body accepted


@dataclass(frozen=True)
class Body:
    """A complete response body and its media type (lower case, no parameters)."""

    data: bytes
    media_type: str


def status_error(url: str, status: int, body: bytes = b"", note: str = "") -> RemoteError:
    """The error for an HTTP error status, with the start of the body the server sent."""
    excerpt = body[:300].decode("utf-8", "replace").strip()
    text = STATUS_TEXT.get(status, "unexpected status")
    detail = f"HTTP {status} {text}" + (f": {excerpt}" if excerpt else "") + note
    return RemoteError(url, "http", detail, status)


def retry_after_seconds(value: str | None) -> float | None:
    """Seconds to wait from a ``Retry-After`` header (urllib3's parser), None if unreadable."""
    if not value:
        return None
    from urllib3.exceptions import InvalidHeader
    from urllib3.util import Retry

    try:
        return Retry().parse_retry_after(value)
    except InvalidHeader:
        return None


def _retry(url: str, policy: Policy, deadline: float) -> urllib3.util.Retry:
    """urllib3's ``Retry`` for 429/503 (any method: such an answer did nothing), which gives up
    at once when the wait would pass ``Policy.max_retry_after`` or the deadline."""
    from urllib3.util import Retry

    class DeadlineRetry(Retry):
        """``Retry`` whose wait must end before the deadline and within the policy."""

        def sleep(self, response: urllib3.BaseHTTPResponse | None = None) -> None:
            wait = None
            if response is not None:
                wait = retry_after_seconds(response.headers.get("Retry-After"))
            if wait is None:
                wait = self.get_backoff_time()
            if wait > policy.max_retry_after or time.monotonic() + wait >= deadline:
                status = response.status if response is not None else 0
                raise status_error(
                    url,
                    status,
                    note=f"; it asks to retry after {wait:g} s, beyond the limits of this call",
                )
            time.sleep(wait)

    return DeadlineRetry(
        total=None,
        connect=0,
        read=0,
        other=0,
        redirect=3,
        status=policy.retries,
        status_forcelist=RETRIED,
        allowed_methods=None,
        backoff_factor=policy.backoff,
        raise_on_redirect=False,
        raise_on_status=False,
        respect_retry_after_header=True,
    )


def _timeout(seconds: float, deadline: float) -> urllib3.Timeout:
    """urllib3's ``Timeout`` of ``seconds`` per connect and per read, cut to what is left of
    ``deadline`` (monotonic) each time urllib3 starts an attempt (it clones the timeout)."""
    from urllib3 import Timeout

    class DeadlineTimeout(Timeout):
        """A ``Timeout`` whose copies never outlast the deadline."""

        def clone(self) -> Timeout:
            left = max(min(seconds, deadline - time.monotonic()), 0.001)
            return Timeout(connect=left, read=left)

    return DeadlineTimeout(connect=seconds, read=seconds)


def _pool_for(url: str) -> urllib3.PoolManager:
    """A urllib3 pool for ``url``, through the proxy that ``http_proxy``/``https_proxy`` name
    unless ``no_proxy`` exempts the host: what urllib, and so SPARQLWrapper, would do."""
    import urllib.request

    import urllib3

    parts = urllib.parse.urlsplit(url)
    proxy = urllib.request.getproxies().get(parts.scheme)
    if proxy and not urllib.request.proxy_bypass(parts.netloc):
        return urllib3.ProxyManager(proxy, num_pools=4, maxsize=4)
    return urllib3.PoolManager(num_pools=4, maxsize=4)


class Transport:
    """One urllib3 connection pool and the policy of every call made through it."""

    def __init__(self, url: str, policy: Policy | None = None) -> None:
        check_http_url(url)
        self.url = url
        self.policy = policy or Policy()
        self._pool: urllib3.PoolManager | None = None

    def call(
        self,
        method: str,
        target: str,
        body: bytes | None,
        headers: dict[str, str],
        *,
        need_framing: bool = False,
    ) -> tuple[int, Body]:
        """Send one request (retrying 429/503) and read its whole body; raise on any failure,
        on an error status, or when the deadline passes."""
        import urllib3

        if self._pool is None:
            self._pool = _pool_for(self.url)
        policy = self.policy
        started = time.monotonic()
        deadline = started + policy.deadline
        seconds = min(policy.timeout, policy.deadline)
        try:
            response = self._pool.request(
                method,
                target,
                body=body,
                headers=headers,
                retries=_retry(self.url, policy, deadline),
                timeout=_timeout(seconds, deadline),
                preload_content=False,
                enforce_content_length=True,
            )
        except urllib3.exceptions.HTTPError as error:
            raise self._transport_error(error, deadline) from None
        try:
            until = min(time.monotonic() + seconds, deadline)
            data = self._read(response, until, deadline)
        finally:
            response.release_conn()
        if response.status >= 300:  # a redirect urllib3 did not follow (more than 3) too
            note = ""
            if response.status in RETRIED:
                attempts = len(response.retries.history) + 1 if response.retries else 1
                note = f" (gave up after {attempts} attempts)"
            raise status_error(self.url, response.status, data, note)
        if need_framing and not (response.chunked or response.headers.get("Content-Length")):
            raise RemoteError(
                self.url,
                "malformed",
                "the server sent no Content-Length and no chunked framing, "
                "so a cut-short graph could not be detected",
            )
        media_type = (response.headers.get("Content-Type") or "").split(";")[0].strip().lower()
        return response.status, Body(data, media_type)

    def _read(self, response: urllib3.BaseHTTPResponse, until: float, deadline: float) -> bytes:
        """The whole body before ``until`` (monotonic), or raise; never part of it."""
        import urllib3

        chunks: list[bytes] = []
        size = 0
        connection = response.connection  # each read waits at most for what is left
        sock = getattr(connection, "sock", None)
        complete = False
        try:
            while True:
                remaining = until - time.monotonic()
                if remaining <= 0:
                    raise self._late(until, deadline, "the response body did not arrive in time")
                if sock is not None:
                    sock.settimeout(max(remaining, 0.001))
                chunk = response.read1(READ_SIZE)
                if not chunk:
                    break
                size += len(chunk)
                if size > self.policy.max_bytes:
                    raise RemoteError(
                        self.url, "malformed", f"the answer exceeds {self.policy.max_bytes} bytes"
                    )
                chunks.append(chunk)
            complete = True
        except urllib3.exceptions.HTTPError as error:
            raise self._transport_error(error, deadline) from None
        finally:
            if not complete:
                response.close()  # never hand a half-read connection back to the pool
        return b"".join(chunks)

    def _late(self, until: float, deadline: float, message: str) -> RemoteError:
        if until >= deadline - 0.001:
            return RemoteError(
                self.url, "deadline", f"gave up: the deadline of {self.policy.deadline:g} s passed"
            )
        return RemoteError(self.url, "timeout", message)

    def _transport_error(self, error: Exception, deadline: float) -> RemoteError:
        """One ``RemoteError`` for a urllib3 exception, chosen by its type."""
        from urllib3 import exceptions as ux

        if isinstance(error, ux.MaxRetryError) and error.reason is not None:
            error = error.reason
        if isinstance(error, ux.NewConnectionError):  # a ConnectTimeoutError subclass
            return RemoteError(self.url, "connection", f"cannot connect: {error}")
        if isinstance(error, ux.TimeoutError):
            seconds = min(self.policy.timeout, self.policy.deadline)
            if time.monotonic() >= deadline:
                return self._late(deadline, deadline, "")
            what = "connect" if isinstance(error, ux.ConnectTimeoutError) else "answer"
            return RemoteError(
                self.url, "timeout", f"no {what} within {seconds:g} s (the server stalled)"
            )
        if isinstance(error, ux.ProtocolError):
            cause = error.args[1] if len(error.args) > 1 else None
            if isinstance(cause, (ux.IncompleteRead, _http_incomplete_read())):
                return RemoteError(self.url, "truncated", f"the answer was cut short ({cause})")
            return RemoteError(self.url, "connection", f"the connection broke: {cause or error}")
        if isinstance(error, ux.DecodeError):
            return RemoteError(self.url, "malformed", f"the answer does not decode: {error}")
        return RemoteError(self.url, "connection", f"the request failed: {error}")


def _http_incomplete_read() -> type[Exception]:
    import http.client

    return http.client.IncompleteRead


class SparqlClient:
    """SPARQL 1.1 Protocol queries (POST, URL-encoded) to one endpoint."""

    def __init__(self, endpoint: str, policy: Policy | None = None) -> None:
        self.transport = Transport(endpoint, policy)
        self.endpoint = endpoint
        self.policy = self.transport.policy

    def select(self, query: str) -> dict[str, Any]:
        """The SPARQL JSON results of a SELECT query, checked for shape."""
        document = self._json(query, "SELECT")
        head, results = document.get("head"), document.get("results")
        if not (
            isinstance(head, dict)
            and isinstance(head.get("vars", []), list)
            and isinstance(results, dict)
            and isinstance(results.get("bindings"), list)
        ):
            raise RemoteError(
                self.endpoint, "malformed", "the answer is not a SPARQL SELECT result"
            )
        return document

    def ask(self, query: str) -> bool:
        """The boolean of an ASK query."""
        answer = self._json(query, "ASK").get("boolean")
        if not isinstance(answer, bool):
            raise RemoteError(self.endpoint, "malformed", "the answer is not a SPARQL ASK result")
        return answer

    def graph(self, query: str, form: str = "CONSTRUCT") -> Body:
        """The N-Triples or Turtle body of a CONSTRUCT or DESCRIBE query."""
        body = self._send(query, form)
        if body.media_type not in GRAPH_TYPES:
            raise RemoteError(
                self.endpoint, "malformed", f"expected N-Triples or Turtle, got {body.media_type!r}"
            )
        return body

    def _json(self, query: str, form: str) -> dict[str, Any]:
        body = self._send(query, form)
        if body.media_type not in JSON_TYPES:
            raise RemoteError(
                self.endpoint, "malformed", f"expected SPARQL JSON results, got {body.media_type!r}"
            )
        try:
            document = json.loads(body.data.decode("utf-8"))
        except (UnicodeDecodeError, ValueError) as error:
            raise RemoteError(
                self.endpoint, "malformed", f"the answer is not complete JSON ({error})"
            ) from None
        if not isinstance(document, dict):
            raise RemoteError(self.endpoint, "malformed", "the answer is not a JSON object")
        return document

    def _send(self, query: str, form: str) -> Body:
        method, url, data, headers = protocol_request(self.endpoint, query, form)
        graph = form in ("CONSTRUCT", "DESCRIBE")
        return self.transport.call(method, url, data, headers, need_framing=graph)[1]


def protocol_request(
    endpoint: str, query: str, form: str
) -> tuple[str, str, bytes | None, dict[str, str]]:
    """Method, URL, body and headers of a SPARQL Protocol query, as SPARQLWrapper builds them.

    ``form`` is the query form, which the caller knows from ``hngraph.sparql.text``:
    SPARQLWrapper would guess it with an unanchored regex (it reads ``ASK`` in ``tasks`` and
    ``ADD`` in ``address``, which would send the query as an update). Its request builder is
    ``_createRequest``; SPARQLWrapper has no public way to get a request without sending it
    through urllib, which has no retries, no connection reuse and no framing checks.
    """
    from SPARQLWrapper import JSON, POST, TURTLE, SPARQLWrapper

    graph = form in ("CONSTRUCT", "DESCRIBE")
    wrapper = SPARQLWrapper(endpoint)
    wrapper.setMethod(POST)
    wrapper.setOnlyConneg(True)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # its guess of the form may warn
        wrapper.setQuery(query)
    wrapper.queryType = form
    wrapper.setReturnFormat(TURTLE if graph else JSON)
    if graph:
        wrapper.addCustomHttpHeader("Accept", GRAPH_ACCEPT)
    request = wrapper._createRequest()
    data = request.data
    assert data is None or isinstance(data, bytes)  # the URL-encoded query
    return request.get_method(), request.full_url, data, dict(request.header_items())


def check_http_url(url: str) -> None:
    """Refuse anything but an absolute http(s) URL."""
    try:
        parts = urllib.parse.urlsplit(url)
    except ValueError:
        raise RemoteError(url, "connection", "the endpoint URL cannot be read") from None
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise RemoteError(
            url, "connection", "an endpoint must be an absolute http:// or https:// URL"
        )
    if "@" in parts.netloc:
        raise RemoteError(
            url,
            "connection",
            "give no user name or password in the endpoint URL (they would show in logs and "
            "errors); put the endpoint behind an authenticating proxy on loopback instead",
        )


def store_graph(
    url: str,
    data: bytes,
    media_type: str,
    graph: str | None = None,
    *,
    replace: bool = True,
    policy: Policy | None = None,
) -> int:
    """Send RDF to a SPARQL 1.1 Graph Store (PUT replaces, POST adds); return the status.

    ``graph`` None targets the default graph (``?default``), else ``?graph=IRI``.
    """
    return GraphStore(url, policy).send(data, media_type, graph, replace=replace)


class GraphStore:
    """One SPARQL 1.1 Graph Store endpoint; its graphs are sent over one connection pool."""

    def __init__(self, url: str, policy: Policy | None = None) -> None:
        self.transport = Transport(url, policy)
        self.url = url

    def target(self, graph: str | None) -> str:
        """The URL of ``graph`` (None: the default graph) in this store (GSP indirect form)."""
        query = "default" if graph is None else "graph=" + urllib.parse.quote(graph, safe="")
        return self.url + ("&" if "?" in self.url else "?") + query

    def send(
        self, data: bytes, media_type: str, graph: str | None = None, *, replace: bool = True
    ) -> int:
        """PUT (replace) or POST (add) ``data`` to one graph; the status, or raise."""
        method = "PUT" if replace else "POST"
        headers = {"Content-Type": media_type}
        return self.transport.call(method, self.target(graph), data, headers)[0]
