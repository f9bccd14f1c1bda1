"""The SPARQL text the project runs, one `.rq` file per query, loaded by name."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence
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


@cache
def _marker(name: str) -> re.Pattern[str]:
    """The line of a query's WHERE clause that a block replaces (not its mention in a comment);
    compiled once per marker."""
    return re.compile(rf"^[ \t]*#{name}[ \t]*$", re.MULTILINE)


def values_block(variables: Sequence[str], rows: Iterable[Sequence[ox.NamedNode | ox.Literal]]) -> str:
    """A VALUES block; terms print in SPARQL syntax (IRIs checked, literals escaped), so no value
    can break out of its quotes."""
    head = " ".join(f"?{v}" for v in variables)
    body = " ".join("(" + " ".join(str(term) for term in row) + ")" for row in rows)
    return f"VALUES ({head}) {{ {body} }}"


def in_filter(variable: str, values: Iterable[str]) -> str:
    """`FILTER(STR(?variable) IN (...))`, the values escaped as literals. Keeps a list without
    making it where the join starts, as a VALUES block can (a list of languages would start from
    every paragraph in those languages)."""
    return f"FILTER(STR(?{variable}) IN ({', '.join(str(ox.Literal(v)) for v in values)}))"


def with_values(name: str, values: str) -> str:
    """The text of `queries/<name>.rq` with its `#VALUES` line replaced by `values`.

    (pyoxigraph's substitutions bind only projected variables, so lists go in as VALUES.)
    Raises ValueError when the query has no such line.
    """
    return filled(name, VALUES=values)


def filled(name: str, **blocks: str) -> str:
    """The text of `queries/<name>.rq` with each marker line (`#VALUES`, `#FILTER`) replaced by its
    block. Raises ValueError naming a marker the query does not have."""
    text = load(name)
    for marker, block in blocks.items():
        text, found = _marker(marker).subn(_verbatim(block), text, count=1)
        if not found:
            raise ValueError(f"queries/{name}.rq has no #{marker} line")
    return text


def _verbatim(block: str) -> Callable[[re.Match[str]], str]:
    """A replacement that puts `block` in as it is (a replacement string would read its backslashes)."""
    return lambda _: block
