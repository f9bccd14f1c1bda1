"""Search inside SPARQL: `chmfn:similarity(?paragraph, "question")` is the cosine between the
question and the paragraph in the search index, so a researcher can rank any set of paragraphs a
graph pattern selects (those mentioning mercury, of one Party's reports...) by meaning:

    PREFIX chm: <https://w3id.org/chm-kg/ontology#>
    PREFIX chmfn: <https://w3id.org/chm-kg/function#>
    SELECT ?p ?score WHERE {
      ?p chm:mentions <https://w3id.org/chm-kg/id/chemical/mercury> .
      BIND(chmfn:similarity(?p, "emissions from coal combustion") AS ?score)
    } ORDER BY DESC(?score) LIMIT 10

The function runs inside the query worker processes: each loads the saved index's vectors (memory
mapped) and the model on first use, and reloads them when the index is saved again. A paragraph
without a vector (a heading, or not a paragraph) gives an unbound value.
"""

from __future__ import annotations

import functools
import json
import threading
from pathlib import Path

import numpy as np
import pyoxigraph as ox

from search.embed import load_embedder

FUNCTION_NS = "https://w3id.org/chm-kg/function#"
SIMILARITY = FUNCTION_NS + "similarity"
_DOUBLE = ox.NamedNode("http://www.w3.org/2001/XMLSchema#double")


class _Loaded:
    def __init__(self, folder: Path) -> None:
        meta = folder / "meta.json"
        self.stamp = meta.stat().st_mtime_ns
        self.model = json.loads(meta.read_text(encoding="utf-8"))["model"]
        rows = json.loads((folder / "rows.json").read_text(encoding="utf-8"))["iris"]
        self.row_of = {iri: row for row, iri in enumerate(rows) if iri is not None}
        self.vectors = np.load(folder / "vectors.npy", mmap_mode="r")


class Similarity:
    """The `chmfn:similarity` function over the index saved in `folder`, with model `model`."""

    def __init__(self, folder: Path, model: str, threads: int = 1) -> None:
        self.folder = folder
        self.model = model
        self.threads = threads
        self._loaded: _Loaded | None = None
        self._lock = threading.Lock()

    def _index(self) -> _Loaded | None:
        meta = self.folder / "meta.json"
        with self._lock:
            if not meta.is_file():
                return None
            if self._loaded is None or self._loaded.stamp != meta.stat().st_mtime_ns:
                self._loaded = _Loaded(self.folder)
                self._vector.cache_clear()
            return self._loaded

    @functools.lru_cache(maxsize=64)  # noqa: B019 - one instance per worker process, on purpose
    def _vector(self, question: str) -> np.ndarray:
        return load_embedder(self.model, self.threads).encode_queries([question])[0]

    def __call__(self, paragraph: object, question: object) -> ox.Literal | None:
        if not isinstance(paragraph, ox.NamedNode) or not isinstance(question, ox.Literal):
            return None
        index = self._index()
        if index is None or index.model != load_embedder(self.model, self.threads).name:
            return None
        row = index.row_of.get(paragraph.value)
        if row is None:
            return None
        score = float(np.asarray(index.vectors[row]) @ self._vector(question.value))
        return ox.Literal(repr(round(score, 6)), datatype=_DOUBLE)


def functions(folder: str, model: str, threads: int = 1) -> dict[ox.NamedNode, Similarity]:
    """The custom functions a query worker registers: the entry point named in its jobs."""
    return {ox.NamedNode(SIMILARITY): Similarity(Path(folder), model, threads)}


def worker_functions(folder: Path, model: str, threads: int = 1) -> str:
    """What the query executor passes its workers so they register these functions."""
    return json.dumps({"entry": "search.sparql_function:functions", "args": [str(folder), model, threads]})
