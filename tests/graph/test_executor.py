"""The query executor on its own event loop: time limits that stop queries, a queue that refuses
a query nobody could take in time, workers replaced when they die."""

from __future__ import annotations

import asyncio
import json
import os
import signal
from pathlib import Path

import pytest

from graph.executor import QueryExecutor, QueryTimeoutError, ServiceBusyError
from graph.store import GraphStore
from graph.worker import QueryJob

CROSS_JOIN = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l }"
COUNT = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"


def job(query: str) -> QueryJob:
    return QueryJob(snapshot="", query=query, result_format="json", graph_format="turtle", row_cap=0)


def rows(body: bytes) -> int:
    return int(json.loads(body)["results"]["bindings"][0]["n"]["value"])


@pytest.fixture
def store(tmp_path: Path):
    with GraphStore.create(tmp_path / "data") as opened:
        opened.update(
            "INSERT DATA { "
            + " ".join(f"<https://example.org/s{i}> <https://example.org/p> {i} ." for i in range(200))
            + " }"
        )
        yield opened


def test_time_limits_stop_queries_and_a_query_nobody_can_take_in_time_is_refused(
    store: GraphStore, tmp_path: Path
) -> None:
    async def scenario() -> None:
        executor = QueryExecutor(tmp_path / "snapshots", workers=1, timeout_s=1, row_cap=1000)
        executor.publish(store)
        try:
            # Connected first: on a loaded machine the worker's start would otherwise eat into the
            # 1 s the jobs below are timed against, and reorder them.
            assert rows((await executor.run(job(COUNT))).body) == 200
            first = asyncio.ensure_future(executor.run(job(CROSS_JOIN)))
            await asyncio.sleep(0.05)
            second = asyncio.ensure_future(executor.run(job(CROSS_JOIN)))  # takes the worker that replaces the first
            await asyncio.sleep(0.05)
            with pytest.raises(ServiceBusyError, match="busy for 1 s"):
                await executor.run(job(COUNT))
            with pytest.raises(QueryTimeoutError, match="past the 1 s limit"):
                await first
            # The second waited in the queue while the first ran out its second: whether the worker
            # replacing the first starts before the second's own second is up depends on the
            # machine's load; it then times out, or else it is refused as busy (as the fresh-clone
            # run saw). Either way an explicit error, never a result.
            with pytest.raises((QueryTimeoutError, ServiceBusyError)):
                await second
            assert rows((await executor.run(job(COUNT))).body) == 200
        finally:
            executor.close()

    asyncio.run(scenario())


def test_a_worker_that_dies_is_replaced(store: GraphStore, tmp_path: Path) -> None:
    async def scenario() -> None:
        executor = QueryExecutor(tmp_path / "snapshots", workers=2, timeout_s=10, row_cap=1000)
        executor.publish(store)
        try:
            answers = await asyncio.gather(*(executor.run(job(COUNT)) for _ in range(10)))
            assert [rows(a.body) for a in answers] == [200] * 10
            dead = executor.pids()
            for pid in dead:
                os.kill(pid, signal.SIGKILL)
            await asyncio.sleep(0.5)  # the executor notices the closed sockets and starts others
            assert set(executor.pids()).isdisjoint(dead)
            assert rows((await executor.run(job(COUNT))).body) == 200
        finally:
            executor.close()

    asyncio.run(scenario())
