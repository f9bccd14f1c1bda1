"""The on-disk store: atomic replacement of named graphs, the catalog, SPARQL errors, export."""

from __future__ import annotations

import io
import subprocess
import sys
from pathlib import Path

import pyoxigraph as ox
import pytest
from rdflib import Dataset

from graph import catalog
from graph.errors import (
    GraphError,
    QuerySyntaxError,
    RdfSyntaxError,
    StoreLockedError,
    StoreNotFoundError,
    UnsupportedFormatError,
)
from graph.formats import rdf_syntax
from graph.store import CATALOG_GRAPH, STAGING_PREFIX, GraphLoad, GraphStore

TURTLE = rdf_syntax("turtle")
G1 = "https://example.org/graph/one"
G2 = "https://example.org/graph/two"
GOOD = b'@prefix ex: <https://example.org/> .\nex:a ex:p "one" ; ex:q ex:b .\n'
GOOD_2 = b'@prefix ex: <https://example.org/> .\nex:c ex:p "two" .\n'
BROKEN = b'@prefix ex: <https://example.org/> .\nex:a ex:p "unterminated .\n'


def triples(store: GraphStore, graph: str) -> set[tuple[str, str, str]]:
    return {(str(q.subject), str(q.predicate), str(q.object)) for q in store.graph_quads(graph)}


def staging_graphs(store: GraphStore) -> list[str]:
    return [g.graph for g in store.graphs() if g.graph.startswith(STAGING_PREFIX)]


@pytest.fixture
def store(tmp_path: Path):
    with GraphStore.create(tmp_path / "data") as opened:
        yield opened


def test_replace_graph_loads_and_replaces_without_duplicates(store: GraphStore) -> None:
    store.replace_graph(G1, GOOD, TURTLE, source="good.ttl")
    store.replace_graph(G1, GOOD, TURTLE, source="good.ttl")
    assert len(triples(store, G1)) == 2
    store.replace_graph(G1, GOOD_2, TURTLE, source="good2.ttl")
    assert triples(store, G1) == {("<https://example.org/c>", "<https://example.org/p>", '"two"')}


def test_failed_parse_leaves_the_old_graph_intact(store: GraphStore) -> None:
    store.replace_graph(G1, GOOD, TURTLE, source="good.ttl")
    before = triples(store, G1)
    with pytest.raises(RdfSyntaxError, match=r"broken\.ttl: turtle does not parse: .*line 2"):
        store.replace_graph(G1, BROKEN, TURTLE, source="broken.ttl")
    assert triples(store, G1) == before
    assert store.graph_sha256(G1) is not None
    assert staging_graphs(store) == []


def test_a_failing_check_aborts_the_replacement(store: GraphStore) -> None:
    store.replace_graph(G1, GOOD, TURTLE, source="good.ttl")
    before = triples(store, G1)
    seen: list[int] = []

    def refuse(s: GraphStore, staging: str) -> None:
        seen.append(len(triples(s, staging)))
        raise GraphError("refused by the check")

    with pytest.raises(GraphError, match="refused"):
        store.replace_graph(G1, GOOD_2, TURTLE, source="two.ttl", check=refuse)
    assert seen == [1], "the check sees the staged data"
    assert triples(store, G1) == before
    assert staging_graphs(store) == []


def test_replace_graphs_is_all_or_nothing(store: GraphStore) -> None:
    store.replace_graph(G1, GOOD, TURTLE, source="good.ttl")
    before = triples(store, G1)
    with pytest.raises(RdfSyntaxError):
        store.replace_graphs([GraphLoad(G1, GOOD_2, TURTLE, "two.ttl"), GraphLoad(G2, BROKEN, TURTLE, "broken.ttl")])
    assert triples(store, G1) == before
    assert not store.has_graph(G2)
    infos = store.replace_graphs([GraphLoad(G1, GOOD_2, TURTLE, "two.ttl"), GraphLoad(G2, GOOD, TURTLE, "good.ttl")])
    assert [i.triples for i in infos] == [1, 2]
    assert len(triples(store, G2)) == 2


