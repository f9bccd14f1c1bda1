"""The query worker's evaluation: results written by pyoxigraph within a byte budget that proves the
row cap, and counted row by row when they pass it; the cap refuses, never cuts."""

from __future__ import annotations

import csv
import io
import json
import xml.etree.ElementTree as ET

import pyoxigraph as ox
import pytest

from graph.results import ROW_FLOOR_BYTES, write_within
from graph.worker import QueryJob, evaluate

EX = "https://example.org/"
SELECT = f"SELECT ?s ?o WHERE {{ ?s <{EX}p> ?o }} ORDER BY ?s"


@pytest.fixture(scope="module")
def store() -> ox.Store:
    opened = ox.Store()
    for i in range(10):
        # Long literals: ten rows take far more than ten rows' floor of bytes.
        opened.add(ox.Quad(ox.NamedNode(f"{EX}s{i}"), ox.NamedNode(f"{EX}p"), ox.Literal(f"value {i} " + "x" * 200)))
    return opened


def job(query: str, fmt: str, row_cap: int) -> QueryJob:
    return QueryJob(snapshot="", query=query, result_format=fmt, graph_format="turtle", row_cap=row_cap)


def count_rows(fmt: str, body: bytes) -> int:
    text = body.decode()
    if fmt == "json":
        return len(json.loads(text)["results"]["bindings"])
    if fmt == "xml":
        namespace = "{http://www.w3.org/2005/sparql-results#}"
        return len(ET.fromstring(text).findall(f"{namespace}results/{namespace}result"))
    if fmt == "csv":
        return len(list(csv.reader(io.StringIO(text, newline="")))) - 1
    return len(text.splitlines()) - 1


@pytest.mark.parametrize("fmt", ["json", "xml", "csv", "tsv"])
@pytest.mark.parametrize("row_cap", [1000, 10, 9])
def test_a_result_is_refused_exactly_when_it_has_more_rows_than_the_cap(
    store: ox.Store, fmt: str, row_cap: int
) -> None:
    # 1000 rows of budget: written by pyoxigraph at once; 10: past the budget, so the rows are
    # counted (10 is not over the cap); 9: over the cap.
    outcome = evaluate(store, job(SELECT, fmt, row_cap))
    if row_cap < 10:
        assert outcome.kind == "too-large"
        assert f"more than {row_cap} rows" in outcome.message
    else:
        assert outcome.kind == "solutions", outcome.message
        assert outcome.result_format == fmt
        assert count_rows(fmt, outcome.body) == 10


def test_both_ways_of_writing_give_the_same_json(store: ox.Store) -> None:
    native = evaluate(store, job(SELECT, "json", 1000)).body
    counted = evaluate(store, job(SELECT, "json", 10)).body  # past the budget: Python's writer
    assert json.loads(native) == json.loads(counted)
    assert [row["s"]["value"] for row in json.loads(native)["results"]["bindings"]] == [f"{EX}s{i}" for i in range(10)]


def test_the_floor_of_bytes_per_row_holds_for_the_smallest_rows_pyoxigraph_writes() -> None:
    # The proof of the cap rests on these floors: a new pyoxigraph that writes rows more tightly
    # must fail here, not let a result past the cap.
    empty = ox.Store()

    def size(fmt: str, rows: int) -> int:
        undefs = " ".join(["UNDEF"] * rows)
        unbound = f"SELECT ?x WHERE {{ VALUES ?x {{ {undefs} }} }}"
        written = write_within(fmt, empty.query(unbound), 10_000)
        assert written is not None
        return len(written)

    for fmt, floor in ROW_FLOOR_BYTES.items():
        assert size(fmt, 2) - size(fmt, 1) >= floor, fmt
        assert size(fmt, 1) >= floor, fmt


def test_the_writer_stops_at_the_budget() -> None:
    one_long_row = f"SELECT ?s WHERE {{ VALUES ?s {{ <{EX}{'a' * 100}> }} }}"
    assert write_within("json", ox.Store().query(one_long_row), 3) is None
    assert write_within("json", ox.Store().query(one_long_row), 100) is not None
