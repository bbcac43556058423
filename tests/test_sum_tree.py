"""Tests of prdqn_helpers.sum_tree (exported from notebooks/01_sum_tree.ipynb)."""

from __future__ import annotations

import math
import re

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import stats

from prdqn_helpers.sum_tree import MinTree, SumTree, _update_validated, stratified_sample

# Tree shapes exercised throughout: the default wide tree, the classic binary tree, a ternary tree
# with a one-child root, and a small fanout with an odd root width.
LAYOUTS = [{}, {"fanout": 2, "root_width": 2}, {"fanout": 3, "root_width": 1}, {"fanout": 4, "root_width": 5}]
LAYOUT_IDS = ["default", "binary", "ternary", "fanout4"]


def _reference_find(priorities: np.ndarray, values: np.ndarray) -> np.ndarray:
    """Slot whose prefix interval [S_{i-1}, S_i) contains each value, by a full scan (O(n))."""
    return np.searchsorted(np.cumsum(priorities), values, side="right")


def _filled(capacity: int, priorities: np.ndarray, **layout: int) -> SumTree:
    tree = SumTree(capacity, **layout)
    tree.update(np.arange(capacity), priorities)
    return tree


# ---------------------------------------------------------------- construction errors


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


def test_root_width_below_one_is_rejected() -> None:
    with pytest.raises(ValueError, match="root_width must be an integer >= 1, got 0"):
        SumTree(8, root_width=0)


def test_min_tree_capacity_is_validated() -> None:
    with pytest.raises(ValueError, match="capacity must be an integer >= 1, got 0"):
        MinTree(0)


def test_numpy_integer_capacity_is_accepted() -> None:
    assert SumTree(np.int64(5)).capacity == 5


# ---------------------------------------------------------------- update errors (and nothing changes)


@pytest.fixture
def tree() -> SumTree:
    """A capacity-5 tree holding (1, 2, 3, 0, 0)."""
    t = SumTree(5)
    t.update([0, 1, 2], [1.0, 2.0, 3.0])
    return t


def _unchanged(t: SumTree) -> bool:
    return t.priorities(np.arange(5)).tolist() == [1.0, 2.0, 3.0, 0.0, 0.0] and t.total == 6.0


def test_negative_priority_is_rejected_and_nothing_changes(tree: SumTree) -> None:
    with pytest.raises(ValueError, match=r"priorities must be finite and >= 0, got -0.5 at position 1"):
        tree.update([3, 4], [1.0, -0.5])
    assert _unchanged(tree)


def test_nan_priority_is_rejected_and_nothing_changes(tree: SumTree) -> None:
    with pytest.raises(ValueError, match=r"priorities must be finite and >= 0, got nan at position 2"):
        tree.update([3, 4, 0], [1.0, 1.0, math.nan])
    assert _unchanged(tree)


def test_infinite_priority_is_rejected_and_nothing_changes(tree: SumTree) -> None:
    with pytest.raises(ValueError, match=r"priorities must be finite and >= 0, got inf at position 0"):
        tree.update([3], [math.inf])
    assert _unchanged(tree)


@pytest.mark.parametrize("bad", [-1.0, math.nan, math.inf])
def test_bad_scalar_priority_is_rejected_and_nothing_changes(tree: SumTree, bad: float) -> None:
    with pytest.raises(ValueError, match="priorities must be finite and >= 0"):
        tree.update(3, bad)
    assert _unchanged(tree)


@pytest.mark.parametrize("index", [5, -1, 10**12])
def test_index_outside_capacity_is_rejected_and_nothing_changes(tree: SumTree, index: int) -> None:
    with pytest.raises(IndexError, match=rf"indices must be in \[0, 5\), got {index} at position 1"):
        tree.update([3, index], [1.0, 1.0])
    assert _unchanged(tree)


@pytest.mark.parametrize("index", [5, -1])
def test_scalar_index_outside_capacity_is_rejected(tree: SumTree, index: int) -> None:
    with pytest.raises(IndexError, match=rf"indices must be in \[0, 5\), got {index}"):
        tree.update(index, 1.0)
    assert _unchanged(tree)


def test_float_indices_are_rejected(tree: SumTree) -> None:
    with pytest.raises(ValueError, match=r"indices must be integers, got \[1.5\]"):
        tree.update([1.5], [1.0])
    assert _unchanged(tree)


