"""The search index saved beside the store: one row per paragraph of the graph (the key that joins
them is the paragraph IRI), its vector (faiss), its terms (BM25), and the metadata that says how it
was built (model, dimension, normalisation, index type, format).

Each paragraph is embedded in two views: with its nearest heading (its vector, `vectors.npy`: the
one faiss searches, SPARQL's similarity and the synthesis use) and its text alone
(`text_vectors.npy`, the same row). Hybrid search scores a paragraph by the mean of the two cosines:
the heading gives a short paragraph its topic, but a list item that is little more than its
heading's words ("Project proposal writing;" under "D. Stockholm Convention") no longer ranks on
the heading alone (corpus questions, Recall@10 macro: the encoder alone 0.768 → 0.780 on the
two views' mean; hybrid with score fusion 0.786 → 0.833; bench/bench_search.py and README).

`sync` keeps it in step with the graph whatever changed it (ingest, remove, a SPARQL update): it
reads every paragraph's text, re-embeds only those that are new or changed, and drops the rows of
paragraphs that are gone. A save writes a new folder and swaps it in, so a crash or a failed sync
leaves the previous index whole.
"""

from __future__ import annotations

import hashlib
import json
import logging
import shutil
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from graph import queries
from graph.store import GraphStore, term_text
from search.embed import Embedder
from search.errors import IndexMismatchError, IndexMissingError
from search.lexical import LexicalIndex
from search.vectors import APPROXIMATE_FROM, VectorIndex

log = logging.getLogger(__name__)

#: The layout of a saved index: an index saved in another format is refused (`chm reindex`).
#: 2: text_vectors.npy beside vectors.npy.
FORMAT = 2
#: Rows re-embedded per progress step.
EMBED_BATCH = 256
#: Past this share of dead rows a sync compacts the index (no re-embedding: vectors are kept).
MAX_DEAD_SHARE = 0.3

Progress = Callable[[int, int], None]  # (done, total) paragraphs embedded


def default_folder(data: Path) -> Path:
    """Where the index of the store at `data` lives: beside it, `<data>-search`."""
    data = data.resolve()
    return data.parent / f"{data.name}-search"


#: Changes whenever passage_text does: part of every row's digest, so an index embedded the old
#: way is re-embedded by its next sync instead of keeping stale vectors.
PASSAGE_TEXT_VERSION = 2


def passage_text(text: str, heading: str | None) -> str:
    """What is embedded for a paragraph: its nearest heading gives a short paragraph its topic.

    Only the last part of the heading path: on the corpus questions it beats the whole path and no
    heading alike (bench/bench_search.py: raw encoder MRR 0.540 against 0.518 and 0.484)."""
    return f"{heading.rsplit(' > ', 1)[-1]}: {text}" if heading else text


@dataclass(frozen=True)
class ParagraphRow:
    iri: str
    text: str
    language: str | None
    document: str
    heading: str | None

    @property
    def digest(self) -> str:
        key = f"{PASSAGE_TEXT_VERSION}\x00{self.language}\x00{self.heading}\x00{self.text}"
        return hashlib.sha1(key.encode("utf-8")).hexdigest()


@dataclass
class SyncReport:
    added: int = 0
    removed: int = 0
    unchanged: int = 0
    seconds: float = 0.0

    @property
    def changed(self) -> bool:
        return bool(self.added or self.removed)


def read_paragraphs(store: GraphStore) -> list[ParagraphRow]:
    """Every paragraph of the graph with what the index needs of it."""
    rows = []
    for row in store.select(queries.load("search_paragraphs")):
        rows.append(
            ParagraphRow(
                iri=term_text(row["paragraph"]),
                text=term_text(row["text"]),
                language=term_text(row["language"]) if "language" in row else None,
                document=term_text(row["document"]),
                heading=term_text(row["heading"]) if "heading" in row else None,
            )
        )
    return rows


