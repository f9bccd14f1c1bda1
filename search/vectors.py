"""The dense side of the index: a faiss index over L2-normalised vectors, searched by inner product
(= cosine), with ids that are the rows of the search index.

Small collections are searched exactly (IndexFlatIP); past APPROXIMATE_FROM vectors an inverted
file (IndexIVFFlat) is built, which faiss can still add to and remove from without retraining. The
size and the probe count come from bench/bench_search.py's scale runs (see README).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import faiss
import numpy as np

#: From this many vectors an approximate (IVF) index is built: exact search's p95 passes 2 ms at
#: about 25k 512-d vectors on one thread (bench/bench_search.py --scale).
APPROXIMATE_FROM = 25_000
#: Lists an IVF index probes per query: with _ivf_lists, recall@10 against exact search is 0.97 to
#: 0.99 from 25k to 1M vectors, p95 under 3.5 ms on one thread (bench/bench_search.py --scale).
NPROBE = 32
#: Vectors per IVF list: a probe scans NPROBE x this many vectors whatever the size, so latency
#: stays flat up to 4096 lists (2M vectors); more lists than sqrt(size) past 250k.
IVF_LIST_SIZE = 500
#: An allowed-set this small is searched exactly by gathering its vectors, whatever the index.
EXACT_SUBSET_UP_TO = 20_000


@dataclass(frozen=True)
class VectorHit:
    id: int
    score: float


def _ivf_lists(size: int) -> int:
    return int(min(4096, max(16, size // IVF_LIST_SIZE)))


class VectorIndex:
    """Inner-product search over vectors keyed by int64 ids."""

    def __init__(self, index: faiss.Index, kind: str) -> None:
        self.index = index
        self.kind = kind  # "flat" (exact) or "ivf" (approximate)

    @classmethod
    def build(cls, ids: np.ndarray, vectors: np.ndarray, *, kind: str | None = None) -> VectorIndex:
        """An index over `vectors` (rows keyed by `ids`); `kind` "flat", "ivf" or None to choose by size."""
        dimension = vectors.shape[1]
        kind = kind or ("ivf" if len(ids) >= APPROXIMATE_FROM else "flat")
        index: faiss.Index
        if kind == "flat":
            index = faiss.IndexIDMap2(faiss.IndexFlatIP(dimension))
        else:
            lists = _ivf_lists(len(ids))
            quantizer = faiss.IndexFlatIP(dimension)
            index = faiss.IndexIVFFlat(quantizer, dimension, lists, faiss.METRIC_INNER_PRODUCT)
            # k-means on a sample: 64 points a list are plenty for centroids and keep training short.
            sample = vectors[np.random.default_rng(0).permutation(len(vectors))[: lists * 64]]
            index.train(np.ascontiguousarray(sample))
            index.nprobe = NPROBE
        made = cls(index, kind)
        made.add(ids, vectors)
        return made

    def __len__(self) -> int:
        return int(self.index.ntotal)

    def add(self, ids: np.ndarray, vectors: np.ndarray) -> None:
        if len(ids):
            self.index.add_with_ids(np.ascontiguousarray(vectors, dtype=np.float32), ids.astype(np.int64))

    def remove(self, ids: np.ndarray) -> None:
        if len(ids):
            self.index.remove_ids(faiss.IDSelectorBatch(ids.astype(np.int64)))

    def search(
        self,
        query: np.ndarray,
        k: int,
        *,
        allowed: np.ndarray | None = None,
        vectors: np.ndarray | None = None,
    ) -> list[VectorHit]:
        """The k ids nearest to `query` (a (dimension,) vector), best first.

        `allowed` (sorted int64 ids) restricts the search; when it is small and `vectors` (all
        vectors by id) is given, the allowed rows are compared exactly instead of through faiss.
        """
        k = min(k, len(self) if allowed is None else len(allowed))
        if k <= 0:
            return []
        query = np.ascontiguousarray(query.reshape(1, -1), dtype=np.float32)
        if allowed is not None and vectors is not None and len(allowed) <= EXACT_SUBSET_UP_TO:
            scores = vectors[allowed] @ query[0]
            top = np.argpartition(-scores, k - 1)[:k] if k < len(scores) else np.arange(len(scores))
            top = top[np.argsort(-scores[top], kind="stable")]
            return [VectorHit(int(allowed[i]), float(scores[i])) for i in top]
        params: faiss.SearchParameters | None = None
        if allowed is not None:
            selector = faiss.IDSelectorBatch(allowed.astype(np.int64))
            # faiss's type stubs do not know these keyword arguments.
            if self.kind == "ivf":
                params = faiss.SearchParametersIVF(sel=selector, nprobe=self.index.nprobe)  # type: ignore[call-arg,attr-defined]
            else:
                params = faiss.SearchParameters(sel=selector)  # type: ignore[call-arg]
        scores, ids = self.index.search(query, k, params=params)
        return [VectorHit(int(i), float(s)) for s, i in zip(scores[0], ids[0], strict=True) if i >= 0]

    def save(self, path: Path) -> None:
        faiss.write_index(self.index, str(path))

    @classmethod
    def load(cls, path: Path, kind: str) -> VectorIndex:
        index = faiss.read_index(str(path))
        return cls(index, kind)