def test_mismatched_lengths_are_rejected_and_nothing_changes(tree: SumTree) -> None:
    with pytest.raises(ValueError, match=r"priorities has shape \(3,\) but indices has shape \(2,\)"):
        tree.update([3, 4], [1.0, 2.0, 3.0])
    assert _unchanged(tree)


def test_priorities_outside_capacity_is_rejected(tree: SumTree) -> None:
    with pytest.raises(IndexError, match=r"indices must be in \[0, 5\), got 7 at position 0"):
        tree.priorities([7])


# ---------------------------------------------------------------- find errors


@pytest.mark.parametrize("value", [-1e-9, 6.000001, 1e300])
def test_search_value_outside_zero_total_is_rejected(tree: SumTree, value: float) -> None:
    with pytest.raises(ValueError, match=rf"values must be in \[0, total = 6.0\], got {re.escape(repr(value))} at position 1"):
        tree.find([1.0, value])


def test_nan_search_value_is_rejected(tree: SumTree) -> None:
    with pytest.raises(ValueError, match=r"values must be in \[0, total = 6.0\], got nan at position 0"):
        tree.find([math.nan])


def test_searching_a_never_written_tree_is_rejected() -> None:
    with pytest.raises(ValueError, match=r"cannot search an empty tree: every priority is 0 \(total = 0.0\)"):
        SumTree(3).find([0.0])


def test_searching_a_tree_set_back_to_zero_is_rejected(tree: SumTree) -> None:
    tree.update([0, 1, 2], [0.0, 0.0, 0.0])
    with pytest.raises(ValueError, match="cannot search an empty tree"):
        tree.find([0.0])


def test_non_numeric_search_values_are_rejected(tree: SumTree) -> None:
    with pytest.raises(ValueError, match="values must be numbers, got"):
        tree.find(["a"])


# ---------------------------------------------------------------- small capacities, by hand


@pytest.mark.parametrize("layout", LAYOUTS, ids=LAYOUT_IDS)
def test_capacity_one(layout: dict) -> None:
    t = SumTree(1, **layout)
    t.update([0], [2.5])
    assert t.total == 2.5
    assert t.find([0.0, 1.0, 2.5]).tolist() == [0, 0, 0]


@pytest.mark.parametrize("layout", LAYOUTS, ids=LAYOUT_IDS)
def test_capacity_three(layout: dict) -> None:
    t = _filled(3, np.array([1.0, 2.0, 3.0]), **layout)
    assert t.total == 6.0
    assert t.find([0.0, 0.99, 1.0, 2.99, 3.0, 5.99, 6.0]).tolist() == [0, 0, 1, 1, 2, 2, 2]


@pytest.mark.parametrize("layout", LAYOUTS, ids=LAYOUT_IDS)
def test_capacity_five_skips_zero_slots(layout: dict) -> None:
    t = _filled(5, np.array([0.0, 1.0, 0.0, 0.0, 2.0]), **layout)
    assert t.find([0.0, 0.5, 1.0, 2.0, 3.0]).tolist() == [1, 1, 4, 4, 4]


@pytest.mark.parametrize("layout", LAYOUTS, ids=LAYOUT_IDS)
def test_capacity_thousand_matches_a_full_scan(layout: dict) -> None:
    rng = np.random.default_rng(0)
    priorities = rng.integers(0, 10, 1000).astype(float)  # integers: every sum is exact
    t = _filled(1000, priorities, **layout)
    values = np.concatenate([rng.random(3000) * t.total, np.arange(int(t.total))])
    np.testing.assert_array_equal(t.find(values), _reference_find(priorities, values))
    assert t.total == priorities.sum()


def test_capacity_not_a_power_of_the_fanout_pads_with_empty_slots() -> None:
    t = _filled(33, np.ones(33), fanout=4, root_width=2)
    assert t.find([32.5, 33.0]).tolist() == [32, 32]  # never a padding slot >= 33


def test_repeated_index_keeps_the_last_value() -> None:
    t = SumTree(4)
    t.update([1, 2, 1, 1], [5.0, 2.0, 7.0, 3.0])
    assert t.priorities([1, 2]).tolist() == [3.0, 2.0]
    assert t.total == 5.0