class SearchIndex:
    """Rows (paragraph IRI, digest, language, document), their vectors, and the two indexes."""

    def __init__(self, folder: Path, model: str, dimension: int) -> None:
        self.folder = folder
        self.model = model
        self.dimension = dimension
        self.iris: list[str | None] = []  # by row id; None for a dead row
        self.digests: list[str | None] = []
        self.languages: list[str | None] = []
        self.documents: list[str | None] = []
        self.vectors = np.zeros((0, dimension), dtype=np.float32)  # each paragraph with its heading
        self.text_vectors = np.zeros((0, dimension), dtype=np.float32)  # its text alone, same rows
        self.dense = VectorIndex.build(np.zeros(0, dtype=np.int64), self.vectors, kind="flat")
        self.lexical = LexicalIndex.build([], [], [])
        self.row_of: dict[str, int] = {}
        self.updated_at: str | None = None

    # ---- opening and saving -------------------------------------------------------------------

    @classmethod
    def open(cls, folder: Path, embedder: Embedder) -> SearchIndex:
        """The index saved in `folder`. Raises IndexMissingError when there is none, and
        IndexMismatchError when it was built with another model than `embedder`."""
        _recover(folder)
        meta_path = folder / "meta.json"
        if not meta_path.is_file():
            raise IndexMissingError(f"no search index in {folder}; build it with `chm reindex`")
        meta = json.loads(meta_path.read_text(encoding="utf-8"))
        if meta.get("format") != FORMAT:
            raise IndexMismatchError(
                f"the search index in {folder} has the format {meta.get('format')!r} but this version reads "
                f"format {FORMAT} (each paragraph embedded with and without its heading); rebuild it with "
                "`chm reindex`"
            )
        if meta.get("model") != embedder.name or meta.get("dimension") != embedder.dimension:
            raise IndexMismatchError(
                f"the search index in {folder} was built with the model {meta.get('model')!r} "
                f"({meta.get('dimension')} dimensions) but the configured model is {embedder.name!r} "
                f"({embedder.dimension}); rebuild it with `chm reindex` (or set CHM_EMBED_MODEL={meta.get('model')})"
            )
        index = cls(folder, meta["model"], meta["dimension"])
        rows = json.loads((folder / "rows.json").read_text(encoding="utf-8"))
        index.iris, index.digests = rows["iris"], rows["digests"]
        index.languages, index.documents = rows["languages"], rows["documents"]
        index.vectors = np.load(folder / "vectors.npy")
        index.text_vectors = np.load(folder / "text_vectors.npy")
        index.dense = VectorIndex.load(folder / "vectors.faiss", meta["index"])
        index.lexical = LexicalIndex.load(folder)
        index.row_of = {iri: i for i, iri in enumerate(index.iris) if iri is not None}
        index.updated_at = meta.get("updated_at")
        return index

    @classmethod
    def open_or_create(cls, folder: Path, embedder: Embedder) -> SearchIndex:
        """The saved index, or a new empty one when there is none (a mismatch still raises)."""
        try:
            return cls.open(folder, embedder)
        except IndexMissingError:
            return cls(folder, embedder.name, embedder.dimension)

    def meta(self) -> dict[str, object]:
        return {
            "format": FORMAT,
            "model": self.model,
            "dimension": self.dimension,
            "normalised": True,
            "views": "vectors.npy: paragraph with its last heading; text_vectors.npy: its text alone",
            "metric": "inner product (cosine)",
            "index": self.dense.kind,
            "rows": len(self.iris),
            "paragraphs": len(self.row_of),
            "approximate_from": APPROXIMATE_FROM,
            "updated_at": self.updated_at,
        }

    def save(self) -> None:
        """Write the index to a new folder and swap it in for the old one."""
        staging = self.folder.with_name(self.folder.name + ".new")
        shutil.rmtree(staging, ignore_errors=True)
        staging.mkdir(parents=True)
        self.updated_at = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())
        rows = {"iris": self.iris, "digests": self.digests, "languages": self.languages, "documents": self.documents}
        (staging / "rows.json").write_text(json.dumps(rows), encoding="utf-8")
        np.save(staging / "vectors.npy", self.vectors)
        np.save(staging / "text_vectors.npy", self.text_vectors)
        self.dense.save(staging / "vectors.faiss")
        self.lexical.save(staging)
        # meta.json last: a folder without it is an unfinished write.
        (staging / "meta.json").write_text(json.dumps(self.meta(), indent=2), encoding="utf-8")
        old = self.folder.with_name(self.folder.name + ".old")
        shutil.rmtree(old, ignore_errors=True)
        if self.folder.exists():
            self.folder.rename(old)
        staging.rename(self.folder)
        shutil.rmtree(old, ignore_errors=True)

    # ---- keeping in step with the graph -------------------------------------------------------

    def sync(self, store: GraphStore, embedder: Embedder, *, progress: Progress | None = None) -> SyncReport:
        """Bring the index in step with the paragraphs of `store`, and save it if anything changed."""
        started = time.perf_counter()
        paragraphs = read_paragraphs(store)
        current = {p.iri: p for p in paragraphs}
        report = SyncReport()
        gone = [
            row for iri, row in self.row_of.items() if iri not in current or current[iri].digest != self.digests[row]
        ]
        stale = set(gone)
        fresh = [p for p in paragraphs if p.iri not in self.row_of or self.row_of[p.iri] in stale]
        report.unchanged = len(paragraphs) - len(fresh)
        if gone:
            self._kill(np.array(sorted(gone), dtype=np.int64))
            report.removed = len(gone)
        if fresh:
            self._append(fresh, embedder, progress)
            report.added = len(fresh)
        if report.changed or not (self.folder / "meta.json").is_file():
            self._rebuild_indexes(current)
            self.save()
        report.seconds = time.perf_counter() - started
        log.info("search index: %d added, %d removed, %d unchanged", report.added, report.removed, report.unchanged)
        return report

    def _kill(self, rows: np.ndarray) -> None:
        self.dense.remove(rows)
        for row in rows.tolist():
            self.row_of.pop(self.iris[row] or "", None)
            self.iris[row] = self.digests[row] = self.languages[row] = self.documents[row] = None
        self.vectors[rows] = 0.0
        self.text_vectors[rows] = 0.0

    def view_scores(self, rows: np.ndarray, query: np.ndarray) -> np.ndarray:
        """The mean cosine of `query` with each row's two views (with and without its heading)."""
        return (self.vectors[rows] @ query + self.text_vectors[rows] @ query) / 2

    def _append(self, fresh: list[ParagraphRow], embedder: Embedder, progress: Progress | None) -> None:
        parts, text_parts = [], []
        for start in range(0, len(fresh), EMBED_BATCH):
            batch = fresh[start : start + EMBED_BATCH]
            vectors, text_vectors = _embed(batch, embedder)
            parts.append(vectors)
            text_parts.append(text_vectors)
            if progress is not None:
                progress(start + len(batch), len(fresh))
        vectors, text_vectors = np.vstack(parts), np.vstack(text_parts)
        first = len(self.iris)
        ids = np.arange(first, first + len(fresh), dtype=np.int64)
        for offset, p in enumerate(fresh):
            self.row_of[p.iri] = first + offset
        self.iris.extend(p.iri for p in fresh)
        self.digests.extend(p.digest for p in fresh)
        self.languages.extend(p.language for p in fresh)
        self.documents.extend(p.document for p in fresh)
        self.vectors = np.vstack([self.vectors, vectors]) if len(self.vectors) else vectors
        self.text_vectors = np.vstack([self.text_vectors, text_vectors]) if len(self.text_vectors) else text_vectors
        self.dense.add(ids, vectors)

    def _rebuild_indexes(self, current: dict[str, ParagraphRow]) -> None:
        """Compact when too many rows are dead; re-choose the faiss index when the size calls for
        another kind; rebuild BM25 over the live rows (its build is fast and has no delete)."""
        live = np.array(sorted(self.row_of.values()), dtype=np.int64)
        dead = len(self.iris) - len(live)
        if len(self.iris) and dead / len(self.iris) > MAX_DEAD_SHARE:
            self._compact(live)
            live = np.arange(len(self.iris), dtype=np.int64)
        wanted = "ivf" if len(live) >= APPROXIMATE_FROM else "flat"
        if wanted != self.dense.kind:
            self.dense = VectorIndex.build(live, self.vectors[live], kind=wanted)
        texts = [current[self.iris[row] or ""] for row in live.tolist()]
        self.lexical = LexicalIndex.build(
            live.tolist(), [passage_text(t.text, t.heading) for t in texts], [t.language for t in texts]
        )

    def _compact(self, live: np.ndarray) -> None:
        keep = live.tolist()
        self.iris = [self.iris[i] for i in keep]
        self.digests = [self.digests[i] for i in keep]
        self.languages = [self.languages[i] for i in keep]
        self.documents = [self.documents[i] for i in keep]
        self.vectors = np.ascontiguousarray(self.vectors[live])
        self.text_vectors = np.ascontiguousarray(self.text_vectors[live])
        self.row_of = {iri: i for i, iri in enumerate(self.iris) if iri is not None}
        ids = np.arange(len(keep), dtype=np.int64)
        kind = "ivf" if len(keep) >= APPROXIMATE_FROM else "flat"
        self.dense = VectorIndex.build(ids, self.vectors, kind=kind)

    def rebuild(self, store: GraphStore, embedder: Embedder, *, progress: Progress | None = None) -> SyncReport:
        """Start from nothing with `embedder` (a new model, or a damaged index) and sync."""
        fresh = SearchIndex(self.folder, embedder.name, embedder.dimension)
        report = fresh.sync(store, embedder, progress=progress)
        self.__dict__.update(fresh.__dict__)
        return report


