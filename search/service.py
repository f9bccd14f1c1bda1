"""The search: a question in any language → the paragraphs that answer it, in every language.

Three lists are fused (search/hybrid.py): dense (the question's vector against every paragraph's;
in hybrid mode against each paragraph's two views, search/index.py), lexical (BM25 in the
question's language) and entity (the paragraphs about the entities the question names through their
labels in any language). Facet filters are resolved in the graph and apply to every list alike;
none of the lists pre-filters another.
"""

from __future__ import annotations

import logging
import threading
import time
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cached_property, partial
from typing import TYPE_CHECKING

import numpy as np

from graph import paragraphs as graph_paragraphs
from graph.paragraphs import ParagraphView
from graph.store import GraphStore
from ingest.language import detect_language
from ontology import UN_LANGUAGES
from search.concepts import ConceptBridge
from search.embed import Embedder
from search.errors import BadSearchRequestError, UnsupportedLanguageError
from search.hybrid import WEIGHTS, Contribution, fuse, scaled
from search.index import SearchIndex, SyncReport

if TYPE_CHECKING:
    from ingest.nlp import Pipelines, Recognised

log = logging.getLogger(__name__)

MAX_QUESTION_CHARS = 2000
MAX_K = 100
#: Each list brings this many candidates (at least k) to the fusion.
POOL = 100
#: In hybrid mode the lexical list brings up to this many paragraphs (every one with a positive
#: BM25 score, on the corpus): a small lexical boost counts beyond the first hundred too.
LEXICAL_POOL = 1000
MODES = ("hybrid", "dense", "lexical")
#: Scripts of the languages the packaged encoders cover (first word of a letter's Unicode name).
_COVERED_SCRIPTS = {"LATIN", "ARABIC", "CYRILLIC", "CJK", "HIRAGANA", "KATAKANA", "HANGUL", "THAI"}


@dataclass
class SearchRequest:
    text: str
    k: int = 10
    lang: str | None = None  # keep only hits in this language
    convention: str | None = None
    chemical: str | None = None
    party: str | None = None
    region: str | None = None
    kind: str | None = None
    year: int | None = None
    mode: str = "hybrid"

    def facets(self) -> dict[str, str]:
        names = ("convention", "chemical", "party", "region", "kind")
        return {name: value for name in names if (value := getattr(self, name))}


@dataclass(kw_only=True)
class Hit(ParagraphView):
    """A paragraph found: what it shows, its place, its fused score and why it matched."""

    rank: int
    score: float
    why: dict[str, Contribution]


@dataclass
class SearchResults:
    question: str
    language: str | None  # detected (or None when too short to tell)
    k: int
    mode: str
    entities: list[dict[str, str]]  # the entities the question names
    concepts: list[str]  # the thesaurus concepts whose labels in other languages joined the lexical query
    filters: dict[str, list[str]]  # facet → the entities it resolved to
    hits: list[Hit] = field(default_factory=list)
    seconds: float = 0.0