def test_many_repeats_keep_the_last_value_of_each_index() -> None:
    rng = np.random.default_rng(1)
    idx = rng.integers(0, 50, 5000)
    pri = rng.random(5000)
    t = SumTree(50, fanout=4, root_width=2)
    t.update(idx, pri)
    expected = np.zeros(50)
    for i, p in zip(idx, pri):  # one at a time, in order
        expected[i] = p
    np.testing.assert_array_equal(t.priorities(np.arange(50)), expected)


def test_scalar_and_array_updates_agree() -> None:
    a, b = SumTree(100, fanout=4, root_width=3), SumTree(100, fanout=4, root_width=3)
    rng = np.random.default_rng(2)
    for i, p in zip(rng.integers(0, 100, 300), rng.random(300)):
        a.update(int(i), float(p))
        b.update(np.array([i]), np.array([p]))
    np.testing.assert_array_equal(a.priorities(np.arange(100)), b.priorities(np.arange(100)))
    assert math.isclose(a.total, b.total, rel_tol=1e-13)  # row sums may round differently in the last bit


def test_one_priority_is_broadcast_to_many_indices() -> None:
    t = SumTree(4)
    t.update([0, 2, 3], 1.5)
    assert t.priorities(np.arange(4)).tolist() == [1.5, 0.0, 1.5, 1.5]


def test_empty_update_changes_nothing(tree: SumTree) -> None:
    tree.update([], [])
    assert _unchanged(tree)


def test_never_written_slots_have_zero_priority() -> None:
    t = SumTree(6)
    t.update([2], [1.5])
    assert t.priorities([0, 2, 5]).tolist() == [0.0, 1.5, 0.0]


def test_find_keeps_the_shape_of_its_input() -> None:
    t = _filled(4, np.ones(4))
    assert t.find(2.5).shape == ()
    assert t.find([[0.5, 1.5], [2.5, 3.5]]).tolist() == [[0, 1], [2, 3]]
    assert t.find([0.5]).dtype == np.int64


def test_levels_of_the_capacity_four_binary_tree() -> None:
    t = _filled(4, np.array([3.0, 0.0, 2.0, 5.0]), fanout=2, root_width=2)
    assert [level.tolist() for level in t.levels()] == [[3.0, 0.0, 2.0, 5.0], [3.0, 7.0]]
    assert t.depth == 2


# ---------------------------------------------------------------- never an empty slot


@pytest.mark.parametrize("layout", LAYOUTS, ids=LAYOUT_IDS)
def test_adversarial_values_never_return_an_empty_slot(layout: dict) -> None:
    rng = np.random.default_rng(3)
    for capacity in (2, 8, 97, 3000):
        for scale in (1.0, 1e-300, 1e250):
            p = rng.random(capacity) * 10.0 ** rng.uniform(-15, 15, capacity) * (rng.random(capacity) < 0.3) * scale
            p[-1] = 0.0  # the last slot is empty: the classic trap for value == total
            p[rng.integers(capacity - 1)] = scale
            t = _filled(capacity, p, **layout)
            total, bounds = t.total, np.cumsum(p)
            values = np.concatenate(
                [[0.0, total, np.nextafter(total, 0.0)], bounds, np.nextafter(bounds, 0.0), np.nextafter(bounds, np.inf)]
            )
            values = values[(values >= 0.0) & (values <= total)]
            assert np.all(p[t.find(values)] > 0.0), (capacity, scale)


def test_the_simple_versions_trap_is_avoided() -> None:
    sparse = np.array([0.0, 0.62, 0.0, 0.0, 0.0, 0.94, 0.37, 0.0])  # a textbook binary tree ends on slot 7 here
    t = _filled(8, sparse, fanout=2, root_width=2)
    assert 1.93 < t.total
    assert t.find(1.93) == 6


# ---------------------------------------------------------------- properties (hypothesis)

priority_values = st.one_of(
    st.just(0.0),
    st.floats(min_value=0.0, max_value=1e6),
    st.floats(min_value=1e-300, max_value=1e-290),
    st.integers(0, 5).map(float),
)


@st.composite
def trees_and_updates(draw: st.DrawFn) -> tuple[SumTree, np.ndarray]:
    capacity = draw(st.integers(1, 200))
    layout = draw(st.sampled_from(LAYOUTS))
    t = SumTree(capacity, **layout)
    shadow = np.zeros(capacity)
    for _ in range(draw(st.integers(1, 6))):
        idx = draw(st.lists(st.integers(0, capacity - 1), min_size=1, max_size=40))
        pri = draw(st.lists(priority_values, min_size=len(idx), max_size=len(idx)))
        t.update(np.array(idx), np.array(pri))
        for i, p in zip(idx, pri):
            shadow[i] = p
    return t, shadow


