"""Fusing ranked lists (dense, lexical, entity) into one ranking that remembers why each hit is there.

Weighted reciprocal rank fusion: each list gives a paragraph weight / (K + rank). Ranks, not raw
scores, are fused because cosine and BM25 live on different scales and e5's cosines are squeezed.
No list filters another: a paragraph found by one list alone still competes.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

#: The RRF constant: larger flattens the advantage of the very first ranks.
K = 60
#: Default weights, tuned on bench/bench_search.py (sdg-xling and the corpus questions; see README):
#: lexical and entity at 0.25 beat 0.5 on both (corpus questions MRR 0.563 against 0.538, sdg-xling
#: hybrid Recall@1 0.933 against 0.886). Only a lexical weight of 0 keeps hybrid at the encoder's
#: Recall@1 on every sdg-xling language pair, and it costs the corpus (Recall@10 0.768 against 0.792).
WEIGHTS: dict[str, float] = {"dense": 1.0, "lexical": 0.25, "entity": 0.25}


@dataclass(frozen=True)
class Contribution:
    rank: int  # 1-based rank in that list
    score: float  # the list's own score (cosine, BM25)


@dataclass
class Fused:
    id: int
    score: float
    why: dict[str, Contribution] = field(default_factory=dict)


def fuse(
    lists: Mapping[str, Sequence[tuple[int, float]]],
    *,
    weights: Mapping[str, float] = WEIGHTS,
    k: int = K,
) -> list[Fused]:
    """The ids of every list, best fused score first (ties: better dense rank, then id).

    Each list is (id, score) pairs, best first. A list whose weight is 0 still records why a hit
    matched but does not move it.
    """
    fused: dict[int, Fused] = {}
    for name, ranked in lists.items():
        weight = weights.get(name, 0.0)
        for position, (item, score) in enumerate(ranked, start=1):
            entry = fused.setdefault(item, Fused(item, 0.0))
            entry.score += weight / (k + position)
            entry.why[name] = Contribution(position, score)
    never = 1 << 30

    def order(entry: Fused) -> tuple[float, int, int]:
        dense = entry.why.get("dense")
        return (-entry.score, dense.rank if dense else never, entry.id)

    return sorted(fused.values(), key=order)
