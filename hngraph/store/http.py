"""HTTP client for remote SPARQL 1.1 endpoints and Graph Stores that fails clearly.

Queries go through SPARQLWrapper (it builds the protocol request); this module wraps it
because SPARQLWrapper alone cannot enforce what a caller needs:

- ``setTimeout`` truncates to whole seconds (``int(0.5)`` is 0, which means *no* timeout),
  and its timeout bounds each socket operation, not the request: a server that trickles
  bytes never times out. Here every attempt has a wall-clock budget enforced between
  reads (``read1``: one socket read at a time) and an overall deadline covers retries.
- ``QueryResult.convert`` reads the body in one go and never checks it is complete.
  Here the body is checked against ``Content-Length`` / chunked framing before parsing,
  so a cut-short response raises instead of returning part of a result.
- 429 and 503 are retried, honouring ``Retry-After`` (seconds or HTTP date), bounded by
  ``Policy.retries``, ``Policy.max_retry_after`` and the deadline.

Every failure raises :class:`RemoteError` (a :class:`~hngraph.errors.HngraphError`).
"""

from __future__ import annotations

import http.client
import json
import socket
import time
import urllib.error
import urllib.parse
import urllib.request
import warnings
from collections.abc import Callable
from dataclasses import dataclass
from email.utils import parsedate_to_datetime
from typing import Any, TypeVar

from hngraph.errors import HngraphError

T = TypeVar("T")

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
    backoff: float = 0.5  # first wait when the server gives no Retry-After (doubles)
    max_bytes: int = 512 * 1024 * 1024  # largest body accepted


@dataclass(frozen=True)
class Body:
    """A complete response body and its media type (lower case, no parameters)."""

    data: bytes
    media_type: str


class _Retry(Exception):
    """Internal: a 429/503 answer that may be retried."""

    def __init__(self, error: RemoteError, retry_after: float | None) -> None:
        super().__init__(str(error))
        self.error = error
        self.retry_after = retry_after


def call_with_retries(url: str, policy: Policy, attempt: Callable[[float], T]) -> T:
    """Run ``attempt(seconds_allowed)``, retrying 429/503 within the policy's limits."""
    deadline = time.monotonic() + policy.deadline
    tries = policy.retries + 1
    for number in range(1, tries + 1):
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            raise RemoteError(
                url, "deadline", f"gave up: the deadline of {policy.deadline:g} s passed"
            )
        try:
            return attempt(min(policy.timeout, remaining))
        except _Retry as retry:
            wait = retry.retry_after
            if wait is None:
                wait = policy.backoff * 2 ** (number - 1)
            if number == tries:
                raise RemoteError(
                    url,
                    "http",
                    f"{retry.error.detail} (gave up after {tries} attempts)",
                    retry.error.status,
                ) from None
            if wait > policy.max_retry_after or time.monotonic() + wait >= deadline:
                raise RemoteError(
                    url,
                    "http",
                    f"{retry.error.detail}; it asks to retry after {wait:g} s, "
                    f"beyond the limits of this call",
                    retry.error.status,
                ) from None
            time.sleep(wait)
    raise AssertionError("unreachable")


def _timed_out(url: str, seconds: float, policy: Policy) -> RemoteError:
    if seconds < policy.timeout:
        return RemoteError(
            url, "deadline", f"gave up: the deadline of {policy.deadline:g} s passed"
        )
    return RemoteError(
        url, "timeout", f"no complete answer within {seconds:g} s (the server stalled)"
    )


def http_status_error(url: str, status: int, body: bytes, headers: Any) -> RemoteError | _Retry:
    """The error for an HTTP error status; a ``_Retry`` for 429 and 503."""
    excerpt = body[:300].decode("utf-8", "replace").strip()
    text = STATUS_TEXT.get(status, "unexpected status")
    detail = f"HTTP {status} {text}" + (f": {excerpt}" if excerpt else "")
    error = RemoteError(url, "http", detail, status)
    if status in RETRIED:
        return _Retry(error, retry_after_seconds(headers.get("Retry-After") if headers else None))
    return error


