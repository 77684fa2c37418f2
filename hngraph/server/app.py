"""``hngraph serve``: resource pages with content negotiation and a read-only SPARQL endpoint.

Built on Starlette (ASGI) and run by uvicorn. ``run_server`` takes a socket that is already
bound (``hngraph.server.listen``), prepares what ``/sparql`` needs (``hngraph.server.service``:
the data with its release metadata, or both from the start cache, and the query worker pool),
loads uvicorn and the query guard while the first worker loads the data, and listens and
announces its URL once that worker can answer.

After the URL is announced a background thread loads the site graph (when it came from the
cache), makes the pages that are made lazily (``Service.warm``) and fills the cache, so the first
visitor rarely waits for them.

The parts, each testable on its own: ``resources`` (pages, conneg, release files), ``endpoint``
(``/sparql``: protocol, limits, CORS), ``results`` (the HTML result table), ``responses``
(headers), ``limits`` (sizes, per-client limit), ``pool`` and ``worker`` (queries in killable
processes), ``protocol`` (evaluation in the worker: second guard, caps, formats).

Read-only by construction: the workers hold in-memory copies of the data and no route writes.
Updates and Graph Store writes are answered 403 (on ``/sparql``) or 405 (other paths); a query
with SERVICE, FROM or FROM NAMED is refused with 400 before any worker sees it.
"""

from __future__ import annotations

import signal
import socket
import threading
import time
from collections.abc import Callable
from typing import Any

from hngraph.server.endpoint import SparqlEndpoint
from hngraph.server.limits import MAX_HEAD_BYTES
from hngraph.server.listen import listen, url_of
from hngraph.server.protocol import GRAPH_FORMATS, RESULT_FORMATS
from hngraph.server.resources import Resources
from hngraph.server.responses import SecurityHeaders
from hngraph.server.service import ServeConfig, Service, prepare_service

#: Seconds after the URL before the lazy pages are made in the background: the first requests
#: then have the 2 cores to themselves (measured: the first /sparql answer came 217 ms after the
#: URL with the pages made at once, 63 ms without); a page asked for earlier is made for it.
WARM_DELAY = 1.0


def routes(service: Service) -> list[Any]:
    """The routes of the app: pages and resources, release files, ``/sparql``."""
    from starlette.routing import Route

    pages = Resources(service)
    sparql = SparqlEndpoint(service)
    files = pages.release_file
    return [
        Route("/", pages.index, methods=["GET"]),
        Route("/index.html", pages.index, methods=["GET"]),
        Route("/sparql", sparql.handle, methods=["GET", "POST"]),
        Route("/sparql", sparql.preflight, methods=["OPTIONS"]),
        Route("/def", pages.resource, methods=["GET"]),
        Route("/def/", pages.resource, methods=["GET"]),
        Route("/def/{path:path}", pages.resource, methods=["GET"]),
        Route("/id/{path:path}", pages.resource, methods=["GET"]),
        Route("/queries", files, methods=["GET"]),
        Route("/queries/{path:path}", files, methods=["GET"]),
        Route("/dataset/{path:path}", files, methods=["GET"]),
        Route("/charts/{path:path}", files, methods=["GET"]),
        Route("/static/{path:path}", files, methods=["GET"]),
        Route("/tables/{path:path}", files, methods=["GET"]),
        Route("/editor", files, methods=["GET"]),
        Route("/editor/{path:path}", files, methods=["GET"]),
        Route("/void.ttl", files, methods=["GET"]),
        Route("/context.jsonld", files, methods=["GET"]),
        Route("/.well-known/void", files, methods=["GET"]),
        Route("/mappings/{path:path}", files, methods=["GET"]),
        Route("/az", files, methods=["GET"]),
        Route("/az/{path:path}", files, methods=["GET"]),
        Route("/search", files, methods=["GET"]),
        Route("/search/{path:path}", files, methods=["GET"]),
        Route("/404.html", files, methods=["GET"]),
    ]


def create_app(service: Service) -> Any:
    """The Starlette application over a prepared ``Service``."""
    from starlette.applications import Starlette
    from starlette.middleware import Middleware

    return Starlette(
        routes=routes(service),
        middleware=[Middleware(SecurityHeaders)],
        exception_handlers={404: Resources(service).not_found},
    )


def uvicorn_server(app: Any) -> Any:
    """The uvicorn server for ``app`` (sockets are given to its ``run``)."""
    import uvicorn

    return uvicorn.Server(
        uvicorn.Config(
            app,
            log_level="warning",
            access_log=False,
            lifespan="off",
            timeout_graceful_shutdown=2,
            h11_max_incomplete_event_size=MAX_HEAD_BYTES,
        )
    )


def preload(server: Any) -> None:
    """Load uvicorn's configuration and what the first ``/sparql`` request imports, so that the
    first answer after the URL is announced is not slowed by imports."""
    import anyio.to_thread  # noqa: F401  (run_in_threadpool)
    import starlette.concurrency
    import starlette.responses  # noqa: F401

    if not server.config.loaded:
        server.config.load()


def _warm_later(service: Service) -> None:
    """Make the lazy pages and the cache entry, ``WARM_DELAY`` after the URL."""
    time.sleep(WARM_DELAY)
    service.warm()


class _Stop(Exception):
    """SIGINT or SIGTERM: stop serving and clean up."""


def _stop(signum: int, frame: object) -> None:
    raise _Stop


def run_server(config: ServeConfig, sock: socket.socket, announce: Callable[[str], None]) -> None:
    """Prepare, listen on ``sock`` (bound), announce the URL, and serve until SIGINT or SIGTERM,
    then stop the workers.

    uvicorn handles both signals while it serves and re-raises them when it has shut down; the
    handlers installed here turn that into a normal return, so the workers are always stopped.
    """
    previous = {sig: signal.signal(sig, _stop) for sig in (signal.SIGINT, signal.SIGTERM)}
    service: Service | None = None
    try:
        service = prepare_service(config, wait=False)  # the workers are loading the data
        server = uvicorn_server(create_app(service))
        preload(server)
        service.ready()
        listen(sock)
        announce(url_of(sock))
        warming = threading.Thread(
            target=_warm_later, args=(service,), name="hngraph-warm", daemon=True
        )
        warming.start()  # the lazy pages, then the cache entry
        server.run(sockets=[sock])
    except _Stop:
        pass
    finally:
        sock.close()
        for sig, handler in previous.items():
            signal.signal(sig, handler)
        if service is not None:
            service.close()


__all__ = ["GRAPH_FORMATS", "RESULT_FORMATS", "ServeConfig", "create_app", "routes", "run_server"]
