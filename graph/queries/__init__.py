"""The SPARQL text the project runs, one `.rq` file per query, loaded by name."""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from functools import cache
from pathlib import Path

import pyoxigraph as ox

HERE = Path(__file__).resolve().parent


@cache
def load(name: str) -> str:
    """The text of `queries/<name>.rq`. Raises FileNotFoundError for an unknown name."""
    return (HERE / f"{name}.rq").read_text(encoding="utf-8")


def names() -> list[str]:
    return sorted(p.stem for p in HERE.glob("*.rq"))


#: The line of a query's WHERE clause that a VALUES block replaces (not its mention in a comment).
_MARKER = re.compile(r"^[ \t]*#VALUES[ \t]*$", re.MULTILINE)


def values_block(variables: Sequence[str], rows: Iterable[Sequence[ox.NamedNode | ox.Literal]]) -> str:
    """A VALUES block; terms print in SPARQL syntax (IRIs checked, literals escaped), so no value
    can break out of its quotes."""
    head = " ".join(f"?{v}" for v in variables)
    body = " ".join("(" + " ".join(str(term) for term in row) + ")" for row in rows)
    return f"VALUES ({head}) {{ {body} }}"


def with_values(name: str, values: str) -> str:
    """The text of `queries/<name>.rq` with its `#VALUES` line replaced by `values`.

    (pyoxigraph's substitutions bind only projected variables, so lists go in as VALUES.)
    Raises ValueError when the query has no such line.
    """
    text, found = _MARKER.subn(lambda _: values, load(name), count=1)
    if not found:
        raise ValueError(f"queries/{name}.rq has no #VALUES line")
    return text
