"""Queries with a time limit that really stops them: each runs in a worker process on a read-only
snapshot of the store; a query past its time has its worker killed and replaced.

pyoxigraph cannot interrupt a query, and a read-only open beside a writer is undefined, so the
service keeps the store open for writing in its own process and, after every write, publishes a
snapshot (a RocksDB checkpoint: hard links, milliseconds) that the workers read.

The executor lives on the server's event loop: a request queues its job and awaits the answer;
workers' sockets are asyncio protocols, so there is no thread between the loop and a worker and no
pickling (graph.worker frames bytes). That hand-off used to go through the thread pool and pickle,
and cost more than a label lookup's own evaluation.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import shutil
import socket
import struct
import subprocess
import sys
import threading
from collections import deque
from dataclasses import dataclass
from pathlib import Path

from graph.errors import GraphError, QuerySyntaxError
from graph.store import GraphStore
from graph.worker import QueryJob, QueryOutcome

log = logging.getLogger(__name__)
_STOP = struct.pack("!i", 0)  # an empty frame


class QueryTimeoutError(GraphError):
    """A query ran past the time limit; its work was stopped."""


class ResultTooLargeError(GraphError):
    """A query's result exceeds the row cap."""


class ServiceBusyError(GraphError):
    """Every worker stayed busy for the whole time limit."""


@dataclass(eq=False)
class _Job:
    """A query on its way: its framed payload, the future its request awaits, and the timer of its
    current wait (for a worker, then for the answer)."""

    frame: bytes
    answer: asyncio.Future[bytes]
    timer: asyncio.TimerHandle | None = None


class _Answers(asyncio.Protocol):
    """The executor's end of a worker's socket: each whole frame that arrives is the answer to the
    worker's current job."""

    def __init__(self, worker: _Worker, executor: QueryExecutor) -> None:
        self.worker = worker
        self.executor = executor
        self.transport: asyncio.Transport | None = None
        self.buffer = bytearray()

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self.transport = transport  # type: ignore[assignment]  # a stream transport (uvloop's are not subclasses)

    def data_received(self, data: bytes) -> None:
        self.buffer += data
        frame = _unframe(self.buffer)
        if frame is not None:
            self.executor._answered(self.worker, frame)

    def connection_lost(self, error: Exception | None) -> None:
        self.executor._lost(self.worker)


class _Worker:
    """One worker process (`python -m graph.worker`) and the event loop's end of its socket.

    Not a multiprocessing child: a spawned one re-imports the parent's main module (the `chm`
    command, with spaCy and the search stack: seconds, and 300 MB a worker), which made a worker
    replaced after a timeout miss the next query's time limit too."""

    def __init__(self, functions: str | None = None) -> None:
        parent, child = socket.socketpair()
        with child:
            self.process = subprocess.Popen(
                [sys.executable, "-m", "graph.worker", str(child.fileno()), *([functions] if functions else [])],
                pass_fds=(child.fileno(),),
                stdin=subprocess.DEVNULL,
            )
        self.socket = parent
        self.answers: _Answers | None = None
        self.job: _Job | None = None  # the job it runs
        self.closed = False

    async def connect(self, executor: QueryExecutor) -> None:
        """Attach the worker's socket to the running event loop."""
        loop = asyncio.get_running_loop()
        # The transport gets its own descriptor: it closes it, `close` closes ours.
        duplicate = socket.socket(fileno=os.dup(self.socket.fileno()))
        _, self.answers = await loop.create_connection(lambda: _Answers(self, executor), sock=duplicate)

    def send(self, job: _Job) -> None:
        assert self.answers is not None and self.answers.transport is not None
        self.job = job
        self.answers.transport.write(job.frame)

    def kill(self) -> None:
        self.closed = True
        self.process.kill()
        self.process.wait(timeout=5)
        self._close()

    def stop(self) -> None:
        self.closed = True
        with contextlib.suppress(OSError):
            os.write(self.socket.fileno(), _STOP)
        try:
            self.process.wait(timeout=2)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(timeout=5)
        self._close()

    def _close(self) -> None:
        if self.answers is not None and self.answers.transport is not None:
            with contextlib.suppress(RuntimeError):  # the loop may be closed already
                self.answers.transport.close()
        self.socket.close()


