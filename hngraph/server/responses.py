"""Response building blocks shared by the routes: plain-text answers, CORS and security headers."""

from __future__ import annotations

from typing import Any

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