def retry_after_seconds(value: str | None) -> float | None:
    """Seconds to wait from a ``Retry-After`` header (delta-seconds or HTTP date)."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max(0.0, when.timestamp() - time.time())


def read_body(url: str, response: Any, until: float, policy: Policy, *, need_framing: bool) -> Body:
    """Read a whole response body before ``until`` (monotonic), or raise; never partial."""
    chunks: list[bytes] = []
    size = 0
    while True:
        remaining = until - time.monotonic()
        if remaining <= 0:
            raise RemoteError(url, "timeout", "the response body did not arrive in time")
        _set_read_timeout(response, remaining)
        try:
            chunk = response.read1(65536)
        except TimeoutError:
            raise RemoteError(
                url, "timeout", "the server stalled while sending its answer"
            ) from None
        except http.client.IncompleteRead as error:
            raise RemoteError(
                url,
                "truncated",
                f"the answer was cut short after {size + len(error.partial)} bytes",
            ) from None
        except (OSError, http.client.HTTPException) as error:
            raise RemoteError(url, "connection", f"the connection broke: {error}") from None
        if not chunk:
            break
        size += len(chunk)
        if size > policy.max_bytes:
            raise RemoteError(url, "malformed", f"the answer exceeds {policy.max_bytes} bytes")
        chunks.append(chunk)
    left = getattr(response, "length", None)
    if left:
        raise RemoteError(
            url,
            "truncated",
            f"the answer was cut short: {left} of {size + left} declared bytes missing",
        )
    framed = bool(getattr(response, "chunked", False)) or response.getheader("Content-Length")
    if need_framing and not framed:
        raise RemoteError(
            url,
            "malformed",
            "the server sent no Content-Length and no chunked framing, "
            "so a cut-short graph could not be detected",
        )
    media_type = (response.getheader("Content-Type") or "").split(";")[0].strip().lower()
    return Body(b"".join(chunks), media_type)


def _set_read_timeout(response: Any, seconds: float) -> None:
    """Bound the next socket read (http.client keeps the socket in ``fp.raw._sock``)."""
    sock = getattr(getattr(getattr(response, "fp", None), "raw", None), "_sock", None)
    if sock is not None:
        sock.settimeout(max(seconds, 0.001))


class SparqlClient:
    """SPARQL 1.1 Protocol queries (POST, URL-encoded) to one endpoint."""

    def __init__(self, endpoint: str, policy: Policy | None = None) -> None:
        check_http_url(endpoint)
        self.endpoint = endpoint
        self.policy = policy or Policy()

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
        body = self._request(query, form)
        if body.media_type not in GRAPH_TYPES:
            raise RemoteError(
                self.endpoint, "malformed", f"expected N-Triples or Turtle, got {body.media_type!r}"
            )
        return body

    def _json(self, query: str, form: str) -> dict[str, Any]:
        body = self._request(query, form)
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

    def _request(self, query: str, form: str) -> Body:
        return call_with_retries(
            self.endpoint, self.policy, lambda seconds: self._attempt(query, form, seconds)
        )

    def _attempt(self, query: str, form: str, seconds: float) -> Body:
        from SPARQLWrapper import JSON, POST, TURTLE, SPARQLWrapper
        from SPARQLWrapper.SPARQLExceptions import SPARQLWrapperException

        until = time.monotonic() + seconds
        wrapper = SPARQLWrapper(self.endpoint)
        wrapper.setMethod(POST)
        wrapper.setOnlyConneg(True)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)  # its query-type guess may warn
            wrapper.setQuery(query)
        # SPARQLWrapper guesses the form with an unanchored regex that can read "ASK" in
        # "tasks" (its comment stripping skips every other comment line); the caller knows.
        wrapper.queryType = form
        graph = form in ("CONSTRUCT", "DESCRIBE")
        wrapper.setReturnFormat(TURTLE if graph else JSON)
        if graph:
            wrapper.addCustomHttpHeader("Accept", GRAPH_ACCEPT)
        wrapper.timeout = seconds  # type: ignore[assignment] # setTimeout() would int() it
        try:
            response = wrapper.query().response
        except urllib.error.HTTPError as error:
            raise _http_error(self.endpoint, error) from None
        except SPARQLWrapperException as error:
            raise _wrapper_error(self.endpoint, error) from None
        except TimeoutError:
            raise _timed_out(self.endpoint, seconds, self.policy) from None
        except urllib.error.URLError as error:
            if isinstance(error.reason, (TimeoutError, socket.timeout)):
                raise _timed_out(self.endpoint, seconds, self.policy) from None
            raise RemoteError(
                self.endpoint, "connection", f"cannot connect: {error.reason}"
            ) from None
        except (OSError, http.client.HTTPException) as error:
            raise RemoteError(
                self.endpoint, "connection", f"the connection broke: {error}"
            ) from None
        try:
            return read_body(self.endpoint, response, until, self.policy, need_framing=graph)
        finally:
            response.close()


def _http_error(url: str, error: urllib.error.HTTPError) -> RemoteError | _Retry:
    try:
        body = error.read()
    except (OSError, http.client.HTTPException):
        body = b""
    return http_status_error(url, error.code, body, error.headers)


_WRAPPER_STATUS = {
    "QueryBadFormed": 400,
    "Unauthorized": 401,
    "EndPointNotFound": 404,
    "URITooLong": 414,
    "EndPointInternalError": 500,
}


def _wrapper_error(url: str, error: Exception) -> RemoteError | _Retry:
    """SPARQLWrapper turns 400/401/404/414/500 into its own exceptions; map them back."""
    status = _WRAPPER_STATUS.get(type(error).__name__)
    if status is None:
        return RemoteError(url, "malformed", str(error))
    text = str(error)
    marker = "Response:\n"
    excerpt = text.split(marker, 1)[1] if marker in text else ""
    if excerpt.startswith(("b'", 'b"')):
        excerpt = excerpt[2:-1]
    return http_status_error(url, status, excerpt.encode("utf-8", "replace"), None)


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
    check_http_url(url)
    policy = policy or Policy()
    query = "default" if graph is None else "graph=" + urllib.parse.quote(graph, safe="")
    target = url + ("&" if "?" in url else "?") + query

    def attempt(seconds: float) -> int:
        until = time.monotonic() + seconds
        request = urllib.request.Request(
            target,
            data=data,
            method="PUT" if replace else "POST",
            headers={"Content-Type": media_type},
        )
        try:
            response = urllib.request.urlopen(request, timeout=seconds)
        except urllib.error.HTTPError as error:
            raise _http_error(url, error) from None
        except TimeoutError:
            raise _timed_out(url, seconds, policy) from None
        except urllib.error.URLError as error:
            if isinstance(error.reason, (TimeoutError, socket.timeout)):
                raise _timed_out(url, seconds, policy) from None
            raise RemoteError(url, "connection", f"cannot connect: {error.reason}") from None
        except (OSError, http.client.HTTPException) as error:
            raise RemoteError(url, "connection", f"the connection broke: {error}") from None
        try:
            read_body(url, response, until, policy, need_framing=False)
            return int(response.status)
        finally:
            response.close()

    return call_with_retries(url, policy, attempt)