class QueryExecutor:
    """A pool of query workers over published snapshots of a store.

    Jobs wait in one queue; a worker that answers takes the next job at once, in the same event
    loop callback that read its answer, before the request it answered resumes: the worker is not
    left idle while the loop serves other requests. Each job has two time limits of `timeout_s`:
    waiting for a worker (then ServiceBusyError) and running (then its worker is killed and
    replaced, and QueryTimeoutError)."""

    def __init__(
        self, snapshot_root: Path, *, workers: int, timeout_s: float, row_cap: int, functions: str | None = None
    ) -> None:
        """`functions` names custom SPARQL functions the workers register, as `graph.worker`
        reads them: JSON {"entry": "module:callable", "args": [...]} (see worker.load_functions)."""
        self.snapshot_root = snapshot_root
        self.functions = functions
        self.timeout_s = timeout_s
        self.row_cap = row_cap
        self._generation = 0
        self._current: Path | None = None
        self._lock = threading.Lock()
        shutil.rmtree(snapshot_root, ignore_errors=True)
        snapshot_root.mkdir(parents=True)
        self._workers = [_Worker(self.functions) for _ in range(workers)]
        self._idle: deque[_Worker] = deque()
        self._queue: deque[_Job] = deque()
        self._connected: asyncio.Future[None] | None = None
        self._starting: set[asyncio.Future[None]] = set()

    def publish(self, store: GraphStore) -> None:
        """Take a snapshot of `store` for the queries that follow; drop the ones before it."""
        with self._lock:
            self._generation += 1
            target = self.snapshot_root / f"g{self._generation:08d}"
            store.backup(target)
            previous, self._current = self._current, target
        if previous is not None:
            # Workers reopen on their next job; one still reading the old snapshot keeps its open
            # files (hard links), so removing the folder is safe.
            shutil.rmtree(previous, ignore_errors=True)

    async def run(self, job: QueryJob) -> QueryOutcome:
        """Evaluate `job` on the current snapshot (on the event loop the executor serves). Raises
        QuerySyntaxError, QueryTimeoutError, ResultTooLargeError, ServiceBusyError or GraphError
        (anything else the store raised)."""
        if self._current is None:
            raise GraphError("no snapshot published")
        if self._connected is None:
            self._connected = asyncio.ensure_future(self._connect(list(self._workers)))
        if not self._connected.done():
            await asyncio.shield(self._connected)
        payload = QueryJob(**{**job.__dict__, "snapshot": str(self._current), "row_cap": self.row_cap}).encode()
        loop = asyncio.get_running_loop()
        queued = _Job(_frame(payload), loop.create_future())
        queued.timer = loop.call_later(self.timeout_s, self._expire_waiting, queued)
        self._queue.append(queued)
        self._dispatch()
        try:
            outcome = QueryOutcome.decode(await queued.answer)
        except asyncio.CancelledError:  # its answer, if it comes, goes nowhere; its timer still runs
            with contextlib.suppress(ValueError):
                self._queue.remove(queued)
            raise
        if outcome.kind == "syntax":
            raise QuerySyntaxError(f"SPARQL query: {outcome.message}")
        if outcome.kind == "too-large":
            raise ResultTooLargeError(outcome.message)
        if outcome.kind == "error":
            raise GraphError(f"the query failed: {outcome.message}")
        return outcome

    def pids(self) -> list[int]:
        """The process ids of the workers (for monitoring, and for tests that kill one)."""
        return [worker.process.pid for worker in self._workers]

    def close(self) -> None:
        for worker in self._workers:
            worker.stop()
        shutil.rmtree(self.snapshot_root, ignore_errors=True)

    # ---- the event loop's side ----------------------------------------------------------------

    async def _connect(self, workers: list[_Worker]) -> None:
        for worker in workers:
            await worker.connect(self)
            if not worker.closed:
                self._idle.append(worker)
        self._dispatch()

    def _dispatch(self) -> None:
        """Give waiting jobs to idle workers."""
        while self._idle and self._queue:
            job = self._queue.popleft()
            if job.answer.done():  # its request went away
                continue
            worker = self._idle.popleft()
            assert job.timer is not None
            job.timer.cancel()
            job.timer = asyncio.get_running_loop().call_later(self.timeout_s, self._expire_running, worker, job)
            worker.send(job)

    def _answered(self, worker: _Worker, frame: bytes) -> None:
        job, worker.job = worker.job, None
        self._idle.append(worker)
        self._dispatch()  # the next job first: the worker works while the loop goes on
        if job is not None:
            assert job.timer is not None
            job.timer.cancel()
            if not job.answer.done():
                job.answer.set_result(frame)

    def _lost(self, worker: _Worker) -> None:
        """A worker's connection closed: it died (or was stopped). Its job fails; it is replaced."""
        if worker.closed:
            return
        worker.kill()
        self._fail(worker, GraphError("the query worker died; it has been replaced"))

    def _expire_waiting(self, job: _Job) -> None:
        if job in self._queue:
            self._queue.remove(job)
            if not job.answer.done():
                job.answer.set_exception(
                    ServiceBusyError(f"every query worker stayed busy for {self.timeout_s:g} s; try again")
                )

    def _expire_running(self, worker: _Worker, job: _Job) -> None:
        if worker.job is not job:
            return
        worker.kill()  # the query stops with it
        self._fail(
            worker,
            QueryTimeoutError(
                f"the query ran past the {self.timeout_s:g} s limit and was stopped; narrow it or add a LIMIT"
            ),
        )

    def _fail(self, worker: _Worker, error: GraphError) -> None:
        """Answer a dead worker's job with `error`, and start a worker in its place."""
        job, worker.job = worker.job, None
        with contextlib.suppress(ValueError):
            self._idle.remove(worker)
        if job is not None:
            if job.timer is not None:
                job.timer.cancel()
            if not job.answer.done():
                job.answer.set_exception(error)
        fresh = _Worker(self.functions)
        self._workers = [fresh if w is worker else w for w in self._workers]
        task = asyncio.ensure_future(self._connect([fresh]))
        self._starting.add(task)
        task.add_done_callback(self._starting.discard)


def _frame(data: bytes) -> bytes:
    """`data` framed as Connection.send_bytes frames it: its length (4 bytes, signed, big-endian;
    -1 then 8 bytes past 2 GiB), then the data."""
    if len(data) > 0x7FFFFFFF:
        return struct.pack("!iQ", -1, len(data)) + data
    return struct.pack("!i", len(data)) + data


def _unframe(buffer: bytearray) -> bytes | None:
    """The frame at the start of `buffer` (removed from it) once it is whole, else None."""
    if len(buffer) < 4:
        return None
    (size,) = struct.unpack_from("!i", buffer)
    start = 4
    if size == -1:
        if len(buffer) < 12:
            return None
        (size,) = struct.unpack_from("!Q", buffer, 4)
        start = 12
    if len(buffer) < start + size:
        return None
    with memoryview(buffer) as view:
        frame = bytes(view[start : start + size])
    del buffer[: start + size]
    return frame
