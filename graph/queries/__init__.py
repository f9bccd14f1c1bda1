"""The SPARQL text the project runs, one `.rq` file per query, loaded by name."""

from __future__ import annotations

from functools import cache
from pathlib import Path

HERE = Path(__file__).resolve().parent


@cache
def load(name: str) -> str:
    """The text of `queries/<name>.rq`. Raises FileNotFoundError for an unknown name."""
    return (HERE / f"{name}.rq").read_text(encoding="utf-8")


def names() -> list[str]:
    return sorted(p.stem for p in HERE.glob("*.rq"))
