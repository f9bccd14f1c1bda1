"""`chm ingest` and `chm remove` on bad and good input: failures are named, the batch goes on,
and the store holds nothing of a failed file."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.conftest import run_chm

GOOD = """National report of Kenya

1. Kenya reports on measures taken under article 15 of the Stockholm Convention to eliminate
polychlorinated biphenyls, following decision SC-4/23 and document UNEP/POPS/COP.4/38.
2. The Basel Convention regional centre in Nigeria supported the inventory of wastes.
"""
FRENCH = """Rapport national du Sénégal

1. Le Sénégal rend compte des mesures prises en application de la Convention de Stockholm pour
éliminer les polychlorobiphényles, avec l'appui du Programme des Nations Unies pour l'environnement.
"""
GERMAN = """Nationaler Bericht

1. Die Bundesregierung berichtet über die Maßnahmen zur Beseitigung persistenter organischer
Schadstoffe und über die Zusammenarbeit mit den Nachbarländern in der Abfallwirtschaft.
"""


def quads(data: Path) -> int:
    result = run_chm("stats", "--format", "json", data=data, check=True)
    return json.loads(result.stdout)["triples"]


def document_graphs(data: Path) -> set[str]:
    result = run_chm("stats", "--format", "json", data=data, check=True)
    return {g["graph"] for g in json.loads(result.stdout)["graphs"] if "/graph/document/" in g["graph"]}


@pytest.fixture
def inbox(tmp_path: Path) -> Path:
    folder = tmp_path / "inbox"
    folder.mkdir()
    (folder / "kenya-report.txt").write_text(GOOD, encoding="utf-8")
    (folder / "senegal-rapport.txt").write_text(FRENCH, encoding="utf-8")
    (folder / "empty.txt").write_bytes(b"")
    (folder / "binary.txt").write_bytes(b"\x00\x01\x02PK\x03\x04" * 100)
    (folder / "truncated.pdf").write_bytes(b"%PDF-1.7\n1 0 obj << /Type /Catalog")
    (folder / "bericht.txt").write_text(GERMAN, encoding="utf-8")
    huge = folder / "huge.txt"
    with huge.open("wb") as handle:  # sparse: 200 MB on paper, nothing on disk
        handle.truncate(200 * 1024 * 1024)
    return folder


def test_a_batch_goes_on_past_bad_files_and_keeps_nothing_of_them(store_copy: Path, inbox: Path) -> None:
    result = run_chm("ingest", str(inbox), data=store_copy)
    assert result.returncode == 1
    failures = [line for line in result.stderr.splitlines() if line.startswith("failed: ")]
    text = result.stderr
    assert "empty.txt: empty file" in text
    assert "binary.txt: binary content" in text
    assert "truncated.pdf: not a valid PDF" in text
    assert "huge.txt: is 200 MB, over the 50 MB limit" in text
    assert "bericht.txt: written in de" in text
    assert len(failures) == 5
    assert "2 ingested" in result.stdout.replace("\n", " ") and "5 failed" in result.stdout.replace("\n", " ")
    graphs = document_graphs(store_copy)
    assert graphs == {
        "https://w3id.org/chm-kg/graph/document/kenya-report",
        "https://w3id.org/chm-kg/graph/document/senegal-rapport",
    }


def test_an_ingested_report_links_its_entities_in_either_language(store_copy: Path, inbox: Path) -> None:
    run_chm("ingest", str(inbox / "kenya-report.txt"), str(inbox / "senegal-rapport.txt"), data=store_copy, check=True)
    query = """SELECT ?doc ?entity WHERE { ?p chm:paragraphOf ?doc ; chm:mentions ?entity }"""
    result = run_chm("query", query, "--format", "json", data=store_copy, check=True)
    rows = {
        (r["doc"]["value"].rsplit("/", 1)[-1], r["entity"]["value"].split("/id/")[1])
        for r in json.loads(result.stdout)["results"]["bindings"]
    }
    assert {
        ("kenya-report", "country/KEN"),
        ("kenya-report", "convention/stockholm"),
        ("kenya-report", "chemical/polychlorinated-biphenyls"),
        ("kenya-report", "decision/sc-4-23"),
        ("kenya-report", "document/unep-pops-cop-4-38"),
        ("kenya-report", "centre/basel/NGA"),
    } <= rows
    assert {
        ("senegal-rapport", "country/SEN"),
        ("senegal-rapport", "convention/stockholm"),
        ("senegal-rapport", "chemical/polychlorinated-biphenyls"),
        ("senegal-rapport", "organization/unep"),
    } <= rows
    about = run_chm(
        "query",
        """ASK { ?p chm:paragraphOf <https://w3id.org/chm-kg/id/document/kenya-report> ;
                                       chm:about <https://w3id.org/chm-kg/id/convention/stockholm/article/15> }""",
        "--format",
        "json",
        data=store_copy,
        check=True,
    )
    assert json.loads(about.stdout)["boolean"] is True