@settings(max_examples=150, deadline=None)
@given(trees_and_updates())
def test_total_is_the_exact_sum_of_the_leaves(case: tuple[SumTree, np.ndarray]) -> None:
    t, shadow = case
    np.testing.assert_array_equal(t.priorities(np.arange(t.capacity)), shadow)
    assert math.isclose(t.total, math.fsum(shadow), rel_tol=1e-12, abs_tol=0.0)


@settings(max_examples=150, deadline=None)
@given(trees_and_updates(), st.lists(st.floats(0.0, 1.0), min_size=1, max_size=30))
def test_find_returns_a_positive_slot_whose_interval_holds_the_value(
    case: tuple[SumTree, np.ndarray], fractions: list[float]
) -> None:
    t, shadow = case
    if t.total == 0.0:
        return
    values = np.minimum(np.array(fractions + [1.0]) * t.total, t.total)
    got = t.find(values)
    upper = np.cumsum(shadow)
    lower = upper - shadow
    tol = 1e-9 * t.total  # rounding of the prefix sums themselves
    assert np.all(shadow[got] > 0.0)
    assert np.all(lower[got] - tol <= values) and np.all(values <= upper[got] + tol)


@settings(max_examples=100, deadline=None)
@given(
    st.integers(1, 300),
    st.sampled_from(LAYOUTS),
    st.lists(st.tuples(st.integers(0, 10**6), st.floats(0.0, 1e6)), min_size=1, max_size=60),
)
def test_min_tree_holds_the_minimum_of_written_slots(capacity: int, layout: dict, writes: list) -> None:
    t = MinTree(capacity, **layout)
    shadow = np.full(capacity, np.inf)
    for i, v in writes:
        t.update(i % capacity, v)
        shadow[i % capacity] = v
    assert t.min == shadow.min()


# ---------------------------------------------------------------- MinTree


def test_min_tree_is_infinite_when_empty() -> None:
    assert MinTree(7).min == math.inf


def test_min_tree_tracks_the_smallest_written_value() -> None:
    t = MinTree(5)
    t.update([0, 3], [4.0, 2.0])
    assert t.min == 2.0
    t.update(3, 9.0)
    assert t.min == 4.0


def test_min_tree_slot_cleared_with_infinity() -> None:
    t = MinTree(3)
    t.update([0, 1], [1.0, 2.0])
    t.update(0, math.inf)
    assert t.min == 2.0


@pytest.mark.parametrize("bad", [-1.0, math.nan])
def test_min_tree_rejects_negative_or_nan_values(bad: float) -> None:
    t = MinTree(3)
    t.update([0], [1.0])
    with pytest.raises(ValueError, match="values must be non-negative, got"):
        t.update([1, 2], [2.0, bad])
    assert t.min == 1.0 and t.values([1, 2]).tolist() == [math.inf, math.inf]


# ---------------------------------------------------------------- stratified sampling


def test_stratified_sample_draws_one_slot_per_segment() -> None:
    t = _filled(4, np.ones(4))  # four equal segments = four slots
    assert stratified_sample(t, 4, np.random.default_rng(0)).tolist() == [0, 1, 2, 3]


def test_stratified_sample_returns_int64_of_batch_size() -> None:
    got = stratified_sample(_filled(10, np.ones(10)), 7, np.random.default_rng(0))
    assert got.shape == (7,) and got.dtype == np.int64


@pytest.mark.parametrize("batch_size", [0, -1, 2.0])
def test_stratified_sample_rejects_a_bad_batch_size(batch_size: object) -> None:
    with pytest.raises(ValueError, match=rf"batch_size must be an integer >= 1, got {batch_size!r}"):
        stratified_sample(_filled(4, np.ones(4)), batch_size, np.random.default_rng(0))  # type: ignore[arg-type]


def test_stratified_sample_rejects_a_legacy_random_state() -> None:
    with pytest.raises(ValueError, match="rng must be a numpy.random.Generator"):
        stratified_sample(_filled(4, np.ones(4)), 4, np.random.RandomState(0))  # type: ignore[arg-type]


def test_stratified_sample_rejects_an_empty_tree() -> None:
    with pytest.raises(ValueError, match="cannot sample from an empty tree"):
        stratified_sample(SumTree(4), 2, np.random.default_rng(0))


