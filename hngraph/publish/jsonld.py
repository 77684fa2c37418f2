"""The JSON-LD of a release: its context (``context.jsonld``) and each resource's document.

The context is derived once per site graph (dataset, ontology and release metadata) by
``hngraph.rdf.jsonld.derive_context`` and cached on the graph; every per-resource document is
compacted with it and names it by its published URL (``CONTEXT_URL``), so a resource's JSON-LD
reads as plain JSON (``"taskNumber": 7``, ``"label": {"zh": …, "en": …}``).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import pyoxigraph as ox

from hngraph.rdf.jsonld import CONTEXT_URL, Context, derive_context, document, dumps
from hngraph.rdf.serialize import serialize_triples

if TYPE_CHECKING:
    from hngraph.publish.graph import SiteGraph

_CACHE_KEY = "jsonld-context"


def site_context(site: SiteGraph) -> Context:
    """The release's context: terms for everything the site graph declares or uses."""
    cached = site.cache.get(_CACHE_KEY)
    if not isinstance(cached, Context):
        cached = derive_context([*site.dataset, *site.metadata])
        site.cache[_CACHE_KEY] = cached
    return cached


def context_bytes(site: SiteGraph) -> bytes:
    """``context.jsonld``: the context document, keys sorted, ending in a newline."""
    return (dumps(site_context(site).document()) + "\n").encode()


def resource_jsonld(site: SiteGraph, node: ox.NamedNode) -> bytes:
    """A resource's JSON-LD: its triples compacted with the site context, which it names by URL;
    the resource's own node first."""
    body = document(
        site.resource_triples(node), site_context(site), reference=CONTEXT_URL, main=node
    )
    return (dumps(body) + "\n").encode()


def resource_representation(site: SiteGraph, node: ox.NamedNode, key: str) -> bytes:
    """A resource in format ``key`` (a key of ``RESOURCE_FORMATS``), as published and served."""
    if key == "jsonld":
        return resource_jsonld(site, node)
    return serialize_triples(site.resource_triples(node), key)
