"""The `chm` command line, run through its installed entry point as a user would."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
from rdflib import Dataset, Graph

from tests.conftest import DATA, run_chm

ANNEX_A_FRENCH = """
PREFIX chm: <https://w3id.org/chm-kg/ontology#>
PREFIX chmid: <https://w3id.org/chm-kg/id/>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
SELECT ?chemical ?cas ?label_fr WHERE {
  ?chemical chm:listedIn <https://w3id.org/chm-kg/id/convention/stockholm/annex/A> ;
            rdfs:label ?label_fr .
  OPTIONAL { ?chemical chm:casNumber ?cas }
  FILTER(LANG(?label_fr) = "fr")
}
ORDER BY ?chemical ?cas
"""

CLASS_LABELS = """
PREFIX owl: <http://www.w3.org/2002/07/owl#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
SELECT ?class ?ar ?en ?es ?fr ?ru ?zh WHERE {
  ?class a owl:Class .
  FILTER(STRSTARTS(STR(?class), "https://w3id.org/chm-kg/ontology#"))
  OPTIONAL { ?class rdfs:label ?ar FILTER(LANG(?ar) = "ar") }
  OPTIONAL { ?class rdfs:label ?en FILTER(LANG(?en) = "en") }
  OPTIONAL { ?class rdfs:label ?es FILTER(LANG(?es) = "es") }
  OPTIONAL { ?class rdfs:label ?fr FILTER(LANG(?fr) = "fr") }
  OPTIONAL { ?class rdfs:label ?ru FILTER(LANG(?ru) = "ru") }
  OPTIONAL { ?class rdfs:label ?zh FILTER(LANG(?zh) = "zh") }
}
ORDER BY ?class
"""

COMMANDS = ("init", "load", "query", "update", "validate", "export", "stats")


def quad_count(data: Path) -> int:
    result = run_chm(
        "query", "SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }", "--format", "json", data=data, check=True
    )
    return int(json.loads(result.stdout)["results"]["bindings"][0]["n"]["value"])


def bindings(stdout: str) -> list[dict[str, str]]:
    return [{k: v["value"] for k, v in row.items()} for row in json.loads(stdout)["results"]["bindings"]]


@pytest.mark.parametrize("command", ("", *COMMANDS))
def test_every_command_has_help(command: str) -> None:
    result = run_chm(*([command] if command else []), "--help")
    assert result.returncode == 0, result.stderr
    assert "Usage" in result.stdout


def test_annex_a_chemicals_with_cas_numbers_and_french_labels(initialised_store: Path) -> None:
    result = run_chm("query", ANNEX_A_FRENCH, "--format", "json", data=initialised_store, check=True)
    rows = bindings(result.stdout)
    by_chemical: dict[str, set[str]] = {}
    for row in rows:
        by_chemical.setdefault(row["chemical"], set()).add(row.get("cas", ""))
    assert len(by_chemical) >= 30
    aldrin = "https://w3id.org/chm-kg/id/chemical/aldrin"
    assert by_chemical[aldrin] == {"309-00-2"}
    assert {r["label_fr"] for r in rows if r["chemical"] == aldrin} == {"Aldrine"}


def test_every_class_with_labels_in_six_languages(initialised_store: Path) -> None:
    result = run_chm("query", CLASS_LABELS, "--format", "csv", data=initialised_store, check=True)
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    assert len(rows) >= 30
    assert [r["class"] for r in rows if not all(r[lang] for lang in ("ar", "en", "es", "fr", "ru", "zh"))] == []
    chemical = next(r for r in rows if r["class"].endswith("#Chemical"))
    assert chemical["fr"] and chemical["zh"] and chemical["ar"]


def test_query_reads_a_file_or_stdin_and_writes_each_format(initialised_store: Path, tmp_path: Path) -> None:
    query = "SELECT ?c WHERE { ?c a <https://w3id.org/chm-kg/ontology#Convention> } ORDER BY ?c"
    path = tmp_path / "q.rq"
    path.write_text(query, encoding="utf-8")
    from_file = run_chm("query", "--file", str(path), "--format", "json", data=initialised_store, check=True)
    from_stdin = run_chm("query", "--format", "json", data=initialised_store, stdin=query, check=True)
    assert from_file.stdout == from_stdin.stdout
    conventions = [r["c"] for r in bindings(from_file.stdout)]
    assert "https://w3id.org/chm-kg/id/convention/basel" in conventions
    tsv = run_chm("query", query, "--format", "tsv", data=initialised_store, check=True).stdout.splitlines()
    assert tsv[0] == "?c" and len(tsv) == len(conventions) + 1
    xml = run_chm("query", query, "--format", "xml", data=initialised_store, check=True).stdout
    assert "<sparql" in xml and xml.count("<result>") == len(conventions)
    table = run_chm("query", query, data=initialised_store, check=True).stdout
    assert "chmid:convention/basel" in table and f"{len(conventions)} rows" in table
    ask = run_chm(
        "query",
        "ASK { ?c a <https://w3id.org/chm-kg/ontology#Protocol> }",
        "--format",
        "json",
        data=initialised_store,
        check=True,
    )
    assert json.loads(ask.stdout)["boolean"] is True
    construct = run_chm(
        "query",
        "CONSTRUCT WHERE { ?c a <https://w3id.org/chm-kg/ontology#Convention> }",
        "--format",
        "ntriples",
        data=initialised_store,
        check=True,
    )
    assert len(Graph().parse(data=construct.stdout, format="nt")) == len(conventions)


def test_a_malformed_query_is_one_line_naming_the_position(initialised_store: Path) -> None:
    before = quad_count(initialised_store)
    result = run_chm("query", "SELECT ?x WHERE { ?x ?y }", data=initialised_store)
    assert result.returncode == 1
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and "error at 1:" in lines[0]
    update = run_chm("update", "INSERT DATA { <https://e.org/a> <https://e.org/p> }", data=initialised_store)
    assert update.returncode == 1 and "SPARQL update" in update.stderr
    assert quad_count(initialised_store) == before


def test_an_unknown_format_is_refused_naming_the_known_ones(initialised_store: Path) -> None:
    result = run_chm("query", "SELECT * WHERE { ?s ?p ?o } LIMIT 1", "--format", "yaml", data=initialised_store)
    assert result.returncode == 1 and "unknown format 'yaml'" in result.stderr and "json" in result.stderr
    export = run_chm("export", "--format", "yaml", data=initialised_store)
    assert export.returncode == 1 and "unknown RDF format 'yaml'" in export.stderr


def test_a_missing_data_directory_is_named_and_not_created(tmp_path: Path) -> None:
    missing = tmp_path / "no-store"
    for args in (("query", "ASK {}"), ("stats",), ("validate",), ("export",)):
        result = run_chm(*args, data=missing)
        assert result.returncode == 1, args
        assert str(missing) in result.stderr and "chm init" in result.stderr
    assert not missing.exists()


def test_init_twice_changes_nothing(store_copy: Path) -> None:
    before = quad_count(store_copy)
    again = run_chm("init", "--no-vocab", data=store_copy, check=True)
    assert "loaded" not in again.stdout.replace("unchanged", "")
    assert quad_count(store_copy) == before


def test_init_loads_the_shared_un_vocabularies(tmp_path: Path, shared_vocab: Path) -> None:
    data = tmp_path / "data"
    run_chm("init", "--vocab", str(shared_vocab), data=data, check=True)
    query = """SELECT ?label WHERE { <http://metadata.un.org/thesaurus/1004819>
               <http://www.w3.org/2004/02/skos/core#prefLabel> ?label FILTER(LANG(?label) = "zh") }"""
    rows = bindings(run_chm("query", query, "--format", "json", data=data, check=True).stdout)
    assert [r["label"] for r in rows] == ["持久性有机污染物"]
    leo = run_chm(
        "query",
        "ASK { GRAPH <https://w3id.org/chm-kg/graph/vocab/leo> { ?c a skos:Concept } }",
        "--format",
        "json",
        data=data,
        check=True,
    )
    assert json.loads(leo.stdout)["boolean"] is True
    assert run_chm("validate", data=data).returncode == 0


def test_a_vocabulary_that_does_not_parse_is_named_and_nothing_is_written(tmp_path: Path, shared_vocab: Path) -> None:
    broken = tmp_path / "vocab"
    (broken / "leo").mkdir(parents=True)
    (broken / "leo" / "leo-skosxl.ttl").write_text('<a> <b> <c> .\n<a> <b> "open .\n', encoding="utf-8")
    data = tmp_path / "data"
    result = run_chm("init", "--vocab", str(broken), data=data)
    assert result.returncode == 1
    assert "leo-skosxl.ttl" in result.stderr and "line 2" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
    stats = run_chm("stats", "--format", "json", data=data, check=True)
    assert json.loads(stats.stdout)["triples"] == 0


def test_load_replaces_a_graph_and_a_broken_file_leaves_it_intact(store_copy: Path, tmp_path: Path) -> None:
    graph = "https://example.org/graph/partner"
    good = tmp_path / "good.ttl"
    good.write_text('<https://example.org/a> <https://example.org/p> "x" .\n', encoding="utf-8")
    run_chm("load", str(good), "--graph", graph, data=store_copy, check=True)
    broken = tmp_path / "broken.ttl"
    broken.write_text(
        '<https://example.org/a> <https://example.org/p> "x" .\n<https://example.org/b> oops .\n', encoding="utf-8"
    )
    result = run_chm("load", str(broken), "--graph", graph, data=store_copy)
    assert result.returncode == 1 and "broken.ttl" in result.stderr and "line 2" in result.stderr
    count = f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH <{graph}> {{ ?s ?p ?o }} }}"
    rows = bindings(run_chm("query", count, "--format", "json", data=store_copy, check=True).stdout)
    assert rows == [{"n": "1"}]


