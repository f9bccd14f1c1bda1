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
