"""What ``hngraph serve`` serves, prepared before the socket listens: options, pages, files, pool.

``prepare_service`` loads the data, attaches the release metadata (which needs the dumps and the
tables: it states their sizes and checksums), starts the query worker pool
(``hngraph.server.pool``) and returns once one worker answers. Everything else is made on first
request or by ``Service.warm`` in the background after the URL is announced (``ReleaseFiles``):
the charts, the catalogue pages, the home page, the A–Z and search pages. A start with a filled
cache (``hngraph.server.cache``, keyed by the content of every input) reads all of it instead,
so the second start of the same data and code only loads the site graph and one worker.
The app (``hngraph.server.app``) only reads the prepared ``Service``.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import asdict, dataclass
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
    cache: Path | None = None  # the serve cache folder (``hngraph.server.cache``); None: none


class Later:
    """A value made once, by whichever thread asks first; the others wait for it."""

    def __init__(self, make: Callable[[], Any]) -> None:
        self._make: Callable[[], Any] | None = make
        self._value: Any = None
        self._lock = threading.Lock()

    def get(self) -> Any:
        """The value (made now if no thread has made it yet)."""
        with self._lock:
            if self._make is not None:
                self._value = self._make()
                self._make = None
            return self._value


@dataclass
class Service:
    """What the app serves: pages, release files and the query pool."""

    config: ServeConfig
    later_pages: Later  # the ``Pages`` over the site graph (loaded after start from a cache)
    files: ReleaseFiles
    pool: QueryPool

    @property
    def pages(self) -> Pages:
        """The pages over the site graph (waits for it the first time)."""
        pages: Pages = self.later_pages.get()
        return pages

    @property
    def site(self) -> Any:
        """The site graph."""
        return self.pages.site

    @property
    def entries(self) -> list[QueryEntry]:
        """The catalogue's queries (made on first use)."""
        return self.files.entries()

    def ready(self) -> None:
        """Load the query guard's parser (while the workers load the data), then wait until one
        query worker can answer."""
        _load_guard()
        self.pool.wait(1)

    def warm(self) -> None:
        """Load the site graph and make every lazy release file now (and fill the cache): for a
        background thread."""
        self.later_pages.get()
        self.files.warm()

    def close(self) -> None:
        """Stop the query workers."""
        self.pool.close()


def prepare_service(config: ServeConfig, *, wait: bool = True) -> Service:
    """Load the data, attach the metadata, start the query workers; return once one answers
    (``wait=False``: at once; then call ``Service.ready`` before listening)."""
    import pyoxigraph as ox

    from hngraph.publish.graph import load_site_graph
    from hngraph.server import cache
    from hngraph.vocab import BASE

    key = entry = None
    if config.cache is not None:
        key = cache.cache_key(config.data, config.queries, [_labels_file()])
        entry = cache.load(config.cache, key)
    if entry is not None:
        try:
            quads, metadata = entry.quads(), entry.metadata()
        except OSError:
            entry = None
    if entry is not None:
        pool = _pool(config, quads)

        def load() -> Pages:
            site = load_site_graph(config.data)
            triples = ox.parse(metadata, format=ox.RdfFormat.N_TRIPLES)
            site.set_metadata(q.triple for q in triples)
            return Pages(site, static=False, endpoint=True, sparql_endpoint=BASE + "sparql")

        later, prepared = Later(load), None
    else:
        from hngraph.publish.site import PublishConfig, prepare

        site = load_site_graph(config.data)
        # the workers load the dataset while the dumps and tables (which the metadata describes)
        # are made; then the metadata graph
        data = _n_quads(site.dataset_quads())
        pool = _pool(config, data, rest=None)
        try:
            prepared = prepare(site, config.data.name, PublishConfig(queries=config.queries))
            metadata_quads = _n_quads(site.metadata_quads())
        except BaseException:
            pool.close()
            raise
        pool.complete(metadata_quads)
        quads = data + metadata_quads  # the cache entry's: one N-Quads document
        pages = Pages(site, static=False, endpoint=True, sparql_endpoint=BASE + "sparql")
        later = Later(lambda: pages)
    try:
        files = ReleaseFiles(later, config, prepared, entry)
        if entry is None and key is not None and config.cache is not None:
            files.on_complete(_writer(config.cache, key, quads))
        service = Service(config, later, files, pool)
        if wait:
            service.ready()
    except BaseException:
        pool.close()
        raise
    return service