def test_validate_passes_on_everything_loaded(initialised_store: Path) -> None:
    result = run_chm("validate", data=initialised_store)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "FAIL" not in result.stdout and "vocab/chemicals" in result.stdout


def test_validate_names_the_node_and_the_shape_of_an_unlabelled_chemical(store_copy: Path) -> None:
    bad = DATA / "chemical-without-label.ttl"
    graph = "https://example.org/graph/bad-chemical"
    refused = run_chm("load", str(bad), "--graph", graph, data=store_copy)
    assert refused.returncode == 1 and "ChemicalShape" in refused.stderr and "nothing loaded" in refused.stderr
    run_chm("load", str(bad), "--graph", graph, "--no-validate", data=store_copy, check=True)
    result = run_chm("validate", "--format", "json", data=store_copy)
    assert result.returncode == 1
    reports = {r["graph"]: r for r in json.loads(result.stdout)}
    assert reports[graph]["conforms"] is False
    violation = next(v for v in reports[graph]["violations"] if v["focus"].endswith("/chemical/nameless"))
    assert violation["shape"].endswith("#ChemicalShape")
    assert "label" in violation["path"]
    assert all(r["conforms"] for g, r in reports.items() if g != graph)
    text = run_chm("validate", "--graph", graph, data=store_copy)
    assert text.returncode == 1
    assert "https://example.org/chemical/nameless" in text.stdout and "ChemicalShape" in text.stdout


