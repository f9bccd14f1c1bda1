"""Score fusion: the cosine decides, the lexical and entity lists move close calls only, and each
hit remembers what every list said of it."""

from __future__ import annotations

import pytest

from search.hybrid import fuse, scaled


def test_a_boost_moves_a_hit_past_close_cosines_only() -> None:
    lists = {"dense": [(1, 0.50), (2, 0.46), (3, 0.30)], "lexical": [(2, 12.0), (3, 9.0)]}
    fused = fuse(lists, weights={"dense": 1, "lexical": 0.15})
    # 2 gains the full 0.15 (the best BM25), 3 gains 0.15 x 9/12, which does not make up 0.2.
    assert [f.id for f in fused] == [2, 1, 3]
    assert fused[0].score == pytest.approx(0.46 + 0.15)
    assert fused[2].score == pytest.approx(0.30 + 0.15 * 9 / 12)
    assert fused[0].why["dense"].rank == 2 and fused[0].why["lexical"].rank == 1


def test_being_about_a_named_entity_adds_its_weight() -> None:
    lists = {"dense": [(1, 0.40), (2, 0.38)], "entity": [(2, 0.38)]}
    assert [f.id for f in fuse(lists, weights={"dense": 1, "entity": 0.05})] == [2, 1]
    assert [f.id for f in fuse(lists, weights={"dense": 1, "entity": 0.01})] == [1, 2]


def test_a_list_without_weight_explains_but_does_not_move() -> None:
    fused = fuse({"dense": [(1, 0.9), (2, 0.8)], "entity": [(2, 0.8)]}, weights={"dense": 1, "entity": 0})
    assert [f.id for f in fused] == [1, 2]
    assert "entity" in fused[1].why


def test_ties_go_to_the_better_dense_rank() -> None:
    lists = {"dense": [(5, 0.5), (7, 0.25)], "lexical": [(7, 2.0), (5, 1.0)]}
    fused = fuse(lists, weights={"dense": 1, "lexical": 0.5})
    assert fused[0].score == fused[1].score == 0.75
    assert [f.id for f in fused] == [5, 7]


def test_a_lexical_list_alone_keeps_its_order() -> None:
    fused = fuse({"lexical": [(3, 9.0), (1, 4.0), (2, 4.0)]})
    assert [f.id for f in fused] == [3, 1, 2]


def test_nothing_in_gives_nothing_out() -> None:
    assert fuse({"dense": [], "lexical": []}) == []


def test_boosts_shrink_with_a_model_whose_cosines_spread_less_and_dense_keeps_its_weight() -> None:
    weights = {"dense": 1.0, "lexical": 0.15, "entity": 0.05}
    assert scaled(weights, 1.0) == weights  # USE, the model the weights were chosen with
    narrow = scaled(weights, 0.5)
    assert narrow == {"dense": 1.0, "lexical": 0.075, "entity": 0.025}
    # The same lexical evidence moves a hit past the same neighbours once the cosines are halved
    # (past the second, not the first); unscaled, it would jump to the top.
    wide = {"dense": [(1, 0.62), (2, 0.55), (3, 0.45)], "lexical": [(3, 9.0)]}
    halved = {"dense": [(i, score / 2) for i, score in wide["dense"]], "lexical": wide["lexical"]}
    assert [f.id for f in fuse(wide, weights=weights)] == [1, 3, 2]
    assert [f.id for f in fuse(halved, weights=narrow)] == [1, 3, 2]
    assert [f.id for f in fuse(halved, weights=weights)] == [3, 1, 2]
