"""Queries with a time limit that really stops them: each runs in a worker process on a read-only
snapshot of the store; a query past its time has its worker killed and replaced.

pyoxigraph cannot interrupt a query, and a read-only open beside a writer is undefined, so the
service keeps the store open for writing in its own process and, after every write, publishes a
snapshot (a RocksDB checkpoint: hard links, milliseconds) that the workers read.
"""

from __future__ import annotations

import contextlib
import logging
import multiprocessing
import queue
import shutil
import threading
from multiprocessing.connection import Connection
from multiprocessing.process import BaseProcess
from pathlib import Path

from graph.errors import GraphError, QuerySyntaxError
from graph.store import GraphStore
from graph.worker import QueryJob, QueryOutcome, serve

log = logging.getLogger(__name__)
_CONTEXT = multiprocessing.get_context("spawn")


class QueryTimeoutError(GraphError):
    """A query ran past the time limit; its work was stopped."""


class ResultTooLargeError(GraphError):
    """A query's result exceeds the row cap."""


class ServiceBusyError(GraphError):
    """Every worker stayed busy for the whole time limit."""


class _Worker:
    def __init__(self) -> None:
        parent, child = _CONTEXT.Pipe()
        self.connection: Connection = parent
        self.process: BaseProcess = _CONTEXT.Process(target=serve, args=(child,), daemon=True, name="chm-query-worker")
        self.process.start()
        child.close()

    def kill(self) -> None:
        self.process.kill()
        self.process.join(timeout=5)
        self.connection.close()

    def stop(self) -> None:
        with contextlib.suppress(OSError):
            self.connection.send(None)
        self.process.join(timeout=2)
        if self.process.is_alive():
            self.kill()


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
        self._idle: queue.Queue[_Worker] = queue.Queue()
        for _ in range(workers):
            self._idle.put(_Worker())

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

    def run(self, job: QueryJob) -> QueryOutcome:
        """Evaluate `job` on the current snapshot. Raises QuerySyntaxError, QueryTimeoutError,
        ResultTooLargeError, ServiceBusyError or GraphError (anything else the store raised)."""
        if self._current is None:
            raise GraphError("no snapshot published")
        job = QueryJob(**{**job.__dict__, "snapshot": str(self._current), "row_cap": self.row_cap})
        try:
            worker = self._idle.get(timeout=self.timeout_s)
        except queue.Empty:
            raise ServiceBusyError(f"every query worker stayed busy for {self.timeout_s:g} s; try again") from None
        try:
            worker.connection.send(job)
            if not worker.connection.poll(self.timeout_s):
                worker.kill()
                worker = _Worker()
                raise QueryTimeoutError(
                    f"the query ran past the {self.timeout_s:g} s limit and was stopped; narrow it or add a LIMIT"
                )
            outcome: QueryOutcome = worker.connection.recv()
        except (EOFError, OSError) as error:
            worker.kill()
            worker = _Worker()
            raise GraphError(f"the query worker failed ({error}); it has been replaced") from None
        finally:
            self._idle.put(worker)
        if outcome.kind == "syntax":
            raise QuerySyntaxError(f"SPARQL query: {outcome.message}")
        if outcome.kind == "too-large":
            raise ResultTooLargeError(outcome.message)
        if outcome.kind == "error":
            raise GraphError(f"the query failed: {outcome.message}")
        return outcome

    def close(self) -> None:
        while not self._idle.empty():
            self._idle.get_nowait().stop()
        shutil.rmtree(self.snapshot_root, ignore_errors=True)