class Searcher:
    """Answers SearchRequests over a store and the index kept in step with it."""

    def __init__(self, store: GraphStore, index: SearchIndex, embedder: Embedder) -> None:
        self.store = store
        self.index = index
        self.embedder = embedder
        self._nlp_lock = threading.Lock()
        self._refresh_lock = threading.Lock()
        self._closing = threading.Event()
        self._warming: threading.Thread | None = None

    @cached_property
    def pipelines(self) -> Pipelines:
        # spaCy loads here, not when this module does: `chm query`, `export` or `gaps` without the
        # needs part import the CLI's search commands but never recognise a question (2.8 s saved).
        from ingest.nlp import Gazetteer, Pipelines

        return Pipelines(Gazetteer.from_store(self.store))

    @cached_property
    def concepts(self) -> ConceptBridge:
        return ConceptBridge.from_store(self.store)

    def warm(self, *, background: bool = True) -> None:
        """Build the question pipelines of the six languages and load the model now (in a thread
        by default), so that the first question in each language is not the slow one."""

        def build() -> None:
            steps: list[Callable[[], object]] = [lambda: self.dense_vector("warm up"), lambda: self.concepts]
            steps += [partial(self._pipeline, language) for language in UN_LANGUAGES]
            for step in steps:
                if self._closing.is_set():  # the service is stopping: its store is about to close
                    return
                step()

        if background:
            self._warming = threading.Thread(target=build, name="chm-search-warm", daemon=True)
            self._warming.start()
        else:
            build()

    def _pipeline(self, language: str) -> None:
        with self._nlp_lock:
            self.pipelines.get(language)

    def close(self, timeout_s: float = 60) -> None:
        """Stop warming up and wait for the step under way, so the store can be closed after."""
        self._closing.set()
        if self._warming is not None:
            self._warming.join(timeout_s)

    def _recognise(self, text: str, language: str | None) -> list[Recognised]:
        from ingest.nlp import recognise

        with self._nlp_lock:  # spaCy pipelines are built lazily and are not shared across threads safely
            return recognise(self.pipelines, text, language)

    def search(self, request: SearchRequest) -> SearchResults:
        """Raises BadSearchRequestError (and UnsupportedLanguageError) naming what is wrong."""
        started = time.perf_counter()
        text = _check(request)
        language = detect_language(text) or _script_language(text)
        self._check_language(text, language)
        k = min(max(request.k, 1), MAX_K)
        index = self.index  # one index for the whole search, even if a refresh swaps it meanwhile
        allowed, filters = self._allowed(index, request)
        recognised = self._recognise(text, language) if request.mode == "hybrid" else []
        concepts = self.concepts.match(text, language) if request.mode != "dense" else []
        extra = self.concepts.other_language_terms(concepts, language)
        entities = [r.iri for r in recognised]
        # Asked for hits in another language than its own, a question has no words in common with
        # them but numbers and names: BM25 would only reorder what the encoder ranked (measured on
        # sdg-xling), so the lexical list sits out unless lexical search is what was asked.
        lexical = request.mode == "lexical" or not (request.lang and language and request.lang != language)
        lists = self._lists(index, text, language, request.mode, lexical, max(POOL, k), allowed, entities, extra)
        fused = fuse(lists, weights=scaled(WEIGHTS, self.embedder.spread))[:k]
        iris = [index.iris[f.id] or "" for f in fused]
        views = graph_paragraphs.paragraph_views(self.store, iris, [language] if language else [])
        hits = [
            _hit(rank, f.score, f.why, views[iri])
            for rank, (f, iri) in enumerate(zip(fused, iris, strict=True), start=1)
            if iri in views
        ]
        return SearchResults(
            question=text,
            language=language,
            k=k,
            mode=request.mode,
            entities=[{"iri": r.iri, "class": r.cls, "text": r.text} for r in recognised],
            concepts=sorted({c.concept for c in concepts}),
            filters=filters,
            hits=hits,
            seconds=round(time.perf_counter() - started, 4),
        )

    def refresh(self) -> SyncReport:
        """Bring the index in step with the store after a write: a fresh copy is synced and
        swapped in, so searches running meanwhile keep a whole index. One refresh at a time."""
        with self._refresh_lock:
            fresh = SearchIndex.open(self.index.folder, self.embedder)
            report = fresh.sync(self.store, self.embedder)
            if report.changed:
                self.index = fresh
                self.__dict__.pop("concepts", None)  # labels may have changed too
            return report

    def dense_vector(self, text: str) -> np.ndarray:
        return self.embedder.encode_queries([text])[0]

    # ---- the three lists ------------------------------------------------------------------------

    def _lists(
        self,
        index: SearchIndex,
        text: str,
        language: str | None,
        mode: str,
        lexical: bool,
        pool: int,
        allowed: np.ndarray | None,
        entities: list[str],
        extra_terms: list[str],
    ) -> dict[str, list[tuple[int, float]]]:
        """The ranked (row, score) lists to fuse. In hybrid mode every candidate any list brings is
        in the dense list, scored by its views (search/index.py), so the fusion compares them on one
        scale; in dense mode the dense list is the paragraph vectors' cosine alone."""
        lists: dict[str, list[tuple[int, float]]] = {}
        vector = self.dense_vector(text) if mode != "lexical" else None
        if mode != "dense" and lexical:
            size = pool if mode == "lexical" else max(pool, LEXICAL_POOL)
            lists["lexical"] = index.lexical.search(text, language, size, allowed=allowed, extra_terms=extra_terms)
        if vector is None:
            return lists
        hits = index.dense.search(vector, pool, allowed=allowed, vectors=index.vectors)
        if mode == "dense":
            lists["dense"] = [(h.id, h.score) for h in hits]
            return lists
        candidates = [h.id for h in hits] + [row for row, _ in lists.get("lexical", [])]
        about = np.zeros(0, dtype=np.int64)
        if entities:
            about = _rows(index, graph_paragraphs.paragraphs_mentioning(self.store, entities))
            if allowed is not None:
                about = np.intersect1d(about, allowed)
            candidates += [h.id for h in index.dense.search(vector, pool, allowed=about, vectors=index.vectors)]
        rows = np.unique(np.asarray(candidates, dtype=np.int64))
        scores = index.view_scores(rows, vector)
        order = np.lexsort((rows, -scores))
        lists["dense"] = [(int(rows[i]), float(scores[i])) for i in order]
        if len(about):
            named = set(about.tolist())
            lists["entity"] = [(row, score) for row, score in lists["dense"] if row in named]
        return lists

    # ---- filters ----------------------------------------------------------------------------------

    def _allowed(self, index: SearchIndex, request: SearchRequest) -> tuple[np.ndarray | None, dict[str, list[str]]]:
        """The rows the facets keep (None: no facet), and what each facet value resolved to."""
        sets: list[np.ndarray] = []
        filters: dict[str, list[str]] = {}
        for facet, value in request.facets().items():
            entities = graph_paragraphs.resolve(self.store, facet, value)
            if not entities:
                raise BadSearchRequestError(f"unknown {facet} {value!r}: no {facet} has that name, code or IRI")
            filters[facet] = entities
            sets.append(_rows(index, graph_paragraphs.paragraphs_for(self.store, facet, entities)))
        if request.year is not None:
            filters["year"] = [str(request.year)]
            sets.append(_rows(index, graph_paragraphs.paragraphs_of_year(self.store, request.year)))
        if request.lang:
            filters["lang"] = [request.lang]
            languages = np.array([lang == request.lang for lang in index.languages], dtype=bool)
            sets.append(np.flatnonzero(languages).astype(np.int64))
        if not sets:
            return None, filters
        allowed = sets[0]
        for other in sets[1:]:
            allowed = np.intersect1d(allowed, other)
        return allowed, filters

    def _check_language(self, text: str, language: str | None) -> None:
        covered = self.embedder.languages
        if covered is None:
            return
        if language is not None and language not in covered and language not in UN_LANGUAGES:
            raise UnsupportedLanguageError(
                f"the question is in {language!r}, which the model {self.embedder.name} does not cover "
                f"(it covers {', '.join(sorted(covered))})"
            )
        scripts = _scripts(text)
        foreign = sum(n for script, n in scripts.items() if script not in _COVERED_SCRIPTS)
        if foreign > sum(scripts.values()) / 2:
            main = max(scripts, key=lambda s: scripts[s])
            raise UnsupportedLanguageError(
                f"the question is written in the {main.title()} script, which the model {self.embedder.name} "
                f"does not cover (it covers {', '.join(sorted(covered))})"
            )


