"""A pool of query worker processes that can be abandoned: a query past its time is killed.

pyoxigraph cannot cancel a running query, and a thread cannot be stopped, so each query runs in a
worker process (``hngraph.server.worker``, a fresh interpreter) holding its own in-memory copy of
the data. On timeout the worker is killed (SIGKILL) and a new one is started in the background; the
other workers keep answering. Each worker may get an address-space limit, so one query cannot take
the machine's memory.

The pool is synchronous and thread-safe: the server calls ``run`` from its thread pool.
"""

from __future__ import annotations

import contextlib
import os
import queue
import subprocess
import sys
import threading
import time
from dataclasses import dataclass
from multiprocessing.connection import Connection

from hngraph.server.protocol import QueryReply, QueryRequest

STARTUP_TIMEOUT = 60.0


class PoolError(Exception):
    """A query could not be answered by the pool (see the subclasses)."""


class QueryTimeout(PoolError):
    """The query ran past the time limit and its worker was killed."""


class PoolBusy(PoolError):
    """No worker became free within the time limit."""


class WorkerFailed(PoolError):
    """The worker died while running the query (e.g. it hit its memory limit)."""


@dataclass(eq=False)
class _Worker:
    process: subprocess.Popen
    send: Connection
    receive: Connection

    def kill(self) -> None:
        if self.process.poll() is None:
            self.process.kill()
        with contextlib.suppress(subprocess.TimeoutExpired):
            self.process.wait(5)
        self.send.close()
        self.receive.close()


class QueryPool:
    """``size`` worker processes, each loading ``data`` (N-Quads bytes) into its own store."""

    def __init__(
        self, data: bytes, *, size: int = 2, timeout: float = 10.0, memory_limit_mb: int = 2048
    ) -> None:
        self.data = data
        self.size = size
        self.timeout = timeout
        self.memory_limit_mb = memory_limit_mb
        self._idle: queue.Queue[_Worker] = queue.Queue()
        self._all: set[_Worker] = set()
        self._lock = threading.Lock()
        self._closed = False

    def start(self) -> None:
        """Start every worker and wait until each has loaded the data."""
        workers = [self._launch() for _ in range(self.size)]
        for worker in workers:
            self._await_ready(worker)
            self._idle.put(worker)

    def _launch(self) -> _Worker:
        to_child_read, to_child_write = os.pipe()
        from_child_read, from_child_write = os.pipe()
        command = [
            sys.executable,
            "-m",
            "hngraph.server.worker",
            "--fds",
            str(to_child_read),
            str(from_child_write),
            "--memory-limit",
            str(self.memory_limit_mb),
        ]
        try:
            process = subprocess.Popen(
                command,
                pass_fds=(to_child_read, from_child_write),
                stdin=subprocess.DEVNULL,
                stdout=subprocess.DEVNULL,
            )
        finally:
            os.close(to_child_read)
            os.close(from_child_write)
        worker = _Worker(
            process,
            Connection(to_child_write, readable=False),
            Connection(from_child_read, writable=False),
        )
        with self._lock:
            self._all.add(worker)
        try:
            worker.send.send_bytes(self.data)
        except OSError:
            self._discard(worker)
            raise PoolError("a query worker stopped before it could load the data") from None
        return worker

    def _await_ready(self, worker: _Worker) -> None:
        try:
            ready = worker.receive.poll(STARTUP_TIMEOUT) and worker.receive.recv() == "ready"
        except (EOFError, OSError):
            ready = False
        if not ready:
            self._discard(worker)
            raise PoolError("a query worker did not start (could it load the data?)")

    def _discard(self, worker: _Worker) -> None:
        worker.kill()
        with self._lock:
            self._all.discard(worker)

    def _replace(self) -> None:
        """Start a worker in the background to take the place of a killed one."""

        def start() -> None:
            try:
                worker = self._launch()
                self._await_ready(worker)
            except (PoolError, OSError):
                return
            if self._closed:
                self._discard(worker)
            else:
                self._idle.put(worker)

        threading.Thread(target=start, name="hngraph-worker-start", daemon=True).start()

    def run(self, request: QueryRequest) -> QueryReply:
        """Run one query; raise ``QueryTimeout``, ``PoolBusy`` or ``WorkerFailed``."""
        started = time.monotonic()
        try:
            worker = self._idle.get(timeout=self.timeout)
        except queue.Empty:
            raise PoolBusy(f"every query worker stayed busy for {self.timeout:g} s") from None
        remaining = max(self.timeout - (time.monotonic() - started), 0.05)
        try:
            worker.send.send(request)
            reply = worker.receive.recv() if worker.receive.poll(remaining) else None
        except (EOFError, OSError):
            self._discard(worker)
            self._replace()
            raise WorkerFailed(
                "the query worker stopped while running the query; most likely the query needed "
                f"more than the memory limit of {self.memory_limit_mb} MiB"
            ) from None
        if reply is None:
            self._discard(worker)
            self._replace()
            raise QueryTimeout(f"the query ran longer than {self.timeout:g} s and was cancelled")
        self._idle.put(worker)
        return reply

    def close(self) -> None:
        """Kill every worker."""
        self._closed = True
        with self._lock:
            workers = list(self._all)
            self._all.clear()
        for worker in workers:
            worker.kill()
