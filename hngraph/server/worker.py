"""A query worker process: ``python -m hngraph.server.worker --fds R W``.

Started by ``hngraph.server.pool`` as a fresh interpreter (never a fork, never a re-import of the
caller's ``__main__``). The first two messages on file descriptor R are the data as N-Quads bytes
(the second may be empty), each loaded into an in-memory pyoxigraph store as it comes; then it
answers ``QueryRequest`` objects read from R with ``QueryReply`` objects written to W, until R is
closed (so it ends with the server, however the server ends). Optional ``--memory-limit MB`` caps
its address space.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from multiprocessing.connection import Connection


def main(argv: Sequence[str] | None = None) -> int:
    """Run the worker loop."""
    parser = argparse.ArgumentParser(prog="python -m hngraph.server.worker")
    parser.add_argument("--fds", type=int, nargs=2, required=True, metavar=("READ", "WRITE"))
    parser.add_argument("--memory-limit", type=int, default=0, metavar="MB")
    args = parser.parse_args(argv)
    if args.memory_limit > 0:
        import resource

        limit = args.memory_limit * 1024 * 1024
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    import pyoxigraph as ox

    from hngraph.server.protocol import error_reply, execute, refusal

    reader = Connection(args.fds[0], writable=False)
    writer = Connection(args.fds[1], readable=False)
    store = ox.Store()
    for _ in range(2):  # the data, then the rest (the server may still be making it)
        try:
            data = reader.recv_bytes()
        except (EOFError, OSError):
            return 1
        if data:
            store.bulk_load(data, format=ox.RdfFormat.N_QUADS)
        del data
    refusal("ASK {}")  # load the second guard's parser before the first request
    writer.send("ready")
    while True:
        try:
            request = reader.recv()
        except (EOFError, OSError):
            return 0
        try:
            reply = execute(store, request)
        except MemoryError:
            reply = error_reply(503, "the query needed more memory than this endpoint allows")
        except Exception as error:  # report, never crash silently
            reply = error_reply(500, f"query failed: {type(error).__name__}: {error}")
        writer.send(reply)


if __name__ == "__main__":
    sys.exit(main())