def _assert_frequencies_match(draws: np.ndarray, priorities: np.ndarray) -> None:
    """No draw of a zero-priority slot; counts of the others pass a chi-square test against N * p_i / sum(p)."""
    counts = np.bincount(draws, minlength=priorities.size)
    positive = priorities > 0
    assert counts[~positive].sum() == 0
    expected = draws.size * priorities[positive] / priorities.sum()
    assert stats.chisquare(counts[positive], expected).pvalue > 1e-3


def test_stratified_sampling_frequencies_match_priorities() -> None:
    """Seeded chi-square test: counts of 100,000 stratified draws against N * p_i / sum(p)."""
    rng = np.random.default_rng(12345)
    priorities = rng.random(20) * (rng.random(20) < 0.8) + 0.0
    priorities[3] = 0.0
    t = _filled(20, priorities)
    draws = np.concatenate([stratified_sample(t, 50, rng) for _ in range(2000)])
    _assert_frequencies_match(draws, priorities)


def test_independent_draws_with_find_match_priorities() -> None:
    """Seeded chi-square test for find with uniform values (no stratification)."""
    rng = np.random.default_rng(54321)
    priorities = np.array([1.0, 0.0, 2.0, 0.5, 4.0, 0.0, 1.5])
    t = _filled(7, priorities, fanout=2, root_width=2)
    draws = t.find(rng.random(70_000) * t.total)
    _assert_frequencies_match(draws, priorities)


# ---------------------------------------------------------------- floating-point drift


def test_no_drift_after_a_million_random_updates() -> None:
    rng = np.random.default_rng(7)
    capacity = 2**16
    t = SumTree(capacity)
    for _ in range(100):  # 100 batches of 10,000 = 10^6 updates, priorities over 12 orders of magnitude
        t.update(rng.integers(0, capacity, 10_000), rng.random(10_000) * 10.0 ** rng.uniform(-6, 6))
    leaves = t.priorities(np.arange(capacity))
    exact = math.fsum(leaves)
    assert abs(t.total - exact) <= 1e-9 * exact


# ---------------------------------------------------------------- single-slot path, safety net, pickling


@pytest.mark.parametrize("layout", LAYOUTS, ids=LAYOUT_IDS)
def test_single_slot_updates_are_visible_to_every_read(layout: dict) -> None:
    rng = np.random.default_rng(8)
    capacity = 5000  # several levels in every layout, so single updates leave stale ancestors
    t, shadow = SumTree(capacity, **layout), np.zeros(capacity)
    for i, p in zip(rng.integers(0, capacity, 6000), rng.integers(0, 10, 6000)):  # > the 4096 backlog
        t.update(int(i), float(p))
        shadow[i] = p
    assert t.total == shadow.sum()  # integers: exact
    values = rng.random(500) * t.total
    np.testing.assert_array_equal(t.find(values), _reference_find(shadow, values))
    assert t.levels()[0][:capacity].tolist() == shadow.tolist()
    assert t.levels()[-1].sum() == shadow.sum()


def test_single_slot_updates_of_a_min_tree_are_visible() -> None:
    t = MinTree(5000, fanout=4, root_width=5)
    t.update(4321, 0.5)
    t.update(17, 0.25)
    assert t.min == 0.25
    t.update(17, math.inf)
    assert t.min == 0.5


class _BrokenFastDescent(SumTree):
    """Simulates a mis-rounded matrix product: the fast descent returns slot 1 (empty below)."""

    def _descend(self, v: np.ndarray, exact: bool = False) -> np.ndarray:
        slots = super()._descend(v, exact)
        return slots if exact else np.ones_like(slots)


class _CrashingFastDescent(SumTree):
    """Simulates a mis-rounded product that walks into a padding node (an IndexError)."""

    def _descend(self, v: np.ndarray, exact: bool = False) -> np.ndarray:
        if not exact:
            raise IndexError("simulated")
        return super()._descend(v, exact)


@pytest.mark.parametrize("cls", [_BrokenFastDescent, _CrashingFastDescent])
def test_the_exact_search_takes_over_when_the_fast_one_fails(cls: type) -> None:
    t = cls(6, fanout=2, root_width=1)
    t.update(np.arange(6), [3.0, 0.0, 2.0, 5.0, 0.0, 1.0])
    assert t.find([0.0, 2.9, 3.0, 4.5, 10.5, 11.0]).tolist() == [0, 0, 2, 2, 5, 5]


