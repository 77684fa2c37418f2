"""Response building blocks shared by the routes: plain-text answers, CORS, security headers and
the headers of a negotiated representation."""

from __future__ import annotations

import posixpath
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from hngraph.server.conneg import Variant

#: Sent with every data and ``/sparql`` response: the data is open and read-only, so any origin
#: may read it; the limits and ``Retry-After`` are exposed to scripts on other origins.
CORS_HEADERS = {
    "Access-Control-Allow-Origin": "*",
    "Access-Control-Expose-Headers": (
        "X-Hngraph-Max-Rows, X-Hngraph-Max-Bytes, X-Hngraph-Timeout, X-Hngraph-Result-Rows, "
        "X-Hngraph-Client-Limit, Retry-After"
    ),
}
#: The answer to a CORS preflight (``OPTIONS /sparql``): what a cross-origin request may use.
PREFLIGHT_HEADERS = {
    **CORS_HEADERS,
    "Access-Control-Allow-Methods": "GET, POST, OPTIONS",
    "Access-Control-Allow-Headers": "Accept, Content-Type",
    "Access-Control-Max-Age": "86400",
    "Allow": "GET, POST, OPTIONS",
}
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


#: The link relation that names the context of a plain-JSON document (JSON-LD 1.1, "Interpreting
#: JSON as JSON-LD").
JSONLD_CONTEXT_REL = "http://www.w3.org/ns/json-ld#context"


def variant_headers(
    path: str, chosen: Variant, offered: tuple[Variant, ...], request_path: str
) -> dict[str, str]:
    """The headers of a negotiated answer for the resource at site path ``path``, asked for at URL
    path ``request_path``: ``Vary``, ``Content-Location`` (the release file that holds the same
    bytes) and ``Link``. References are relative to the request, as the pages' links are, so they
    hold behind a proxy that serves the site from a sub-folder.

    ``Link`` holds one ``rel="alternate"``: to the JSON-LD (how a JSON-LD 1.1 client finds it from
    an HTML or other answer: "Alternate Document Location") or, from the JSON-LD, to the Turtle.
    Plain JSON also gets the context link ("Interpreting JSON as JSON-LD"), which a JSON-LD
    processor applies to ``application/json`` only. The page's HTML ``<link>`` elements list every
    format; the header holds one alternate because pyld 3.3's HTTP loader fails on several.
    """
    from hngraph.rdf.jsonld import CONTEXT_URL

    def relative(name: str) -> str:
        return posixpath.relpath(f"/{path}/{name}", posixpath.dirname(request_path) or "/")

    json_ld = next(v for v in offered if v.key == "jsonld")
    turtle = next(v for v in offered if v.key == "ttl")
    other = turtle if chosen.file_key == "jsonld" else json_ld
    links = [f'<{relative(other.file_name)}>; rel="alternate"; type="{other.media_type}"']
    if chosen.media_type == "application/json":
        links.append(f'<{CONTEXT_URL}>; rel="{JSONLD_CONTEXT_REL}"; type="application/ld+json"')
    return {
        "Vary": "Accept",
        "Content-Location": relative(chosen.file_name),
        "Link": ", ".join(links),
    }


def text(status: int, message: str, headers: dict[str, str] | None = None) -> Any:
    """A plain-text response of one message line."""
    from starlette.responses import PlainTextResponse

    return PlainTextResponse(message.rstrip("\n") + "\n", status_code=status, headers=headers)


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
