"""What ``hngraph serve`` serves, prepared before the socket listens: options, pages, files, pool.

``prepare_service`` loads the data, renders the site graph with its release metadata, the charts
and the static files, and starts the query worker pool (``hngraph.server.pool``). The app
(``hngraph.server.app``) only reads the prepared ``Service``.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from hngraph.publish.pages import Pages, QueryEntry
from hngraph.publish.site import Prepared
from hngraph.server.limits import CLIENT_LIMIT, MAX_RESULT_BYTES, PREEMPT_AFTER
from hngraph.server.pool import QueryPool


@dataclass(frozen=True)
class ServeConfig:
    """Options of ``hngraph serve``."""

    data: Path
    host: str = "127.0.0.1"
    port: int = 0
    timeout: float = 10.0
    max_rows: int = 10_000
    max_bytes: int = MAX_RESULT_BYTES
    workers: int = 2
    memory_limit_mb: int = 2048
    client_limit: int = CLIENT_LIMIT
    preempt_after: float = PREEMPT_AFTER
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
    import pyoxigraph as ox

    from hngraph.publish.site import PublishConfig, catalogue_entries, site_for
    from hngraph.vocab import BASE

    site, prepared = site_for(config.data, PublishConfig(queries=config.queries))
    pages = Pages(site, static=False, endpoint=True, sparql_endpoint=BASE + "sparql")
    entries = catalogue_entries(config.queries, run_base="/sparql", html=True)
    files = release_files(pages, prepared, entries)
    quads = ox.serialize(site.all_quads(), format=ox.RdfFormat.N_QUADS)
    assert quads is not None  # no output given: the bytes are returned
    pool = QueryPool(
        quads,
        size=config.workers,
        timeout=config.timeout,
        memory_limit_mb=config.memory_limit_mb,
        preempt_after=config.preempt_after,
    )
    try:
        pool.start()
    except BaseException:
        pool.close()
        raise
    return Service(config, pages, files, entries, pool)


def release_files(
    pages: Pages, prepared: Prepared, entries: list[QueryEntry]
) -> dict[str, tuple[bytes, str]]:
    """The release paths the server answers (dumps, metadata, static files, tables, charts,
    catalogue, query editor), each as its bytes and media type."""
    from hngraph.publish.charts import CHARTS, render_charts
    from hngraph.publish.jsonld import context_bytes
    from hngraph.publish.metadata import dump_name
    from hngraph.publish.pages import static_files
    from hngraph.rdf.formats import FORMATS
    from hngraph.rdf.serialize import serialize_triples

    site = pages.site
    files: dict[str, tuple[bytes, str]] = {}
    dumps = prepared.dumps
    for key, data in dumps.items():
        files[dump_name(key)] = (data, FORMATS[key].content_type)
    files["context.jsonld"] = (context_bytes(site), "application/ld+json")
    files["void.ttl"] = (serialize_triples(site.metadata, "ttl"), "text/turtle; charset=utf-8")
    for name, data in [*static_files().items(), *prepared.tables.items()]:
        files[name] = (data, asset_type(name))
    for name, svg in render_charts(site).items():
        files[f"charts/{name}.svg"] = (svg, "image/svg+xml")
    for entry in entries:
        files[f"queries/{entry.name}.rq"] = (entry.text.encode(), "application/sparql-query")
    html = "text/html; charset=utf-8"
    files["index.html"] = (pages.index(CHARTS, dumps, prepared.tables).encode(), html)
    files["queries/index.html"] = (pages.queries(entries).encode(), html)
    files["editor/index.html"] = (pages.editor(entries, endpoint="/sparql").encode(), html)
    return files


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