def test_sidecar_metadata_and_removal(store_copy: Path, inbox: Path) -> None:
    report = inbox / "kenya-report.txt"
    (inbox / "kenya-report.txt.meta.json").write_text(json.dumps({"kind": "national-report", "title": "Kenya NR"}))
    before = quads(store_copy)
    run_chm("ingest", str(report), data=store_copy, check=True)
    ask = """ASK { <https://w3id.org/chm-kg/id/document/kenya-report>
                    chm:documentKind <https://w3id.org/chm-kg/id/document-kind/national-report> ;
                    dcterms:title "Kenya NR"@en }"""
    result = run_chm("query", ask, "--format", "json", data=store_copy, check=True)
    assert json.loads(result.stdout)["boolean"] is True
    removed = run_chm("remove", "kenya-report", data=store_copy, check=True)
    assert "graph/document/kenya-report" in removed.stdout
    assert quads(store_copy) == before
    again = run_chm("remove", "kenya-report", data=store_copy)
    assert again.returncode == 1 and "no document 'kenya-report'" in again.stderr


def test_bad_options_are_refused_before_anything_is_read(store_copy: Path, inbox: Path) -> None:
    unknown = run_chm("ingest", str(inbox / "kenya-report.txt"), "--kind", "poem", data=store_copy)
    assert (
        unknown.returncode == 1
        and "unknown document kind 'poem'" in unknown.stderr
        and "national-report" in unknown.stderr
    )
    missing = run_chm("ingest", str(inbox / "nowhere.txt"), data=store_copy)
    assert missing.returncode == 1 and "nowhere.txt: no such file or folder" in missing.stderr
    (inbox / "kenya-report.txt.meta.json").write_text("{not json")
    broken = run_chm("ingest", str(inbox / "kenya-report.txt"), data=store_copy)
    assert broken.returncode == 1 and "sidecar metadata is not valid JSON" in broken.stderr
    assert document_graphs(store_copy) == set()


def test_party_metadata_is_checked_and_written(store_copy: Path, inbox: Path) -> None:
    report = inbox / "kenya-report.txt"
    unknown = run_chm("ingest", str(report), "--party", "XX", "--convention", "stockholm", data=store_copy)
    assert unknown.returncode == 1 and "party: 'XX' is not an ISO 3166" in unknown.stderr
    (inbox / "kenya-report.txt.meta.json").write_text(
        json.dumps({"party": "KE", "convention": "stockholm", "kind": "national-report", "fulfils": ["99.9"]})
    )
    bad_link = run_chm("ingest", str(report), data=store_copy)
    assert bad_link.returncode == 1 and "fulfils: no stockholm requirement '99.9'" in bad_link.stderr
    assert document_graphs(store_copy) == set()
    (inbox / "kenya-report.txt.meta.json").write_text(
        json.dumps({"party": "KE", "convention": "stockholm", "kind": "national-report"})
    )
    run_chm("ingest", str(report), data=store_copy, check=True)
    ask = """ASK { <https://w3id.org/chm-kg/id/document/kenya-report> chm:submittedBy ?party .
                   ?party a chm:Party ; chm:partyTo <https://w3id.org/chm-kg/id/convention/stockholm> ;
                          chm:representsCountry <https://w3id.org/chm-kg/id/country/KEN> }"""
    result = run_chm("query", ask, "--format", "json", data=store_copy, check=True)
    assert json.loads(result.stdout)["boolean"] is True


def test_a_national_report_without_metadata_is_tied_to_the_party_its_title_names(store_copy: Path, inbox: Path) -> None:
    run_chm("ingest", str(inbox / "senegal-rapport.txt"), data=store_copy, check=True)
    ask = """ASK { <https://w3id.org/chm-kg/id/document/senegal-rapport>
                     chm:documentKind <https://w3id.org/chm-kg/id/document-kind/national-report> ;
                     chm:forConvention <https://w3id.org/chm-kg/id/convention/stockholm> ;
                     chm:submittedBy <https://w3id.org/chm-kg/id/party/SEN> }"""
    result = run_chm("query", ask, "--format", "json", data=store_copy, check=True)
    assert json.loads(result.stdout)["boolean"] is True
