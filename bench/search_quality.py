"""Retrieval quality: cross-lingual on sdg-xling (30 language pairs), and questions over the corpus.

Each is measured twice: the raw encoder alone (numpy cosine, no service) and through the Searcher
in its three modes. Hybrid searches keep the lists they fused, so other fusion settings (the
weights) are replayed on exactly what the service retrieved instead of searching again.
"""

from __future__ import annotations

import json
import time
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pyoxigraph as ox

from bench.search_common import (
    CUTOFF,
    CachedEmbedder,
    Fusion,
    RecordingSearcher,
    compact,
    document_quads,
    log,
    macro,
    metrics,
    paragraph_quads,
    rank_of,
)
from graph.store import GraphStore
from search.embed import Embedder
from search.index import SearchIndex
from search.service import SearchRequest

LANGUAGES = ("ar", "en", "es", "fr", "ru", "zh")
MODES = ("dense", "lexical", "hybrid")
PAIRS = [(a, b) for a in LANGUAGES for b in LANGUAGES if a != b]
SDG_BASE = "https://w3id.org/chm-kg/id/bench/sdg"


def pair_name(a: str, b: str) -> str:
    return f"{a}>{b}"


# ---- sdg-xling ----------------------------------------------------------------------------------


@dataclass
class Sdg:
    rows: list[dict]
    by_lang: dict[str, list[int]]  # row indexes of each language, in group order

    @classmethod
    def load(cls, path: Path) -> Sdg:
        rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
        groups = sorted({r["group"] for r in rows})
        where = {(r["group"], r["lang"]): i for i, r in enumerate(rows)}
        missing = [(g, lang) for g in groups for lang in LANGUAGES if (g, lang) not in where]
        if missing:
            raise SystemExit(f"{path}: groups lack languages, first {missing[0]}")
        return cls(rows, {lang: [where[(g, lang)] for g in groups] for lang in LANGUAGES})

    def iri(self, row: int) -> str:
        r = self.rows[row]
        return f"{SDG_BASE}/{r['lang']}/{r['group'].replace(':', '-')}"


def sdg_raw(sdg: Sdg, embedder: Embedder) -> dict:
    """Ranks of the right passage per pair from the encoder alone: queries encoded as queries,
    candidates as passages, cosine in numpy."""
    texts = [r["text"] for r in sdg.rows]
    started = time.perf_counter()
    log(f"sdg raw {embedder.name}: encoding {len(texts)} queries and {len(texts)} passages")
    queries = embedder.encode_queries(texts)
    passages = queries if embedder.encode_passages == embedder.encode_queries else embedder.encode_passages(texts)
    seconds = time.perf_counter() - started
    ranks: dict[str, list[int | None]] = {}
    for a, b in PAIRS:
        scores = queries[sdg.by_lang[a]] @ passages[sdg.by_lang[b]].T
        right = np.diag(scores)[:, None]
        ranks[pair_name(a, b)] = (1 + (scores > right).sum(axis=1)).tolist()
    return {"ranks": ranks, "encode_s": round(seconds, 1)}


def sdg_store(sdg: Sdg, path: Path) -> GraphStore:
    """The 1,188 passages as paragraphs of one document per language (no heading)."""
    store = GraphStore.create(path)
    graph = ox.NamedNode("https://w3id.org/chm-kg/graph/bench/sdg")
    quads: list[ox.Quad] = []
    for lang in LANGUAGES:
        quads += document_quads(f"{SDG_BASE}/{lang}", f"SDG targets and indicators ({lang})", graph)
    for i, r in enumerate(sdg.rows):
        quads += paragraph_quads(sdg.iri(i), r["text"], r["lang"], f"{SDG_BASE}/{r['lang']}", graph)
    store.add_quads(quads, graph=graph.value)
    return store


@dataclass
class ServiceRun:
    """Ranks per mode and key (a pair, or a language), and the lists of every hybrid search."""

    ranks: dict[str, dict[str, list[int | None]]] = field(default_factory=lambda: defaultdict(dict))
    lists: dict[str, list[dict]] = field(default_factory=lambda: defaultdict(list))
    right: dict[str, list[set[str]]] = field(default_factory=lambda: defaultdict(list))
    languages: dict[str, list[str | None]] = field(default_factory=lambda: defaultdict(list))  # detected
    filters: dict[str, str | None] = field(default_factory=dict)  # the lang= of each key's requests
    mismatches: int = 0  # replayed default fusion differing from the service's own answer
    seconds: float = 0.0
    searches: int = 0


def sdg_service(sdg: Sdg, embedder: Embedder, tmp: Path) -> tuple[ServiceRun, SearchIndex]:
    store = sdg_store(sdg, tmp / "sdg-store")
    cached = CachedEmbedder(embedder)
    index = SearchIndex.open_or_create(tmp / "sdg-index", cached)  # type: ignore[arg-type]
    log("sdg service: syncing the index")
    index.sync(store, cached)  # type: ignore[arg-type]
    searcher = RecordingSearcher(store, index, cached)  # type: ignore[arg-type]
    run = ServiceRun()
    ranks: dict[str, dict[str, list[int | None]]] = {m: defaultdict(list) for m in MODES}
    started = time.perf_counter()
    for n, a in enumerate(LANGUAGES):
        log(f"sdg service: queries in {a} ({n + 1}/6)")
        for q, b_rows in _sdg_queries(sdg, a):
            for b, right in b_rows:
                key = pair_name(a, b)
                for mode in MODES:
                    results = searcher.search(SearchRequest(text=q, k=10, lang=b, mode=mode))
                    ranks[mode][key].append(rank_of([h.iri for h in results.hits], right))
                    if mode == "hybrid":
                        run.lists[key].append(compact(searcher.last))
                        run.right[key].append(right)
                        run.languages[key].append(results.language)
                        run.filters[key] = b
                    run.searches += 1
    run.seconds = time.perf_counter() - started
    run.ranks = {m: dict(v) for m, v in ranks.items()}
    store.close()
    return run, index


