"""A pool of query worker processes that can be abandoned: a query past its time is killed.

pyoxigraph cannot cancel a running query, and a thread cannot be stopped, so each query runs in a
worker process (``hngraph.server.worker``, a fresh interpreter) holding its own in-memory copy of
the data. On timeout the worker is killed (SIGKILL); each worker may get an address-space limit,
so one query cannot take the machine's memory.

Fair under load, so slow queries cannot make every other query wait:

- ``spare`` workers are started beside the ``size`` that answer queries. When a worker is killed
  (timeout, death or preemption) a spare takes its place at once and a new spare starts in the
  background, so the endpoint never waits for a worker to load the data.
- **Preemption**: when a query finds every worker busy, and each of them has run its query for
  at least ``preempt_after`` seconds, the oldest running query is cancelled (its client gets
  ``QueryCancelled``, HTTP 503 with ``Retry-After``) and the new query runs on a spare. Slow
  queries thus hold at most every slot but the newest; a small query waits at most
  ``preempt_after`` for a slot while slow ones run.
- **A bounded queue**: at most ``queue_limit`` queries wait for a worker; more are refused at
  once (``PoolBusy``) instead of piling up until their time runs out.

The pool is synchronous and thread-safe: the server calls ``run`` from its thread pool.
"""

from __future__ import annotations

import contextlib
import os
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from multiprocessing.connection import Connection

from hngraph.server.protocol import QueryReply, QueryRequest

STARTUP_TIMEOUT = 60.0


class PoolError(Exception):
    """A query could not be answered by the pool (see the subclasses)."""


class QueryTimeout(PoolError):
    """The query ran past the time limit and its worker was killed."""


class QueryCancelled(PoolError):
    """The query was the oldest running one when a newer query needed its slot."""


class PoolBusy(PoolError):
    """No worker became free within the time limit, or the queue of waiting queries is full."""


class WorkerFailed(PoolError):
    """The worker died while running the query (e.g. it hit its memory limit)."""


@dataclass(eq=False)
class _Worker:
    process: subprocess.Popen
    send: Connection
    receive: Connection
    started: float = 0.0  # when its current query started (monotonic)
    cancelled: bool = field(default=False)
    closed: bool = field(default=False)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def kill(self) -> None:
        """Kill the process and close its pipes, once (the pool's ``close`` and a thread still
        starting the worker may both ask)."""
        if self.process.poll() is None:
            self.process.kill()
        with contextlib.suppress(subprocess.TimeoutExpired):
            self.process.wait(5)
        with self.lock:
            if self.closed:
                return
            self.closed = True
        self.send.close()
        self.receive.close()


