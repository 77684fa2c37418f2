"""Resource pages by content negotiation (``/id/…``, ``/def/…``), the release files, and the
not-found page (HTML for browsers, one plain line for other clients)."""

from __future__ import annotations

import re
from typing import Any, NamedTuple

from hngraph.publish.pages import editor_policy
from hngraph.server.conneg import VARIANT_KEYS, VARIANTS, choose, negotiate
from hngraph.server.responses import CORS_HEADERS, SECURITY_HEADERS, text, variant_headers
from hngraph.vocab import BASE

RESOURCE_OFFERS = tuple(v.media_type for v in VARIANTS)
INDEX_SUFFIX = re.compile(r"^(.*)/index\.(html|ttl|nt|jsonld|rdf)$")
#: Release paths answered by another file than their own name.
FILE_ALIASES = {
    ".well-known/void": "void.ttl",
    "queries": "queries/index.html",
    "editor": "editor/index.html",
    "az": "az/index.html",
    "search": "search/index.html",
}
HTML = "text/html; charset=utf-8"
VARY = {"Vary": "Accept"}
#: The query editor (YASGUI) sends its queries with fetch() and injects one <style>: its page
#: alone may also connect to its own origin and use that style (``pages.editor_policy``).
EDITOR_CSP = editor_policy(dict(SECURITY_HEADERS)[b"content-security-policy"].decode())


class Target(NamedTuple):
    """The resource a request path names: its site path, IRI and a forced format (or None)."""

    path: str
    iri: str
    forced: str | None


def target(path: str, format_param: str | None) -> Target:
    """The resource of a URL path (without its leading ``/``); ``…/index.ttl`` forces Turtle."""
    forced = format_param
    suffix = INDEX_SUFFIX.match(path)
    if suffix:
        path, forced = suffix.group(1), suffix.group(2)
    if path in ("def", "def/"):
        return Target("def", BASE + "def/", forced)
    return Target(path, BASE + path, forced)


def representation(forced: str | None, accept: str | None) -> str | None:
    """The format key (``html``, ``json`` or a key of ``RESOURCE_FORMATS``) for a request, or
    ``None`` when the Accept header allows none of them (``conneg.negotiate``)."""
    chosen = negotiate(forced, accept)
    return chosen.key if chosen is not None else None


def release_path(path: str) -> str:
    """The release file a URL path (without its leading ``/``) answers with."""
    path = path.rstrip("/") if path.rstrip("/") in FILE_ALIASES else path
    return FILE_ALIASES.get(path, path)


class Resources:
    """The handlers of resource pages and release files over a prepared ``Service``."""

    def __init__(self, service: Any) -> None:
        self.service = service

    def missing(self, request: Any, message: str, headers: dict[str, str] | None = None) -> Any:
        """404: the not-found page for a client that takes HTML, else one line of text."""
        from starlette.responses import HTMLResponse

        if choose(request.headers.get("accept"), ("text/html", "text/plain")) != "text/html":
            return text(404, message, headers)
        page = self.service.pages.not_found(request.url.path)
        return HTMLResponse(page, status_code=404, headers=headers)

    async def not_found(self, request: Any, exc: Exception) -> Any:
        """The app's handler of paths no route matches."""
        return self.missing(request, "not found")

    def file(self, name: str, request: Any) -> Any:
        """One release file, or 404."""
        from starlette.responses import Response

        found = self.service.files.get(name)  # made on first request if lazy
        if found is None:
            return self.missing(request, "not found")
        data, media_type = found
        headers = dict(CORS_HEADERS)
        if name == "editor/index.html":
            headers["Content-Security-Policy"] = EDITOR_CSP
        return Response(data, media_type=media_type, headers=headers)

    async def index(self, request: Any) -> Any:
        """``/`` and ``/index.html``."""
        return self.file("index.html", request)

    async def release_file(self, request: Any) -> Any:
        """Dumps, metadata, charts, static files, the catalogue."""
        return self.file(release_path(request.url.path.lstrip("/")), request)

    async def resource(self, request: Any) -> Any:
        """One ``/id/…`` or ``/def/…`` resource, in the format asked for."""
        import pyoxigraph as ox
        from starlette.responses import HTMLResponse, Response

        from hngraph.publish.jsonld import resource_representation
        from hngraph.publish.links import site_path

        found = target(request.url.path.lstrip("/"), request.query_params.get("format"))
        site = self.service.site
        node = ox.NamedNode(found.iri) if site_path(found.iri) else None
        if node is None or not site.has(node):
            return self.missing(request, f"no resource {found.iri} in this dataset", VARY)
        if found.forced is not None and found.forced not in VARIANT_KEYS:
            return text(400, f"unknown format {found.forced!r}; use {', '.join(VARIANT_KEYS)}")
        chosen = negotiate(found.forced, request.headers.get("accept"))
        if chosen is None:
            return text(406, "acceptable: " + ", ".join(RESOURCE_OFFERS), VARY)
        headers = variant_headers(found.path, chosen, VARIANTS, request.url.path)
        if chosen.key == "html":
            pages = self.service.pages
            html = pages.ontology() if found.path == "def" else pages.resource(node, found.path)
            return HTMLResponse(html, headers=headers)
        body = resource_representation(site, node, chosen.file_key)
        return Response(body, media_type=chosen.content_type, headers={**headers, **CORS_HEADERS})