def embedded_texts(paragraphs: list[ParagraphRow]) -> list[str]:
    """What a sync encodes for `paragraphs`, in one batch: each one's passage text, then the text
    alone of those whose heading changes it (the others' text view is their passage vector)."""
    passages = [passage_text(p.text, p.heading) for p in paragraphs]
    return passages + [p.text for p, passage in zip(paragraphs, passages, strict=True) if passage != p.text]


def _embed(paragraphs: list[ParagraphRow], embedder: Embedder) -> tuple[np.ndarray, np.ndarray]:
    """The two views of each paragraph: with its heading, and its text alone."""
    encoded = embedder.encode_passages(embedded_texts(paragraphs))
    vectors = encoded[: len(paragraphs)]
    text_vectors = vectors.copy()
    own = [i for i, p in enumerate(paragraphs) if passage_text(p.text, p.heading) != p.text]
    text_vectors[own] = encoded[len(paragraphs) :]
    return np.ascontiguousarray(vectors), text_vectors


def _recover(folder: Path) -> None:
    """Finish or undo a save that was interrupted between its two renames."""
    old = folder.with_name(folder.name + ".old")
    new = folder.with_name(folder.name + ".new")
    if not folder.exists() and old.exists():
        if (new / "meta.json").is_file():
            new.rename(folder)
        else:
            old.rename(folder)
