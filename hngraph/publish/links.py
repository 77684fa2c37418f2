"""Where a resource's page lives, and how one page links to another.

A resource IRI ``https://w3id.org/hngraph/id/x/y`` has the site path ``id/x/y``; the ontology IRI
``…/def/`` has ``def``. A static release stores the page at ``{path}/index.html`` (with
``index.ttl`` etc. beside it) and links relatively, so it works from any host or folder; the server
answers at ``/{path}`` and links from the root.
"""

from __future__ import annotations

import posixpath
import re
from urllib.parse import quote, urlsplit

from hngraph.rdf.formats import FORMATS
from hngraph.vocab import BASE

_PATH = re.compile(r"^(?:id|def)/[A-Za-z0-9._~-]+(?:/[A-Za-z0-9._~-]+)*$")


def site_path(value: str) -> str | None:
    """The site path of an IRI we publish a page for, else ``None``."""
    if not value.startswith(BASE):
        return None
    rest = value[len(BASE) :]
    if rest == "def/":
        return "def"
    if _PATH.match(rest) and not rest.endswith((".", "..")) and "/./" not in rest:
        if ".." in rest.split("/"):
            return None
        return rest
    return None


def iri_of(path: str) -> str:
    """The IRI whose site path is ``path`` (inverse of ``site_path``)."""
    return BASE + ("def/" if path == "def" else path)


def is_web_url(value: str) -> bool:
    """Whether ``value`` is an absolute http(s) URL: the only external links pages emit."""
    try:
        parts = urlsplit(value)
    except ValueError:
        return False
    return parts.scheme in {"http", "https"} and bool(parts.netloc)


class Linker:
    """Hrefs from one page: relative (static release) or root-relative (server)."""

    def __init__(self, *, static: bool, here: str = "") -> None:
        self.static = static
        self.here = here  # the current page's site path ("" for the index)

    def _relative(self, target: str) -> str:
        return posixpath.relpath(target, self.here or ".")

    def page(self, path: str) -> str:
        """Href of a page by site path; ``""`` is the index, ``def`` the ontology."""
        if self.static:
            return self._relative(f"{path}/index.html" if path else "index.html")
        if not path:
            return "/"
        return "/def/" if path == "def" else "/" + quote(path)

    def representation(self, path: str, key: str) -> str:
        """Href of a resource in RDF format ``key``."""
        if self.static:
            return self._relative(f"{path}/index{FORMATS[key].extension}")
        return f"{self.page(path)}?format={key}"

    def asset(self, name: str) -> str:
        """Href of a file of the release (``static/style.css``, ``charts/workload.svg``)."""
        return self._relative(name) if self.static else "/" + name

    def resource(self, value: str) -> str | None:
        """Href for an IRI: our page, the IRI itself when it is http(s), else ``None``."""
        path = site_path(value)
        if path is not None:
            return self.page(path)
        return value if is_web_url(value) else None
