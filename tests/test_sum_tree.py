"""Tests of prdqn_helpers.sum_tree (exported from notebooks/01_sum_tree.ipynb)."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import stats

from prdqn_helpers.sum_tree import MinTree, SumTree, stratified_sample

# Layouts exercised everywhere: the default wide tree, the classic binary tree, and odd shapes.
LAYOUTS = [{}, {"fanout": 2, "root_width": 2}, {"fanout": 3, "root_width": 1}, {"fanout": 4, "root_width": 5}]


def _reference_find(priorities: np.ndarray, values: np.ndarray) -> np.ndarray:
    """Slot whose prefix interval [S_{i-1}, S_i) contains each value, by a full scan (O(n))."""
    prefix = np.cumsum(priorities)
    return np.searchsorted(prefix, values, side="right")


# ---------------------------------------------------------------- construction


@pytest.mark.parametrize("capacity", [0, -3])
def test_capacity_below_one_is_rejected(capacity: int) -> None:
    with pytest.raises(ValueError, match=rf"capacity must be an integer >= 1, got {capacity}"):
        SumTree(capacity)


@pytest.mark.parametrize("capacity", [2.0, 2.5, "8", None, True])
def test_capacity_that_is_not_an_integer_is_rejected(capacity: object) -> None:
    with pytest.raises(ValueError, match="capacity must be an integer >= 1, got"):
        SumTree(capacity)  # type: ignore[arg-type]


def test_fanout_below_two_is_rejected() -> None:
    with pytest.raises(ValueError, match="fanout must be an integer >= 2, got 1"):
        SumTree(8, fanout=1)


def test_min_tree_capacity_is_validated() -> None:
    with pytest.raises(ValueError, match="capacity must be an integer >= 1, got 0"):
        MinTree(0)


def test_numpy_integer_capacity_is_accepted() -> None:
    assert SumTree(np.int64(5)).capacity == 5


# ---------------------------------------------------------------- small capacities, by hand


@pytest.mark.parametrize("layout", LAYOUTS)
def test_capacity_one(layout: dict) -> None:
    tree = SumTree(1, **layout)
    tree.update([0], [2.5])
    assert tree.total == 2.5
    assert tree.find([0.0, 1.0, 2.5]).tolist() == [0, 0, 0]


@pytest.mark.parametrize("layout", LAYOUTS)
def test_capacity_three(layout: dict) -> None:
    tree = SumTree(3, **layout)
    tree.update([0, 1, 2], [1.0, 2.0, 3.0])
    assert tree.total == 6.0
    assert tree.find([0.0, 0.99, 1.0, 2.99, 3.0, 5.99, 6.0]).tolist() == [0, 0, 1, 1, 2, 2, 2]


@pytest.mark.parametrize("layout", LAYOUTS)
def test_capacity_five_skips_zero_slots(layout: dict) -> None:
    tree = SumTree(5, **layout)
    tree.update([0, 1, 2, 3, 4], [0.0, 1.0, 0.0, 0.0, 2.0])
    assert tree.find([0.0, 0.5, 1.0, 2.0, 3.0]).tolist() == [1, 1, 4, 4, 4]


@pytest.mark.parametrize("layout", LAYOUTS)
def test_capacity_thousand_matches_a_full_scan(layout: dict) -> None:
    rng = np.random.default_rng(0)
    priorities = rng.random(1000) * (rng.random(1000) < 0.7)
    tree = SumTree(1000, **layout)
    tree.update(np.arange(1000), priorities)
    values = rng.random(5000) * tree.total
    np.testing.assert_array_equal(tree.find(values), _reference_find(priorities, values))
    assert math.isclose(tree.total, math.fsum(priorities), rel_tol=1e-12)


def test_repeated_index_keeps_the_last_value() -> None:
    tree = SumTree(4)
    tree.update([1, 2, 1, 1], [5.0, 2.0, 7.0, 3.0])
    assert tree.priorities([1, 2]).tolist() == [3.0, 2.0]
    assert tree.total == 5.0


def test_never_written_slots_have_zero_priority() -> None:
    tree = SumTree(6)
    tree.update([2], [1.5])
    assert tree.priorities([0, 2, 5]).tolist() == [0.0, 1.5, 0.0]


def test_find_keeps_the_shape_of_its_input() -> None:
    tree = SumTree(4)
    tree.update([0, 1, 2, 3], [1.0, 1.0, 1.0, 1.0])
    assert tree.find(2.5).shape == ()
    assert tree.find([[0.5, 1.5], [2.5, 3.5]]).tolist() == [[0, 1], [2, 3]]
    assert tree.find([0.5]).dtype == np.int64


def test_min_tree_tracks_the_smallest_written_value() -> None:
    tree = MinTree(5)
    assert tree.min == math.inf
    tree.update([0, 3], [4.0, 2.0])
    assert tree.min == 2.0
    tree.update(3, 9.0)
    assert tree.min == 4.0


def test_stratified_sample_draws_one_slot_per_segment() -> None:
    tree = SumTree(4)
    tree.update([0, 1, 2, 3], [1.0, 1.0, 1.0, 1.0])  # four equal segments = four slots
    got = stratified_sample(tree, 4, np.random.default_rng(0))
    assert got.tolist() == [0, 1, 2, 3]