def _n_quads(quads: list) -> bytes:
    import pyoxigraph as ox

    serialized = ox.serialize(quads, format=ox.RdfFormat.N_QUADS)
    assert serialized is not None  # no output given: the bytes are returned
    return serialized


def _pool(config: ServeConfig, quads: bytes, rest: bytes | None = b"") -> QueryPool:
    """The query pool, its workers starting (``QueryPool.wait`` waits for them); ``rest``: see
    ``QueryPool``."""
    pool = QueryPool(
        quads,
        rest=rest,
        size=config.workers,
        timeout=config.timeout,
        memory_limit_mb=config.memory_limit_mb,
        preempt_after=config.preempt_after,
    )
    try:
        pool.begin(1)
    except BaseException:
        pool.close()
        raise
    return pool


def _labels_file() -> Path:
    """The mapping target labels the pages show (an input of the cache key)."""
    from hngraph.project import project_root
    from hngraph.publish.targets import labels_file

    return labels_file(project_root())


def _load_guard() -> None:
    """Import the query guard's SPARQL parser now rather than on the first query."""
    from hngraph.sparql.text import check

    check("ASK {}")


def _writer(root: Path, key: str, quads: bytes) -> Callable[[ReleaseFiles], None]:
    """What stores a complete ``ReleaseFiles`` as the cache entry of ``key``."""
    from hngraph.server import cache

    def write(files: ReleaseFiles) -> None:
        import pyoxigraph as ox

        metadata = ox.serialize(files.pages.site.metadata, format=ox.RdfFormat.N_TRIPLES) or b""
        entries = [asdict(e) for e in files.entries()]
        cache.store(root, key, quads=quads, metadata=metadata, files=files.all(), entries=entries)

    return write


#: Which lazy group makes a release path (``ReleaseFiles``); other paths are made at start.
def group_of(name: str) -> str | None:
    """The lazy group of a release path, or None for a file made at start."""
    from hngraph.publish.metadata import MAPPINGS_FILE
    from hngraph.publish.site import NOT_FOUND_PAGE

    if name == "index.html":
        return "index"
    if name.startswith("charts/"):
        return "charts"
    if name.startswith("queries/") or name == "editor/index.html":
        return "catalogue"
    if name in ("az/index.html", "search/index.html", NOT_FOUND_PAGE):
        return "finding"
    if name == MAPPINGS_FILE:
        return "mappings"
    return None


GROUPS = ("index", "charts", "catalogue", "finding", "mappings")