class QueryPool:
    """``size`` worker processes (plus ``spare``), each loading ``data`` (N-Quads bytes), then
    ``rest`` (more N-Quads; ``None``: given later by ``complete``, so that the workers start
    loading ``data`` while the caller still makes the rest)."""

    def __init__(
        self,
        data: bytes,
        *,
        rest: bytes | None = b"",
        size: int = 2,
        timeout: float = 10.0,
        memory_limit_mb: int = 2048,
        spare: int = 1,
        preempt_after: float = 0.5,
        queue_limit: int = 16,
    ) -> None:
        self.data = data
        self._rest = rest
        self._rest_given = threading.Event()
        if rest is not None:
            self._rest_given.set()
        self.size = size
        self.timeout = timeout
        self.memory_limit_mb = memory_limit_mb
        self.spare = spare
        self.preempt_after = preempt_after
        self.queue_limit = queue_limit
        self._idle: list[_Worker] = []
        self._busy: set[_Worker] = set()
        self._spares: list[_Worker] = []
        self._starting = 0
        self._failed = 0  # workers that did not start
        self._waiting = 0
        self._all: set[_Worker] = set()
        self._cond = threading.Condition()
        self._closed = False

    def complete(self, rest: bytes) -> None:
        """Give the rest of the data (a pool made with ``rest=None``): the workers load it after
        ``data`` and only then report ready."""
        self._rest = rest
        self._rest_given.set()

    def start(self) -> None:
        """Start every worker and spare and wait until each has loaded the data."""
        self.begin()
        self.wait()

    def begin(self, first: int | None = None) -> None:
        """Start ``first`` workers (default: every worker and spare) without waiting; ``wait``
        starts the rest once they are ready, so that they do not slow the first ones down."""
        total = self.size + self.spare
        wanted = total if first is None else max(1, min(first, total))
        with self._cond:
            self._starting += wanted
        for _ in range(wanted):  # each its own thread: sending the data waits for the child
            starter = threading.Thread(target=self._start_one, name="hngraph-worker-start")
            starter.daemon = True
            starter.start()

    def wait(self, ready: int | None = None) -> None:
        """Return when ``ready`` workers (default: all, spares included) have loaded the data;
        then start the missing ones in the background. ``PoolError`` if so many workers fail
        to start that ``ready`` cannot be reached, or after ``STARTUP_TIMEOUT``."""
        total = self.size + self.spare
        wanted = total if ready is None else max(1, min(ready, total))
        deadline = time.monotonic() + STARTUP_TIMEOUT
        with self._cond:
            while len(self._idle) + len(self._spares) < wanted:
                now = time.monotonic()
                if self._failed or now >= deadline:
                    raise PoolError("a query worker did not start (could it load the data?)")
                if len(self._idle) + len(self._spares) + self._starting < wanted:
                    self._top_up()  # begin() started fewer than asked for here
                self._cond.wait(deadline - now)
            self._top_up()

    def _launch(self) -> _Worker:
        """A new worker process, sent the data (which waits until the child reads it)."""
        return self._feed(self._spawn())

    def _spawn(self) -> _Worker:
        """A new worker process, not yet sent the data."""
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
        with self._cond:
            self._all.add(worker)
        return worker

    def _feed(self, worker: _Worker) -> _Worker:
        """Send the data to a spawned worker: ``data``, then the rest once it is given."""
        try:
            worker.send.send_bytes(self.data)
            if not self._rest_given.wait(STARTUP_TIMEOUT) or self._rest is None:
                raise ValueError("the rest of the data never came")  # or the pool closed
            worker.send.send_bytes(self._rest)
        except (OSError, TypeError, ValueError):  # TypeError: the pool closed its pipe meanwhile
            self._discard(worker)
            raise PoolError("a query worker stopped before it could load the data") from None
        return worker

    def _await_ready(self, worker: _Worker) -> None:
        try:
            ready = worker.receive.poll(STARTUP_TIMEOUT) and worker.receive.recv() == "ready"
        except (EOFError, OSError, TypeError, ValueError):  # or the pool closed it meanwhile
            ready = False
        if not ready:
            self._discard(worker)
            raise PoolError("a query worker did not start (could it load the data?)")

    def _discard(self, worker: _Worker) -> None:
        worker.kill()
        with self._cond:
            self._all.discard(worker)

    def _top_up(self) -> None:
        """Start workers in the background until the slots and spares are full (lock held)."""
        if self._closed:
            return
        missing = self.size + self.spare
        missing -= len(self._idle) + len(self._busy) + len(self._spares) + self._starting
        for _ in range(max(missing, 0)):
            try:  # the process now (it exists when this returns), the data in the background
                spawned: _Worker | None = self._spawn()
            except OSError:
                spawned = None
            self._starting += 1
            starter = threading.Thread(
                target=self._start_one, args=(spawned,), name="hngraph-worker-start"
            )
            starter.daemon = True
            starter.start()

    def _start_one(self, spawned: _Worker | None = None) -> None:
        worker: _Worker | None
        try:
            worker = self._feed(spawned) if spawned is not None else self._launch()
            self._await_ready(worker)
        except (PoolError, OSError):
            worker = None
        with self._cond:
            self._starting -= 1
            self._failed += worker is None
            if worker is not None and not self._closed:
                if len(self._idle) + len(self._busy) < self.size:
                    self._idle.append(worker)
                else:
                    self._spares.append(worker)
                worker = None
            self._cond.notify_all()
        if worker is not None:
            self._discard(worker)

    def _lost(self, worker: _Worker) -> None:
        """``worker`` left its slot: a spare takes the slot, and replacements start (lock held)."""
        self._busy.discard(worker)
        if self._spares and len(self._idle) + len(self._busy) < self.size:
            self._idle.append(self._spares.pop())
        self._top_up()
        self._cond.notify_all()

    def _acquire(self) -> _Worker:
        """An idle worker, or a spare after preempting the oldest query (lock held)."""
        deadline = time.monotonic() + self.timeout
        if not self._idle and self._waiting >= self.queue_limit:
            raise PoolBusy(f"{self._waiting} queries are already waiting for a query worker")
        self._waiting += 1
        try:
            while True:
                if self._closed:
                    raise PoolError("the endpoint is shutting down")
                now = time.monotonic()
                if self._idle:
                    return self._idle.pop()
                if self._spares and self._busy:
                    oldest = min(self._busy, key=lambda w: w.started)
                    if now - oldest.started >= self.preempt_after and all(
                        now - w.started >= self.preempt_after for w in self._busy
                    ):
                        oldest.cancelled = True
                        oldest.process.kill()  # its own thread sees the pipe close
                        self._busy.discard(oldest)
                        self._top_up()
                        return self._spares.pop()
                if now >= deadline:
                    raise PoolBusy(f"every query worker stayed busy for {self.timeout:g} s")
                wait = deadline - now
                if self._spares and self._busy:
                    youngest = max(w.started for w in self._busy)
                    wait = min(wait, max(youngest + self.preempt_after - now, 0.01))
                self._cond.wait(wait)
        finally:
            self._waiting -= 1

    def run(self, request: QueryRequest) -> QueryReply:
        """Run one query; raise ``QueryTimeout``, ``QueryCancelled``, ``PoolBusy`` or
        ``WorkerFailed``."""
        started = time.monotonic()
        with self._cond:
            worker = self._acquire()
            worker.started = time.monotonic()
            self._busy.add(worker)
        remaining = max(self.timeout - (worker.started - started), 0.05)
        try:
            worker.send.send(request)
            reply = worker.receive.recv() if worker.receive.poll(remaining) else None
        except (EOFError, OSError):
            reply = None
            failed = True
        else:
            failed = False
        if reply is not None:
            with self._cond:
                preempted = worker.cancelled  # answered just before it was killed
                if not preempted:
                    self._busy.discard(worker)
                    self._idle.append(worker)
                    self._cond.notify_all()
            if preempted:
                self._discard(worker)
            return reply
        self._discard(worker)
        with self._cond:
            self._lost(worker)
        if worker.cancelled:
            raise QueryCancelled(
                "the query was cancelled to make room: every query worker was busy and it was "
                "the oldest running query; retry later"
            )
        if failed:
            raise WorkerFailed(
                "the query worker stopped while running the query; most likely the query needed "
                f"more than the memory limit of {self.memory_limit_mb} MiB"
            )
        raise QueryTimeout(f"the query ran longer than {self.timeout:g} s and was cancelled")

    def close(self) -> None:
        """Kill every worker."""
        with self._cond:
            self._closed = True
            workers = list(self._all)
            self._all.clear()
            self._cond.notify_all()
        self._rest_given.set()  # a worker waiting for the rest gives up
        for worker in workers:
            worker.kill()