def test_export_writes_the_dataset_and_single_graphs(initialised_store: Path, tmp_path: Path) -> None:
    path = tmp_path / "dump.nq"
    run_chm("export", "--output", str(path), data=initialised_store, check=True)
    dataset = Dataset()
    dataset.parse(path, format="nquads")
    assert len(dataset) == quad_count(initialised_store)
    trig = run_chm("export", "--format", "trig", data=initialised_store, check=True).stdout
    assert "https://w3id.org/chm-kg/graph/vocab/chemicals" in trig
    graph = "https://w3id.org/chm-kg/graph/vocab/chemicals"
    turtle = run_chm("export", "--format", "turtle", "--graph", graph, data=initialised_store, check=True).stdout
    jsonld = run_chm("export", "--format", "jsonld", "--graph", graph, data=initialised_store, check=True).stdout
    assert len(Graph().parse(data=turtle, format="turtle")) == len(Graph().parse(data=jsonld, format="json-ld")) > 100
    refused = run_chm("export", "--format", "turtle", "--output", str(tmp_path / "all.ttl"), data=initialised_store)
    assert refused.returncode == 1 and "--graph" in refused.stderr
    assert not (tmp_path / "all.ttl").exists()


def test_stats_counts_graphs_and_classes(initialised_store: Path) -> None:
    figures = json.loads(run_chm("stats", "--format", "json", data=initialised_store, check=True).stdout)
    graphs = {g["graph"]: g["triples"] for g in figures["graphs"]}
    assert graphs["https://w3id.org/chm-kg/graph/ontology"] > 500
    assert figures["triples"] == sum(graphs.values()) == quad_count(initialised_store)
    classes = {c["class"]: c["instances"] for c in figures["classes"]}
    assert classes["https://w3id.org/chm-kg/ontology#Country"] >= 240
    assert classes["https://w3id.org/chm-kg/ontology#Chemical"] >= 30
    table = run_chm("stats", data=initialised_store, check=True).stdout
    assert "chm:Chemical" in table
