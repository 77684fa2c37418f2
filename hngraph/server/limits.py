"""Limits of ``/sparql``: sizes checked before any parsing, in-flight queries per client, caps.

Sizes: a query text of more than ``MAX_QUERY_BYTES`` is refused with 413; a GET whose query
string is longer than ``MAX_URL_BYTES`` with 414 (before its parameters are decoded); a POST body
longer than ``MAX_BODY_BYTES`` with 413 (before it is read whole). uvicorn reads request heads of
up to ``MAX_HEAD_BYTES``, so a 1 MB GET reaches the app and gets its 414 instead of a reset.

``ClientLimiter`` counts the ``/sparql`` queries each client has in flight (checking, waiting or
running); one more than the limit is answered 429 with ``Retry-After``. The client is the peer
address, or, for requests from a proxy on 127.0.0.1, the address it names in
``X-Forwarded-For`` (uvicorn's ``forwarded_allow_ips`` default).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

MAX_QUERY_BYTES = 100_000
MAX_URL_BYTES = 4 * MAX_QUERY_BYTES  # percent-encoding may triple a query's length
MAX_BODY_BYTES = 4 * MAX_QUERY_BYTES
MAX_HEAD_BYTES = 2 * 1024 * 1024
RETRY_AFTER = 1  # seconds, for 429 and for a full queue
#: Default of ``--client-limit``: /sparql queries one client may have in flight.
CLIENT_LIMIT = 5
#: Default of ``--max-bytes``: the largest result body, besides the row cap.
MAX_RESULT_BYTES = 16 * 1024 * 1024
#: Seconds every worker must have run its query before the oldest is preempted (``pool``).
PREEMPT_AFTER = 0.5


class ClientLimiter:
    """At most ``limit`` requests in flight per client; used from the event loop only."""

    def __init__(self, limit: int) -> None:
        self.limit = limit
        self._active: dict[str, int] = {}

    def active(self, client: str) -> int:
        """How many requests ``client`` has in flight."""
        return self._active.get(client, 0)

    @contextmanager
    def slot(self, client: str) -> Iterator[bool]:
        """Yield whether ``client`` may go on (True) or is over its limit (False)."""
        if self.active(client) >= self.limit:
            yield False
            return
        self._active[client] = self.active(client) + 1
        try:
            yield True
        finally:
            left = self._active[client] - 1
            if left:
                self._active[client] = left
            else:
                del self._active[client]