class ReleaseFiles:
    """The release paths the server answers, each as its bytes and media type: made at start
    (dumps, tables, metadata, static files), read from a cache entry, or made once on first
    request (the groups of ``group_of``). Thread-safe: one lock guards the making."""

    def __init__(
        self,
        pages: Later,
        config: ServeConfig,
        prepared: Prepared | None,
        entry: Any = None,
    ) -> None:
        self.later_pages = pages
        self.config = config
        self.entry = entry
        self._prepared = prepared
        self._files: dict[str, tuple[bytes, str]] = {}
        self._entries: list[QueryEntry] | None = None
        self._made: set[str] = set()
        self._lock = threading.RLock()
        self._complete: Callable[[ReleaseFiles], None] | None = None
        if entry is not None:
            self._entries = [_entry(e) for e in entry.entries]
        else:
            assert prepared is not None
            self._files.update(start_files(self.pages, prepared))

    @property
    def pages(self) -> Pages:
        """The pages over the site graph."""
        pages: Pages = self.later_pages.get()
        return pages

    def on_complete(self, callback: Callable[[ReleaseFiles], None]) -> None:
        """Call ``callback(self)`` once every group has been made (``warm``)."""
        self._complete = callback

    def get(self, name: str, default: Any = None) -> tuple[bytes, str] | None:
        """A release file, or ``default`` when the server has none at that path."""
        found = self._files.get(name)
        if found is not None:
            return found
        if self.entry is not None:
            if name not in self.entry.media_types:
                return default  # the entry has every file: never make a group for a 404
            try:
                return self.entry.read(name), self.entry.media_types[name]
            except OSError:  # the entry went away: make the file after all
                with self._lock:
                    self.entry = None
        group = group_of(name)
        if group is None:
            if self.entry is None and self._prepared is None:
                self._start_files()
                return self._files.get(name, default)
            return default
        self._make(group)
        return self._files.get(name, default)

    def entries(self) -> list[QueryEntry]:
        """The catalogue's queries as the pages show them."""
        if self._entries is None:
            self._make("catalogue")
        assert self._entries is not None
        return self._entries

    def warm(self) -> None:
        """Make every group, then call the ``on_complete`` callback (once)."""
        if self.entry is not None:
            return
        for group in GROUPS:
            self._make(group)
        with self._lock:
            callback, self._complete = self._complete, None
        if callback is not None:
            callback(self)

    def all(self) -> dict[str, tuple[bytes, str]]:
        """Every release file (after ``warm``)."""
        return dict(self._files)

    def prepared(self) -> Prepared:
        """The dumps and tables (read back from the cache entry when they came from there)."""
        with self._lock:
            if self._prepared is None:
                self._start_files()
            assert self._prepared is not None
            return self._prepared

    def _start_files(self) -> None:
        """Make the start files again (lock held): the cache entry was lost."""
        from hngraph.publish.site import render_dumps
        from hngraph.publish.tables import render_tables

        site = self.pages.site
        with self._lock:
            if self._prepared is None:
                self._prepared = Prepared(
                    render_dumps(site, self.config.data.name), render_tables(site)
                )
                self._files.update(start_files(self.pages, self._prepared))

    def _make(self, group: str) -> None:
        with self._lock:
            if group in self._made:
                return
            self._files.update(self._group(group))
            self._made.add(group)

    def _group(self, group: str) -> dict[str, tuple[bytes, str]]:
        from hngraph.publish.charts import CHARTS, render_charts

        pages = self.pages
        html = "text/html; charset=utf-8"
        if group == "index":
            prepared = self.prepared()
            return {
                "index.html": (pages.index(CHARTS, prepared.dumps, prepared.tables).encode(), html)
            }
        if group == "charts":
            return {
                f"charts/{n}.svg": (svg, "image/svg+xml")
                for n, svg in render_charts(pages.site).items()
            }
        if group == "catalogue":
            from hngraph.publish.site import catalogue_entries

            entries = catalogue_entries(self.config.queries, run_base="/sparql", html=True)
            self._entries = entries
            files = {
                f"queries/{e.name}.rq": (e.text.encode(), "application/sparql-query")
                for e in entries
            }
            files["queries/index.html"] = (pages.queries(entries).encode(), html)
            files["editor/index.html"] = (pages.editor(entries, endpoint="/sparql").encode(), html)
            return files
        if group == "finding":
            from hngraph.publish.site import finding_pages

            return {path: (data, html) for path, data in finding_pages(pages).items()}
        from hngraph.publish.mappings import sssom_tsv
        from hngraph.publish.metadata import MAPPINGS_FILE

        tsv = "text/tab-separated-values; charset=utf-8"
        return {MAPPINGS_FILE: (sssom_tsv(pages.site), tsv)}


def _entry(data: dict[str, Any]) -> QueryEntry:
    return QueryEntry(**data)


def start_files(pages: Pages, prepared: Prepared) -> dict[str, tuple[bytes, str]]:
    """The release files made at start: the dumps, the tables, the JSON-LD context, the VoID
    file and the static files (everything the metadata describes, and what is cheap)."""
    from hngraph.publish.jsonld import context_bytes
    from hngraph.publish.metadata import dump_name
    from hngraph.publish.pages import static_files
    from hngraph.rdf.formats import FORMATS
    from hngraph.rdf.serialize import serialize_triples

    site = pages.site
    files: dict[str, tuple[bytes, str]] = {}
    for key, data in prepared.dumps.items():
        files[dump_name(key)] = (data, FORMATS[key].content_type)
    files["context.jsonld"] = (context_bytes(site), "application/ld+json")
    files["void.ttl"] = (serialize_triples(site.metadata, "ttl"), "text/turtle; charset=utf-8")
    for name, data in [*static_files().items(), *prepared.tables.items()]:
        files[name] = (data, asset_type(name))
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
