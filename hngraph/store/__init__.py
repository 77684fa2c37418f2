"""One small query interface over three backends.

- ``EmbeddedStore`` (default): pyoxigraph in memory, loaded from ``data/dataset/hngraph.ttl``;
- ``RdflibStore``: rdflib's engine, the reference the others are compared with;
- ``RemoteStore``: any SPARQL 1.1 endpoint (via SPARQLWrapper and ``hngraph.store.http``).

All return plain terms (``hngraph.store.terms``) normalised so that one query gives equal
results on each. Backends are imported lazily: importing this package loads none of
pyoxigraph, rdflib or SPARQLWrapper.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from hngraph.rdf.terms import IRI, BlankNode, Literal, Term, Triple, literal
from hngraph.sparql.text import QueryTextError
from hngraph.store.base import Bindings, Result, Store, StoreError

if TYPE_CHECKING:
    from hngraph.store.http import Policy

BACKENDS = ("embedded", "rdflib")

__all__ = [
    "BACKENDS",
    "IRI",
    "Bindings",
    "BlankNode",
    "Literal",
    "QueryTextError",
    "Result",
    "Store",
    "StoreError",
    "Term",
    "Triple",
    "literal",
    "open_store",
]


def open_store(
    *,
    endpoint: str | None = None,
    data: Sequence[Path] | None = None,
    backend: str = "embedded",
    root: Path | None = None,
    policy: Policy | None = None,
) -> Store:
    """A store over ``endpoint`` if given, else over ``data`` files (default: the built dataset)."""
    if endpoint is not None:
        from hngraph.store.remote import RemoteStore

        return RemoteStore(endpoint, policy)
    if not data:
        from hngraph.project import dataset_file, project_root

        data = [dataset_file(root or project_root())]
    if backend == "embedded":
        from hngraph.store.embedded import EmbeddedStore

        return EmbeddedStore(data)
    if backend == "rdflib":
        from hngraph.store.reference import RdflibStore

        return RdflibStore(data)
    raise StoreError(f"unknown backend {backend!r} (choose from {', '.join(BACKENDS)})")
