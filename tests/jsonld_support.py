"""JSON-LD read by pyld (an independent JSON-LD 1.1 processor), hermetically.

``to_triples`` expands a document and converts it to RDF with pyld (N-Quads, read back by
pyoxigraph). Its document loader answers the published context URL with the context given (from
a release's bytes, or fetched from a loopback ``serve``) and raises for every other URL, so no
test reaches a host outside loopback.
"""

from __future__ import annotations

import json
import urllib.request
from collections.abc import Callable
from typing import Any

import pyoxigraph as ox
from pyld import jsonld

from hngraph.rdf.jsonld import CONTEXT_URL

Loader = Callable[[str, Any], dict[str, Any]]


def loader_for(context: dict[str, Any], *, loopback: str | None = None) -> Loader:
    """A document loader: ``CONTEXT_URL`` → ``context``; URLs under ``loopback`` (a
    ``http://127.0.0.1:…/`` server) fetched from it; anything else refused."""

    def load(url: str, options: Any = None) -> dict[str, Any]:
        if url == CONTEXT_URL:
            document, content_type = context, "application/ld+json"
        elif loopback is not None and url.startswith(loopback):
            with urllib.request.urlopen(url, timeout=10) as response:  # loopback only
                document = json.loads(response.read())
                content_type = response.headers.get_content_type()
        else:
            raise jsonld.JsonLdError(
                f"refused to load {url}", "jsonld.LoadDocumentError", code="loading document failed"
            )
        return {
            "contentType": content_type,
            "contextUrl": None,
            "documentUrl": url,
            "document": document,
        }

    return load


def to_triples(document: Any, loader: Loader) -> set[ox.Triple]:
    """The triples pyld reads from a JSON-LD document (a parsed value or a URL)."""
    nquads = jsonld.to_rdf(document, {"format": "application/n-quads", "documentLoader": loader})
    return {
        ox.Triple(q.subject, q.predicate, q.object)
        for q in ox.parse(nquads.encode(), format=ox.RdfFormat.N_QUADS)
    }


def from_bytes(body: bytes, context: bytes) -> set[ox.Triple]:
    """The triples of a JSON-LD document whose context is named by URL, with the context file's
    bytes (``context.jsonld``) served for that URL."""
    return to_triples(json.loads(body), loader_for(json.loads(context)))
