"""What the parts of bench/bench_search.py share: rank metrics, printing, a query-caching embedder,
a Searcher that keeps the ranked lists it fused (so other fusion settings can be replayed on
them), and the paragraphs of a synthetic or benchmark store written as quads."""

from __future__ import annotations

import inspect
import re
import statistics
import time
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import pyoxigraph as ox

from search.embed import Embedder
from search.hybrid import fuse
from search.service import Searcher

CHM = "https://w3id.org/chm-kg/ontology#"
SCHEMA_TEXT = ox.NamedNode("https://schema.org/text")
DCT_LANGUAGE = ox.NamedNode("http://purl.org/dc/terms/language")
DCT_TITLE = ox.NamedNode("http://purl.org/dc/terms/title")
RDF_TYPE = ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
PARAGRAPH = ox.NamedNode(CHM + "Paragraph")
DOCUMENT = ox.NamedNode(CHM + "Document")
PARAGRAPH_OF = ox.NamedNode(CHM + "paragraphOf")
MENTIONS = ox.NamedNode(CHM + "mentions")
CUTOFF = 10  # MRR is MRR@10 everywhere: the service answers k=10


def log(message: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {message}", flush=True)


# ---- metrics ------------------------------------------------------------------------------------


def metrics(ranks: Sequence[int | None]) -> dict[str, float]:
    """Recall@1, Recall@10 and MRR@10 of 1-based ranks of the first right answer (None: not found)."""
    n = len(ranks)
    if not n:
        return {"recall@1": 0.0, "recall@10": 0.0, "mrr": 0.0, "n": 0}
    return {
        "recall@1": round(sum(1 for r in ranks if r == 1) / n, 4),
        "recall@10": round(sum(1 for r in ranks if r is not None and r <= CUTOFF) / n, 4),
        "mrr": round(sum(1 / r for r in ranks if r is not None and r <= CUTOFF) / n, 4),
        "n": n,
    }


def macro(per: Mapping[str, Mapping[str, float]]) -> dict[str, float]:
    keys = ("recall@1", "recall@10", "mrr")
    return {key: round(statistics.fmean(m[key] for m in per.values()), 4) for key in keys} if per else {}


def rank_of(iris: Sequence[str], right: set[str]) -> int | None:
    return next((i for i, iri in enumerate(iris, start=1) if iri in right), None)


def percentiles(seconds: Sequence[float]) -> dict[str, float]:
    ms = np.asarray(seconds) * 1000
    return {"p50_ms": round(float(np.percentile(ms, 50)), 3), "p95_ms": round(float(np.percentile(ms, 95)), 3)}


# ---- printing -----------------------------------------------------------------------------------


def table(headers: Sequence[str], rows: Iterable[Sequence[object]], title: str | None = None) -> None:
    cells = [[_cell(c) for c in row] for row in rows]
    widths = [max([len(h)] + [len(r[i]) for r in cells]) for i, h in enumerate(headers)]
    if title:
        print(f"\n{title}")
    print("  ".join(h.ljust(w) if i == 0 else h.rjust(w) for i, (h, w) in enumerate(zip(headers, widths, strict=True))))
    for row in cells:
        print("  ".join(c.ljust(w) if i == 0 else c.rjust(w) for i, (c, w) in enumerate(zip(row, widths, strict=True))))


def _cell(value: object) -> str:
    if isinstance(value, float):
        return f"{value:.3f}"
    return "" if value is None else str(value)


# ---- the service, instrumented -------------------------------------------------------------------


class CachedEmbedder:
    """The embedder, but a query text is encoded once however often it is searched."""

    def __init__(self, inner: Embedder) -> None:
        self.inner = inner
        self.name, self.dimension, self.languages = inner.name, inner.dimension, inner.languages
        self.spread = inner.spread
        self.cache: dict[str, np.ndarray] = {}

    def encode_queries(self, texts: Sequence[str]) -> np.ndarray:
        missing = [t for t in dict.fromkeys(texts) if t not in self.cache]
        if missing:
            for text, vector in zip(missing, self.inner.encode_queries(missing), strict=True):
                self.cache[text] = vector
        return np.vstack([self.cache[t] for t in texts])

    def encode_passages(self, texts: Sequence[str]) -> np.ndarray:
        return self.inner.encode_passages(texts)


class RecordingSearcher(Searcher):
    """A Searcher that keeps the ranked lists of its last search, to replay the fusion."""

    last: dict[str, list[tuple[int, float]]]

    def _lists(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        self.last = super()._lists(*args, **kwargs)
        return self.last


#: Which paragraphs the lexical list may bring, as the service does now ("all") or as it might
#: (simulated on the recorded lists): only those in the question's language, or none when the
#: request filters on another language than the question's (lang=fr for a question in Arabic).
SCOPES = ("all", "question-language", "not-across-filter")


@dataclass(frozen=True)
class Fusion:
    """One fusion setting: the weights of the lexical and entity boosts (dense is 1; see
    search/hybrid.py), and the lexical list's scope (SCOPES)."""

    lexical: float
    entity: float
    scope: str = "all"

    @property
    def label(self) -> str:
        scope = "" if self.scope == "all" else f" lexical:{self.scope}"
        return f"lex={self.lexical:g} ent={self.entity:g}{scope}"

    def ids(
        self,
        lists: Mapping[str, Sequence[tuple[int, float]]],
        language: str | None = None,
        row_languages: Sequence[str | None] = (),
        filter_language: str | None = None,
        top: int = CUTOFF,
    ) -> list[int]:
        if "lexical" in lists and self.scope != "all":
            if self.scope == "question-language":
                kept = [(i, s) for i, s in lists["lexical"] if language is not None and row_languages[i] == language]
            else:  # not-across-filter
                across = filter_language is not None and language is not None and filter_language != language
                kept = [] if across else list(lists["lexical"])
            lists = {**lists, "lexical": kept}
        weights = {"dense": 1.0, "lexical": self.lexical, "entity": self.entity}
        return [f.id for f in fuse(lists, weights=weights)[:top]]


def compact(lists: Mapping[str, Sequence[tuple[int, float]]]) -> dict[str, list[tuple[int, float]]]:
    return {name: list(ranked) for name, ranked in lists.items()}


# ---- quads --------------------------------------------------------------------------------------


def paragraph_quads(
    iri: str, text: str, language: str, document: str, graph: ox.NamedNode, mentions: Sequence[str] = ()
) -> list[ox.Quad]:
    node = ox.NamedNode(iri)
    quads = [
        ox.Quad(node, RDF_TYPE, PARAGRAPH, graph),
        ox.Quad(node, SCHEMA_TEXT, ox.Literal(text, language=language), graph),
        ox.Quad(node, DCT_LANGUAGE, ox.Literal(language), graph),
        ox.Quad(node, PARAGRAPH_OF, ox.NamedNode(document), graph),
    ]
    quads += [ox.Quad(node, MENTIONS, ox.NamedNode(m), graph) for m in mentions]
    return quads


def document_quads(iri: str, title: str, graph: ox.NamedNode) -> list[ox.Quad]:
    node = ox.NamedNode(iri)
    return [ox.Quad(node, RDF_TYPE, DOCUMENT, graph), ox.Quad(node, DCT_TITLE, ox.Literal(title), graph)]


# ---- a known bug, worked around while it lasts --------------------------------------------------

_VALUES_LINE = re.compile(r"(?m)^[ \t]*#VALUES[ \t]*$")


def values_bug() -> list[str]:
    """The search queries whose first `#VALUES` is in a comment, so that graph/paragraphs.py's
    `replace("#VALUES", values, 1)` puts the VALUES block in the comment and the query runs
    unrestricted (every paragraph's view, every facet unfiltered)."""
    from graph import paragraphs, queries

    if "_VALUES_LINE" in vars(paragraphs) or 'replace("#VALUES", values, 1)' not in inspect.getsource(paragraphs):
        return []
    bad = []
    for name in queries.names():
        text = queries.load(name)
        first, line = text.find("#VALUES"), _VALUES_LINE.search(text)
        if first >= 0 and line is not None and first < line.start():
            bad.append(name)
    return bad


def patch_values_bug() -> list[str]:
    """Substitute VALUES on the `#VALUES` line itself, in this process only; the names patched."""
    from graph import paragraphs, queries

    bad = values_bug()
    if bad:

        def _run(store, name, values):  # type: ignore[no-untyped-def]
            return store.select(_VALUES_LINE.sub(lambda _: values, queries.load(name), count=1))

        paragraphs._run = _run  # type: ignore[assignment]
    return bad