def test_a_dataset_file_with_named_graphs_is_refused(store: GraphStore) -> None:
    trig = b"<https://example.org/g> { <https://example.org/a> <https://example.org/p> 1 . }"
    with pytest.raises(RdfSyntaxError, match="holds named graph"):
        store.replace_graph(G1, trig, rdf_syntax("trig"), source="x.trig")
    assert not store.has_graph(G1)


def test_catalog_records_source_checksum_and_size(store: GraphStore) -> None:
    info = store.replace_graph(G1, GOOD, TURTLE, source="good.ttl")
    listed = {g.graph: g for g in store.graphs()}[G1]
    assert listed.source == "good.ttl"
    assert listed.sha256 == info.sha256 == store.graph_sha256(G1)
    assert listed.triples == 2
    assert store.graph_sha256(G2) is None


def test_drop_graph_removes_data_and_catalog_entry(store: GraphStore) -> None:
    store.replace_graph(G1, GOOD, TURTLE, source="good.ttl")
    assert store.drop_graph(G1) is True
    assert not store.has_graph(G1)
    assert store.graph_sha256(G1) is None
    assert store.drop_graph(G1) is False


def test_query_sees_the_union_of_named_graphs_and_reports_syntax_errors(store: GraphStore) -> None:
    store.replace_graph(G1, GOOD, TURTLE, source="a")
    store.replace_graph(G2, GOOD_2, TURTLE, source="b")
    rows = store.select("SELECT ?s WHERE { ?s <https://example.org/p> ?o } ORDER BY ?s")
    assert [r["s"].value for r in rows] == ["https://example.org/a", "https://example.org/c"]
    with pytest.raises(QuerySyntaxError, match=r"error at 1:\d+"):
        store.query("SELECT ?s WHERE { ?s ?p }")
    with pytest.raises(QuerySyntaxError):
        store.update("INSERT DATA { <a> }")


def test_store_persists_on_disk_and_refuses_a_second_writer(tmp_path: Path) -> None:
    path = tmp_path / "data"
    with GraphStore.create(path) as store:
        store.replace_graph(G1, GOOD, TURTLE, source="good.ttl")
        with pytest.raises(StoreLockedError, match="open for writing in another process"):
            GraphStore.open(path)
    with GraphStore.open(path) as reopened:
        assert len(triples(reopened, G1)) == 2
    with GraphStore.open(path, read_only=True) as reader, GraphStore.open(path, read_only=True) as other:
        assert reader.has_graph(G1) and other.has_graph(G1)


def test_reading_beside_a_writer_in_another_process_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "data"
    GraphStore.create(path).close()
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            f"from graph.store import GraphStore; from pathlib import Path; import sys, time;"
            f"s = GraphStore.open(Path({str(path)!r})); print('open', flush=True); sys.stdin.read()",
        ],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
        cwd=Path(__file__).resolve().parents[2],
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "open"
        with pytest.raises(StoreLockedError, match="reading it beside a writer is unsafe"):
            GraphStore.open(path, read_only=True)
    finally:
        holder.communicate("")
    with GraphStore.open(path, read_only=True) as reader:
        assert len(reader) == 0


def test_opening_a_missing_store_names_it_and_creates_nothing(tmp_path: Path) -> None:
    missing = tmp_path / "nowhere"
    with pytest.raises(StoreNotFoundError, match="chm init"):
        GraphStore.open(missing)
    assert not missing.exists()


def test_stale_staging_graphs_are_removed_on_open(tmp_path: Path) -> None:
    path = tmp_path / "data"
    with GraphStore.create(path) as store:
        store.update(f"INSERT DATA {{ GRAPH <{STAGING_PREFIX}dead> {{ <https://e.org/a> <https://e.org/p> 1 }} }}")
    with GraphStore.open(path) as store:
        assert staging_graphs(store) == []


def test_export_dataset_and_graph(store: GraphStore) -> None:
    store.replace_graph(G1, GOOD, TURTLE, source="a")
    store.replace_graph(G2, GOOD_2, TURTLE, source="b")
    buffer = io.BytesIO()
    store.export(buffer, rdf_syntax("nquads"))
    dataset = Dataset()
    dataset.parse(data=buffer.getvalue(), format="nquads")
    assert len(dataset) == len(store)
    turtle = io.BytesIO()
    store.export(turtle, rdf_syntax("turtle"), graph=G1)
    assert b"unterminated" not in turtle.getvalue() and b'"one"' in turtle.getvalue()
    with pytest.raises(UnsupportedFormatError, match="single graph"):
        store.export(io.BytesIO(), rdf_syntax("turtle"))
    with pytest.raises(GraphError, match="no named graph"):
        store.export(io.BytesIO(), rdf_syntax("turtle"), graph="https://example.org/none")


