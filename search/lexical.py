"""The lexical side of the index: BM25 (bm25s, Lucene's variant) over paragraphs keyed by int64 ids.

Each paragraph is tokenised in its own language (search/tokenise.py) and a query in the asker's,
so the terms of the six UN languages share one vocabulary without colliding. Saved as `lexical.*`
files in the index folder, with the ids and the tokeniser version they were built with.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path

import bm25s
import numpy as np

from search.tokenise import TOKENISER_VERSION, tokens

_META = "lexical.json"
_IDS = "lexical.ids.npy"
# bm25s's own files, renamed so that they sit beside the dense index's without clashing.
_BM25_FILES = {
    "data_name": "lexical.data.npy",
    "indices_name": "lexical.indices.npy",
    "indptr_name": "lexical.indptr.npy",
    "vocab_name": "lexical.vocab.json",
    "params_name": "lexical.params.json",
}


class LexicalIndex:
    """BM25 search over paragraphs in several languages."""

    def __init__(self, ids: np.ndarray, bm25: bm25s.BM25 | None) -> None:
        self._ids = ids
        self._bm25 = bm25  # None when no paragraph has a single term
        # Sorted ids and their rows, to turn an `allowed` id array into rows by binary search.
        self._order = np.argsort(ids, kind="stable")
        self._sorted_ids = ids[self._order]

    @classmethod
    def build(cls, ids: Sequence[int], texts: Sequence[str], languages: Sequence[str | None]) -> LexicalIndex:
        """An index over `texts`, each in its own language (None when unknown), keyed by `ids`.

        Raises ValueError when the three sequences differ in length or an id repeats.
        """
        if not len(ids) == len(texts) == len(languages):
            raise ValueError(f"{len(ids)} ids, {len(texts)} texts and {len(languages)} languages: lengths differ")
        id_array = np.asarray(ids, dtype=np.int64).reshape(-1)
        if len(np.unique(id_array)) != len(id_array):
            raise ValueError("paragraph ids repeat")
        corpus = [tokens(text, language) for text, language in zip(texts, languages, strict=True)]
        bm25 = None
        if any(corpus):
            bm25 = bm25s.BM25()
            # No empty-token entry: its id lies past the score matrix and would break a query with it.
            bm25.index(corpus, create_empty_token=False, show_progress=False)
        return cls(id_array, bm25)

    def __len__(self) -> int:
        return len(self._ids)

    def search(
        self,
        query: str,
        language: str | None,
        k: int,
        allowed: np.ndarray | None = None,
        extra_terms: Sequence[str] = (),
    ) -> list[tuple[int, float]]:
        """At most `k` (id, BM25 score) pairs for `query` (tokenised in `language`), best first,
        ties by id; only ids whose score is positive, and only ids in `allowed` (int64) when given.

        `extra_terms` (already tokenised, e.g. a concept's labels in other languages) join the
        query's own terms. The restriction applies before the top k is taken, so up to k allowed ids come back even
        when better ones are excluded. Unknown ids in `allowed` are ignored. Never raises.
        """
        if k <= 0 or self._bm25 is None:
            return []
        term_ids = self._bm25.get_tokens_ids([*tokens(query, language), *extra_terms])
        if not term_ids:
            return []
        scores = self._bm25.get_scores_from_ids(term_ids)
        rows = np.flatnonzero(scores > 0) if allowed is None else self._rows(allowed, scores)
        if len(rows) > k:
            rows = rows[np.argpartition(-scores[rows], k - 1)[:k]]
        rows = rows[np.lexsort((self._ids[rows], -scores[rows]))]
        return [(int(self._ids[row]), float(scores[row])) for row in rows]

    def _rows(self, allowed: np.ndarray, scores: np.ndarray) -> np.ndarray:
        """The rows of the ids in `allowed` that score above zero."""
        allowed = np.asarray(allowed, dtype=np.int64).reshape(-1)
        positions = np.minimum(np.searchsorted(self._sorted_ids, allowed), len(self._sorted_ids) - 1)
        found = self._sorted_ids[positions] == allowed
        rows = np.unique(self._order[positions[found]])
        return rows[scores[rows] > 0]

    def save(self, folder: Path) -> None:
        """Write the index as `lexical.*` files into `folder` (created if missing), replacing any
        saved there before. Raises OSError when the folder cannot be written."""
        folder.mkdir(parents=True, exist_ok=True)
        for name in _BM25_FILES.values():
            (folder / name).unlink(missing_ok=True)  # a stale matrix must not outlive an empty index
        if self._bm25 is not None:
            self._bm25.save(folder, show_progress=False, **_BM25_FILES)
        np.save(folder / _IDS, self._ids, allow_pickle=False)
        meta = {"tokeniser_version": TOKENISER_VERSION, "paragraphs": len(self._ids)}
        (folder / _META).write_text(json.dumps(meta), encoding="utf-8")

    @classmethod
    def load(cls, folder: Path) -> LexicalIndex:
        """The index saved in `folder`.

        Raises FileNotFoundError when no lexical index is saved there, and ValueError when it was
        built by another tokeniser version (it must be rebuilt: queries would not match its terms).
        """
        meta = json.loads((folder / _META).read_text(encoding="utf-8"))
        if meta.get("tokeniser_version") != TOKENISER_VERSION:
            raise ValueError(
                f"{folder}: lexical index built with tokeniser version {meta.get('tokeniser_version')}, "
                f"this code has {TOKENISER_VERSION}: rebuild the index"
            )
        ids = np.load(folder / _IDS, allow_pickle=False)
        bm25 = None
        if (folder / _BM25_FILES["params_name"]).exists():
            bm25 = bm25s.BM25.load(folder, show_progress=False, **_BM25_FILES)
        return cls(ids, bm25)