@pytest.mark.parametrize("layout", LAYOUTS, ids=LAYOUT_IDS)
def test_fast_and_exact_descents_agree(layout: dict) -> None:
    rng = np.random.default_rng(9)
    p = rng.integers(0, 5, 3000).astype(float)
    t = _filled(3000, p, **layout)
    values = np.concatenate([rng.random(2000) * t.total, np.arange(int(t.total))])
    np.testing.assert_array_equal(t._descend(values.copy()), t._descend(values.copy(), exact=True))


def test_large_batches_are_searched_in_chunks() -> None:
    rng = np.random.default_rng(10)
    p = rng.random(100_000) * (rng.random(100_000) < 0.5)
    t = _filled(100_000, p)
    values = rng.random(5000) * t.total  # > 248 rows per matrix product
    got = t.find(values)
    assert np.all(p[got] > 0)
    upper = np.cumsum(p)
    assert np.all(upper[got] - p[got] - 1e-9 * t.total <= values) and np.all(values <= upper[got] + 1e-9 * t.total)


def test_pickle_and_deepcopy_keep_a_working_independent_tree() -> None:
    import copy
    import pickle

    t = _filled(100, np.arange(100.0), fanout=4, root_width=3)
    t.update(7, 50.0)  # a pending single-slot update must survive the round trip
    for clone in (pickle.loads(pickle.dumps(t)), copy.deepcopy(t)):
        assert clone.total == t.total
        clone.update([0], [1000.0])  # writes through to the clone's own levels
        assert clone.total == t.total + 1000.0
        assert clone.find([500.0]).tolist() == [0]  # the search sees the new value (slot 0 owns [0, 1000))
    assert t.priorities([0]).tolist() == [0.0]


# ---------------------------------------------------------------- the unchecked update the replay buffer uses


@settings(max_examples=100, deadline=None)
@given(
    st.integers(1, 300),
    st.sampled_from(LAYOUTS),
    st.lists(st.lists(st.tuples(st.integers(0, 10**6), st.floats(0.0, 1e6)), min_size=1, max_size=40), max_size=5),
)
def test_update_validated_on_two_trees_equals_update_on_each(capacity: int, layout: dict, batches: list) -> None:
    together = (SumTree(capacity, **layout), MinTree(capacity, **layout))
    apart = (SumTree(capacity, **layout), MinTree(capacity, **layout))
    for batch in batches:  # slots repeat often (capacity can be small): the last value must win in BOTH trees
        idx = np.array([i % capacity for i, _ in batch], dtype=np.int64)
        val = np.array([v for _, v in batch])
        _update_validated(together, idx, val)
        for tree in apart:
            tree.update(idx, val)
    for a, b in zip(together, apart):
        for level_a, level_b in zip(a.levels(), b.levels()):
            np.testing.assert_array_equal(level_a, level_b)
    assert together[0].total == apart[0].total and together[1].min == apart[1].min


def test_update_validated_keeps_the_last_of_repeated_slots_in_every_tree() -> None:
    s, m = SumTree(8), MinTree(8)
    _update_validated((s, m), np.array([3, 5, 3, 3]), np.array([0.5, 2.0, 0.25, 4.0]))
    assert s.priorities([3, 5]).tolist() == [4.0, 2.0] and s.total == 6.0
    assert m.values([3, 5]).tolist() == [4.0, 2.0] and m.min == 2.0  # 0.25 and 0.5 were overwritten


@pytest.mark.parametrize("layout", LAYOUTS, ids=LAYOUT_IDS)
def test_min_tree_nodes_are_the_minimum_of_their_children_after_batched_updates(layout: dict) -> None:
    rng = np.random.default_rng(5)
    t = MinTree(200, **layout)
    for _ in range(20):
        idx = rng.integers(0, 200, 30)
        t.update(idx, np.where(rng.random(30) < 0.2, np.inf, rng.random(30)))  # some slots cleared
    levels, fanout = t.levels(), t.fanout
    for children, parents in zip(levels[:-1], levels[1:]):
        expected = np.minimum.reduce(children.reshape(-1, fanout), axis=1)
        np.testing.assert_array_equal(parents[: expected.size], expected)
        assert np.all(parents[expected.size :] == np.inf)  # padding up to a whole row: empty
    assert t.min == levels[-1].min()
