"""Reciprocal rank fusion: what each list contributes and how ties fall."""

from __future__ import annotations

from search.hybrid import fuse


def test_a_paragraph_both_lists_found_beats_one_only_one_list_found_first() -> None:
    fused = fuse({"dense": [(1, 0.9), (2, 0.8)], "lexical": [(2, 12.0), (3, 9.0)]}, weights={"dense": 1, "lexical": 1})
    assert [f.id for f in fused] == [2, 1, 3]
    assert fused[0].why["dense"].rank == 2 and fused[0].why["lexical"].rank == 1
    assert fused[0].score == 1 / 62 + 1 / 61


def test_a_list_without_weight_explains_but_does_not_move() -> None:
    fused = fuse({"dense": [(1, 0.9), (2, 0.8)], "entity": [(2, 0.8)]}, weights={"dense": 1, "entity": 0})
    assert [f.id for f in fused] == [1, 2]
    assert "entity" in fused[1].why


def test_ties_go_to_the_better_dense_rank() -> None:
    fused = fuse({"dense": [(5, 0.9), (7, 0.1)], "lexical": [(7, 3.0), (5, 2.0)]}, weights={"dense": 1, "lexical": 1})
    assert fused[0].score == fused[1].score
    assert [f.id for f in fused] == [5, 7]


def test_nothing_in_gives_nothing_out() -> None:
    assert fuse({"dense": [], "lexical": []}) == []