def _rows(index: SearchIndex, iris: set[str]) -> np.ndarray:
    rows = [row for iri in iris if (row := index.row_of.get(iri)) is not None]
    return np.array(sorted(rows), dtype=np.int64)


def _check(request: SearchRequest) -> str:
    text = " ".join(request.text.split())
    if not text:
        raise BadSearchRequestError("the question is empty: give q=...")
    if len(text) > MAX_QUESTION_CHARS:
        raise BadSearchRequestError(
            f"the question has {len(text)} characters; at most {MAX_QUESTION_CHARS} are searched: shorten it"
        )
    if request.mode not in MODES:
        raise BadSearchRequestError(f"unknown mode {request.mode!r}; use one of {', '.join(MODES)}")
    if request.lang is not None and not request.lang.isalpha():
        raise BadSearchRequestError(f"lang must be a language code such as fr, not {request.lang!r}")
    if request.year is not None and not 1900 <= request.year <= 2100:
        raise BadSearchRequestError(f"year must be between 1900 and 2100, not {request.year}")
    return text


def _scripts(text: str) -> dict[str, int]:
    counts: dict[str, int] = {}
    for char in text:
        if char.isalpha():
            script = unicodedata.name(char, "UNKNOWN").split()[0]
            counts[script] = counts.get(script, 0) + 1
    return counts


def _script_language(text: str) -> str | None:
    """A language from the script alone, for questions too short for the detector."""
    scripts = _scripts(text)
    if not scripts:
        return None
    main = max(scripts, key=lambda s: scripts[s])
    return {"CJK": "zh", "ARABIC": "ar"}.get(main)


def _hit(rank: int, score: float, why: dict[str, Contribution], view: ParagraphView) -> Hit:
    return Hit(**vars(view), rank=rank, score=round(score, 6), why=why)


class BackgroundRefresher:
    """Keeps a Searcher in step with the store after writes, off the request path: each write asks
    for a refresh; one thread runs them, and asks made while one runs are folded into the next."""

    def __init__(self, searcher: Searcher) -> None:
        self.searcher = searcher
        self._asked = threading.Event()
        self._stopped = False
        self._thread = threading.Thread(target=self._run, name="chm-search-refresh", daemon=True)
        self._thread.start()

    def request(self) -> None:
        self._asked.set()

    def _run(self) -> None:
        while True:
            self._asked.wait()
            if self._stopped:
                return
            self._asked.clear()
            try:
                report = self.searcher.refresh()
                log.info("search index refreshed: %d added, %d removed", report.added, report.removed)
            except Exception:  # a failed refresh keeps the previous index; the next write retries
                log.exception("search index refresh failed")

    def stop(self) -> None:
        self._stopped = True
        self._asked.set()
        self._thread.join(timeout=30)