# ---- the catalog follows SPARQL updates and additions ------------------------------------------


def entry(store: GraphStore, graph: str) -> dict[str, str]:
    """The catalog entry of `graph`, property local name → value."""
    rows = store.select(f"SELECT ?p ?o WHERE {{ GRAPH <{CATALOG_GRAPH}> {{ <{graph}> ?p ?o }} }}")
    return {row["p"].value.rsplit("#", 1)[-1].rsplit("/", 1)[-1]: row["o"].value for row in rows}


def test_an_update_that_drops_or_clears_graphs_removes_or_marks_their_entries(store: GraphStore) -> None:
    store.replace_graph(G1, GOOD, TURTLE, source="good.ttl")
    store.replace_graph(G2, GOOD_2, TURTLE, source="two.ttl")
    store.update(f"DROP GRAPH <{G1}>")
    assert entry(store, G1) == {}
    assert entry(store, G2)["sha256"] and entry(store, G2)["triples"] == "1"
    store.update(f"CLEAR GRAPH <{G2}>")  # emptied, but still there
    assert store.graph_sha256(G2) is None and entry(store, G2)["triples"] == "0"
    store.update("DROP ALL")
    assert store.graphs() == []


def test_an_update_that_changes_a_graph_refreshes_its_size_and_drops_its_checksum(store: GraphStore) -> None:
    store.replace_graph(G1, GOOD, TURTLE, source="good.ttl")
    store.replace_graph(G2, GOOD_2, TURTLE, source="two.ttl")
    before = entry(store, G1)
    store.update(f'PREFIX ex: <https://example.org/graph/>\nINSERT DATA {{ GRAPH ex:one {{ <{G1}> <{G1}> "x" }} }}')
    after = entry(store, G1)
    assert "sha256" not in after and after["triples"] == "3" and after["source"] == "good.ttl"
    assert after["modified"] >= before["modified"]
    assert store.graph_sha256(G2) is not None, "a graph the update does not write keeps its checksum"
    # a graph written through a variable: marked when its size changed (G2 here), not otherwise
    store.replace_graph(G1, GOOD, TURTLE, source="good.ttl")
    store.update('DELETE { GRAPH ?g { ?s ?p "two" } } WHERE { GRAPH ?g { ?s ?p "two" } }')
    assert store.graph_sha256(G2) is None and entry(store, G2)["triples"] == "0"
    assert store.graph_sha256(G1) is not None


def test_adding_quads_to_a_catalogued_graph_refreshes_its_entry(store: GraphStore) -> None:
    store.replace_graph(G1, GOOD, TURTLE, source="good.ttl")
    extra = ox.Quad(ox.NamedNode(G1), ox.NamedNode(G1), ox.Literal("x"), ox.NamedNode(G1))
    store.add_quads([extra], graph=G1)
    assert store.graph_sha256(G1) is None and entry(store, G1)["triples"] == "3"


def test_the_catalog_refresh_runs_in_the_update_s_own_transaction(store: GraphStore) -> None:
    # The refresh is joined to the update (`update ; refresh`): it must parse after any update that ends cleanly.
    follow = catalog.refresh([G1], any_graph=True, modified="2026-01-01T00:00:00+00:00")
    update = "PREFIX : <https://example.org/>\nBASE <https://example.org/base/>\nINSERT DATA { :a :b :c } # done"
    ox.Store().update(f"{update}\n;\n{follow}")
    # An update that does not end cleanly is run alone, its errors unchanged, then the refresh.
    store.replace_graph(G1, GOOD, TURTLE, source="good.ttl")
    store.update(f"DROP GRAPH <{G1}> ;")
    assert entry(store, G1) == {}
    with pytest.raises(QuerySyntaxError, match="error at 1:20"):
        store.update("INSERT DATA { <a> }")
