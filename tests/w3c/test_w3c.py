"""The W3C SPARQL 1.1 test suites (../shared/rdf-tests/sparql11, from their manifests) through the
HTTP service: `chm serve` on an empty store, with CHM_UNION_DEFAULT_GRAPH=false (the suites assume
the default graph is only the default graph), every test loaded, run and read back over HTTP.

Each part must fail exactly the tests `expected_failures.tsv` lists (a new failure and a new pass
both fail), and pass at least as many tests as pyoxigraph 0.5.13 does in the baseline
(../shared/rdf-tests/baseline-pyoxigraph-0.5.13: in-process for query and update, over a minimal
HTTP endpoint for the protocol; none for the graph store protocol). Skipped tests (entailment
regimes, mock SERVICE endpoints) are listed there too.

Last measured (2026-11-22, this 2-core machine, suite w3c/rdf-tests ad541a5, `pytest tests/w3c`:
35 to 47 s in all):

| part | tests | pass | expected failures (skipped) | baseline pass |
|---|---|---|---|---|
| query (QueryEvaluationTest, CSVResultFormatTest) | 312 | 224 | 88 (76) | 222 |
| update (UpdateEvaluationTest) | 94 | 94 | 0 | 94 |
| protocol (ProtocolTest) | 34 | 34 | 0 | 21 |
| graph-store (GraphStoreProtocolTest) | 13 | 11 | 2 | – |
"""

from __future__ import annotations

import csv
from collections.abc import Iterator
from pathlib import Path

import pytest

from graph.store import GraphStore
from tests.conftest import SHARED, live_server
from tests.w3c import runner
from tests.w3c.manifests import Test, load
from tests.w3c.runner import Endpoint, Outcome

RDF_TESTS = SHARED / "rdf-tests"
MANIFEST = RDF_TESTS / "sparql11" / "manifest-all.ttl"
BASELINE = RDF_TESTS / "baseline-pyoxigraph-0.5.13"
BASELINE_REPORTS = {
    "query": "report-sparql11-query-inproc.tsv",
    "update": "report-sparql11-update-inproc.tsv",
    "protocol": "report-protocol-http-mini.tsv",
}
EXPECTED_FAILURES = Path(__file__).with_name("expected_failures.tsv")
PARTS = ("query", "update", "protocol", "graph-store")
TOKEN = "w3c-token"

pytestmark = pytest.mark.slow


def expected_failures() -> dict[str, str]:
    """Test IRI → why it fails (or is skipped)."""
    with EXPECTED_FAILURES.open(encoding="utf-8", newline="") as handle:
        return {row["test"]: row["reason"] for row in csv.DictReader(handle, delimiter="\t", quoting=csv.QUOTE_NONE)}


def baseline_passes(part: str) -> int:
    """How many tests of `part` pyoxigraph 0.5.13 passes in the baseline reports (0 when none)."""
    if part not in BASELINE_REPORTS:
        return 0
    with (BASELINE / BASELINE_REPORTS[part]).open(encoding="utf-8", newline="") as handle:
        return sum(row["status"] == "pass" for row in csv.DictReader(handle, delimiter="\t", quoting=csv.QUOTE_NONE))


@pytest.fixture(scope="module")
def suite() -> list[Test]:
    if not MANIFEST.is_file():
        pytest.skip("../shared/rdf-tests is not beside the checkout")
    return load(MANIFEST)


@pytest.fixture(scope="module")
def endpoint(suite: list[Test], tmp_path_factory: pytest.TempPathFactory) -> Iterator[Endpoint]:
    """One service for every part, on a store of its own (each test empties it first)."""
    data = tmp_path_factory.mktemp("w3c") / "data"
    GraphStore.create(data).close()
    with live_server(data, update_token=TOKEN, union_default_graph="false", query_timeout_s="20") as base:
        service = Endpoint(base, TOKEN)
        yield service
        service.close()


def test_expected_failures_name_tests_of_the_suite(suite: list[Test]) -> None:
    known = {test.iri for test in suite}
    stale = sorted(set(expected_failures()) - known)
    assert not stale, "expected_failures.tsv names tests the suite does not have:\n" + "\n".join(stale)
    assert all(expected_failures().values()), "every expected failure needs a reason"


@pytest.mark.parametrize("part", PARTS)
def test_w3c_part_over_http(
    part: str, suite: list[Test], endpoint: Endpoint, tmp_path_factory: pytest.TempPathFactory
) -> None:
    outcomes = [runner.run(endpoint, test) for test in suite if runner.part(test) == part]
    report = _write_report(tmp_path_factory.mktemp("w3c-report") / f"{part}.tsv", outcomes)
    expected = expected_failures()
    passed = [o for o in outcomes if o.status == "pass"]
    failed = [o for o in outcomes if o.status != "pass"]
    baseline = baseline_passes(part)
    counts = (
        f"{part}: {len(outcomes)} tests, {len(passed)} pass, {len(failed)} fail or skipped "
        f"({sum(o.test in expected for o in failed)} expected); baseline pass {baseline}; report {report}"
    )
    print(counts)

    new_failures = [f"{o.test}\t{o.status}: {o.message}" for o in failed if o.test not in expected]
    new_passes = [o.test for o in passed if o.test in expected]
    problems = []
    if new_failures:
        problems.append("new failures (fix them, or list them in expected_failures.tsv with the reason):")
        problems += new_failures
    if new_passes:
        problems.append("these now pass: remove them from expected_failures.tsv:")
        problems += new_passes
    if len(passed) < baseline:
        problems.append(f"fewer passes over HTTP ({len(passed)}) than pyoxigraph's baseline ({baseline})")
    assert not problems, counts + "\n" + "\n".join(problems)


def _write_report(path: Path, outcomes: list[Outcome]) -> Path:
    with path.open("w", encoding="utf-8") as handle:
        handle.write("test\tstatus\tmessage\n")
        for o in outcomes:
            handle.write(f"{o.test}\t{o.status}\t{o.message.replace(chr(9), ' ').replace(chr(10), ' ')}\n")
    return path
