"""Queries with a time limit that really stops them: each runs in a worker process on a read-only
snapshot of the store; a query past its time has its worker killed and replaced.

pyoxigraph cannot interrupt a query, and a read-only open beside a writer is undefined, so the
service keeps the store open for writing in its own process and, after every write, publishes a
snapshot (a RocksDB checkpoint: hard links, milliseconds) that the workers read.

The executor lives on the server's event loop: a request takes an idle worker (or waits for one),
writes its job and awaits the answer on the worker's socket (an asyncio protocol), with no thread
between the loop and the worker and no pickling (graph.worker frames bytes). That hand-off used to
go through the thread pool and pickle, and cost more than a label lookup's own evaluation.
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


class _Answers(asyncio.Protocol):
    """The executor's end of a worker's socket: it writes jobs and hands each answer frame to the
    request waiting for it."""

    def __init__(self) -> None:
        self.transport: asyncio.Transport | None = None
        self.waiter: asyncio.Future[bytes] | None = None
        self.buffer = bytearray()

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self.transport = transport  # type: ignore[assignment]  # a stream transport (uvloop's are not subclasses)

    def data_received(self, data: bytes) -> None:
        self.buffer += data
        frame = _unframe(self.buffer)
        if frame is not None and self.waiter is not None and not self.waiter.done():
            self.waiter.set_result(frame)

    def connection_lost(self, error: Exception | None) -> None:
        if self.waiter is not None and not self.waiter.done():
            self.waiter.set_exception(ConnectionResetError("the query worker closed its connection"))


class _Worker:
    """One worker process (`python -m graph.worker`) and the event loop's end of its socket.

    Not a multiprocessing child: a spawned one re-imports the parent's main module (the `chm`
    command, with spaCy and the search stack: seconds, and 300 MB a worker), which made a worker
    replaced after a timeout miss the next query's time limit too."""

    def __init__(self) -> None:
        parent, child = socket.socketpair()
        with child:
            self.process = subprocess.Popen(
                [sys.executable, "-m", "graph.worker", str(child.fileno())],
                pass_fds=(child.fileno(),),
                stdin=subprocess.DEVNULL,
            )
        self.socket = parent
        self._answers: _Answers | None = None

    async def exchange(self, job: bytes) -> QueryOutcome:
        """Send a job, read its outcome. Raises OSError (ConnectionError) when the worker is gone."""
        loop = asyncio.get_running_loop()
        if self._answers is None:
            # The transport gets its own descriptor: it closes it, `close` closes ours.
            duplicate = socket.socket(fileno=os.dup(self.socket.fileno()))
            _, self._answers = await loop.create_connection(_Answers, sock=duplicate)
        answers = self._answers
        assert answers.transport is not None
        if answers.transport.is_closing():
            raise ConnectionResetError("the query worker closed its connection")
        answers.waiter = loop.create_future()
        answers.transport.write(_frame(job))
        return QueryOutcome.decode(await answers.waiter)

    def kill(self) -> None:
        self.process.kill()
        self.process.wait(timeout=5)
        self._close()

    def stop(self) -> None:
        with contextlib.suppress(OSError):
            os.write(self.socket.fileno(), _STOP)
        try:
            self.process.wait(timeout=2)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(timeout=5)
        self._close()

    def _close(self) -> None:
        if self._answers is not None and self._answers.transport is not None:
            with contextlib.suppress(RuntimeError):  # the loop may be closed already
                self._answers.transport.close()
        self.socket.close()


class QueryExecutor:
    """A pool of query workers over published snapshots of a store."""

    def __init__(self, snapshot_root: Path, *, workers: int, timeout_s: float, row_cap: int) -> None:
        self.snapshot_root = snapshot_root
        self.timeout_s = timeout_s
        self.row_cap = row_cap
        self._generation = 0
        self._current: Path | None = None
        self._lock = threading.Lock()
        shutil.rmtree(snapshot_root, ignore_errors=True)
        snapshot_root.mkdir(parents=True)
        self._workers = [_Worker() for _ in range(workers)]
        self._idle: asyncio.Queue[_Worker] = asyncio.Queue()
        for worker in self._workers:
            self._idle.put_nowait(worker)

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
        payload = QueryJob(**{**job.__dict__, "snapshot": str(self._current), "row_cap": self.row_cap}).encode()
        try:
            worker = self._idle.get_nowait() if not self._idle.empty() else await self._wait_for_worker()
        except TimeoutError:
            raise ServiceBusyError(f"every query worker stayed busy for {self.timeout_s:g} s; try again") from None
        try:
            async with asyncio.timeout(self.timeout_s):
                outcome = await worker.exchange(payload)
        except TimeoutError:
            worker = await self._replace(worker)
            raise QueryTimeoutError(
                f"the query ran past the {self.timeout_s:g} s limit and was stopped; narrow it or add a LIMIT"
            ) from None
        except OSError as error:
            worker = await self._replace(worker)
            raise GraphError(f"the query worker failed ({error}); it has been replaced") from None
        except BaseException:  # cancelled mid-query: its answer would be read by the next request
            worker = await self._replace(worker)
            raise
        finally:
            self._idle.put_nowait(worker)
        if outcome.kind == "syntax":
            raise QuerySyntaxError(f"SPARQL query: {outcome.message}")
        if outcome.kind == "too-large":
            raise ResultTooLargeError(outcome.message)
        if outcome.kind == "error":
            raise GraphError(f"the query failed: {outcome.message}")
        return outcome

    async def _wait_for_worker(self) -> _Worker:
        return await asyncio.wait_for(self._idle.get(), self.timeout_s)

    async def _replace(self, worker: _Worker) -> _Worker:
        """Kill `worker` (its query stops with it) and start another, off the event loop."""
        worker.kill()
        fresh = await asyncio.shield(asyncio.to_thread(_Worker))
        self._workers = [fresh if w is worker else w for w in self._workers]
        return fresh

    def pids(self) -> list[int]:
        """The process ids of the workers (for monitoring, and for tests that kill one)."""
        return [worker.process.pid for worker in self._workers]

    def close(self) -> None:
        for worker in self._workers:
            worker.stop()
        shutil.rmtree(self.snapshot_root, ignore_errors=True)


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