def _sdg_queries(sdg: Sdg, a: str):  # type: ignore[no-untyped-def]
    for position, row in enumerate(sdg.by_lang[a]):
        targets = [(b, {sdg.iri(sdg.by_lang[b][position])}) for b in LANGUAGES if b != a]
        yield sdg.rows[row]["text"], targets


def replay(run: ServiceRun, index: SearchIndex, fusion: Fusion, top: int = CUTOFF) -> dict[str, list[int | None]]:
    """Ranks per key had the hybrid search fused its lists with `fusion` (within `top`)."""
    out = {}
    for key, all_lists in run.lists.items():
        lang = run.filters.get(key)
        out[key] = [
            rank_of([index.iris[i] or "" for i in fusion.ids(lists, language, index.languages, lang, top)], right)
            for lists, right, language in zip(all_lists, run.right[key], run.languages[key], strict=True)
        ]
    return out


def check_replay(run: ServiceRun, index: SearchIndex, default: Fusion) -> int:
    """How many hybrid answers the replay of the default setting gets differently (should be 0)."""
    replayed = replay(run, index, default)
    return sum(
        1
        for key, ranks in replayed.items()
        for mine, theirs in zip(ranks, run.ranks["hybrid"][key], strict=True)
        if mine != theirs
    )


def summarise(ranks: dict[str, list[int | None]]) -> dict:
    per = {key: metrics(r) for key, r in ranks.items()}
    return {"macro": macro(per), "per": per}


def below_raw(service: dict[str, list[int | None]], raw: dict[str, list[int | None]]) -> list[dict]:
    """Pairs where the service's Recall@1 is below the raw encoder's."""
    out = []
    for key in raw:
        s, r = metrics(service[key])["recall@1"], metrics(raw[key])["recall@1"]
        if s < r:
            out.append({"pair": key, "service": s, "raw": r, "delta": round(s - r, 4)})
    return sorted(out, key=lambda x: x["delta"])


# ---- corpus questions ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Question:
    item: str
    language: str
    text: str
    right: frozenset[str]


def load_questions(path: Path) -> list[Question]:
    items = json.loads(path.read_text(encoding="utf-8"))["items"]
    return [
        Question(item["id"], lang, text, frozenset([item["paragraph"], *item.get("also_relevant", [])]))
        for item in items
        for lang, text in sorted(item["questions"].items())
    ]


def corpus_raw(
    questions: Sequence[Question], index: SearchIndex, embedder: Embedder, *, views: bool = False
) -> dict[str, list[int | None]]:
    """Ranks from the encoder alone: question vectors against every paragraph vector of `index`
    (with `views`, the mean cosine of each paragraph's two views, as hybrid search scores them)."""
    live = np.array(sorted(index.row_of.values()), dtype=np.int64)
    vectors = index.vectors[live]
    iris = [index.iris[i] or "" for i in live.tolist()]
    queries = embedder.encode_queries([q.text for q in questions])
    scored = queries @ vectors.T
    if views:
        scored = (scored + queries @ index.text_vectors[live].T) / 2
    ranks: dict[str, list[int | None]] = defaultdict(list)
    for q, scores in zip(questions, scored, strict=True):
        order = np.argsort(-scores, kind="stable")  # the full rank, so a miss still says how far
        ranks[q.language].append(rank_of([iris[i] for i in order], set(q.right)))
    return dict(ranks)


def corpus_service(
    questions: Sequence[Question], store: GraphStore, index: SearchIndex, embedder: Embedder
) -> ServiceRun:
    """Ranks per mode and language, and the lists of every hybrid search."""
    searcher = RecordingSearcher(store, index, embedder)
    run = ServiceRun()
    ranks: dict[str, dict[str, list[int | None]]] = {m: defaultdict(list) for m in MODES}
    started = time.perf_counter()
    for q in questions:
        for mode in MODES:
            results = searcher.search(SearchRequest(text=q.text, k=10, mode=mode))
            rank = rank_of([h.iri for h in results.hits], set(q.right))
            ranks[mode][q.language].append(rank)
            if mode == "hybrid":
                run.lists[q.language].append(compact(searcher.last))
                run.right[q.language].append(set(q.right))
                run.languages[q.language].append(results.language)
            run.searches += 1
    run.seconds = time.perf_counter() - started
    run.ranks = {m: dict(v) for m, v in ranks.items()}
    return run


def item_ranks(
    questions: Sequence[Question], run: ServiceRun, index: SearchIndex, fusion: Fusion, item: str
) -> dict[str, int | None]:
    """The rank of one item's paragraph in each language, had the hybrid search used `fusion`."""
    replayed = replay(run, index, fusion, top=1000)  # beyond 10: how far the fused lists put it
    position: dict[str, int] = defaultdict(int)
    out = {}
    for q in questions:
        i = position[q.language]
        position[q.language] += 1
        if q.item == item:
            out[q.language] = replayed[q.language][i]
    return out
