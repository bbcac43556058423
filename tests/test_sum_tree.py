"""Tests of prdqn_helpers.sum_tree (exported from notebooks/01_sum_tree.ipynb), through its public API."""

from __future__ import annotations

import copy
import math
import pickle
import re

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import stats

from prdqn_helpers.sum_tree import MinTree, SumTree, stratified_sample

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


# ---------------------------------------------------------------- bad input: named, and nothing changes


@pytest.mark.parametrize(
    ("make", "match"),
    [
        (lambda: SumTree(0), "capacity must be an integer >= 1, got 0"),
        (lambda: SumTree(-3), "capacity must be an integer >= 1, got -3"),
        (lambda: SumTree(2.0), "capacity must be an integer >= 1, got 2.0"),
        (lambda: SumTree("8"), "capacity must be an integer >= 1, got '8'"),
        (lambda: SumTree(None), "capacity must be an integer >= 1, got None"),
        (lambda: SumTree(True), "capacity must be an integer >= 1, got True"),
        (lambda: SumTree(8, fanout=1), "fanout must be an integer >= 2, got 1"),
        (lambda: SumTree(8, root_width=0), "root_width must be an integer >= 1, got 0"),
        (lambda: MinTree(0), "capacity must be an integer >= 1, got 0"),
    ],
)
def test_bad_construction_names_the_argument(make, match: str) -> None:
    with pytest.raises(ValueError, match=re.escape(match)):
        make()


def test_numpy_integer_capacity_is_accepted() -> None:
    assert SumTree(np.int64(5)).capacity == 5


@pytest.fixture
def tree() -> SumTree:
    """A capacity-5 tree holding (1, 2, 3, 0, 0)."""
    t = SumTree(5)
    t.update([0, 1, 2], [1.0, 2.0, 3.0])
    return t


BAD_CALLS = [
    # (call on the fixture tree, error type, text the message must contain)
    (lambda t: t.update([3, 4], [1.0, -0.5]), ValueError, "priorities must be >= 0, got -0.5 at position 1"),
    (lambda t: t.update([3, 4, 0], [1.0, 1.0, math.nan]), ValueError, "priorities must be finite, got nan at position 2"),
    (lambda t: t.update([3], [math.inf]), ValueError, "priorities must be finite, got inf"),
    (lambda t: t.update(3, -1.0), ValueError, "priorities must be >= 0, got -1.0"),
    (lambda t: t.update(3, math.nan), ValueError, "priorities must be finite"),
    (lambda t: t.update([3], ["a"]), ValueError, "priorities must be real numbers"),
    (lambda t: t.update([3, 4], [1.0, 2.0, 3.0]), ValueError, "priorities must have shape (2,), got shape (3,)"),
    (lambda t: t.update([3, 5], [1.0, 1.0]), IndexError, "indices must be in [0, 5), got 5 at position 1"),
    (lambda t: t.update([3, -1], [1.0, 1.0]), IndexError, "indices must be in [0, 5), got -1 at position 1"),
    (lambda t: t.update([3, 10**12], [1.0, 1.0]), IndexError, "indices must be in [0, 5), got 1000000000000"),
    (lambda t: t.update(5, 1.0), IndexError, "indices must be in [0, 5), got 5"),
    (lambda t: t.update([1.5], [1.0]), ValueError, "indices must be integers, got dtype float64"),
    (lambda t: t.priorities([7]), IndexError, "indices must be in [0, 5), got 7 at position 0"),
    (lambda t: t.find([1.0, -1e-9]), ValueError, "values must be >= 0, got -1e-09 at position 1"),
    (lambda t: t.find([1.0, 6.000001]), ValueError, "values must be <= total = 6.0, got 6.000001"),
    (lambda t: t.find([1e300]), ValueError, "values must be <= total = 6.0, got 1e+300"),
    (lambda t: t.find([math.nan]), ValueError, "values must be finite, got nan"),
    (lambda t: t.find(["a"]), ValueError, "values must be real numbers"),
    (lambda t: stratified_sample(t, 0, np.random.default_rng(0)), ValueError, "batch_size must be an integer >= 1, got 0"),
    (lambda t: stratified_sample(t, 2.0, np.random.default_rng(0)), ValueError, "batch_size must be an integer >= 1, got 2.0"),
    (lambda t: stratified_sample(t, 4, np.random.RandomState(0)), ValueError, "rng must be a numpy.random.Generator"),
]


@pytest.mark.parametrize(("call", "error", "text"), BAD_CALLS, ids=[c[2][:40] for c in BAD_CALLS])
def test_bad_input_names_the_argument_and_changes_nothing(tree: SumTree, call, error: type, text: str) -> None:
    before = [level.copy() for level in tree.levels()]
    with pytest.raises(error, match=re.escape(text)):
        call(tree)
    assert all(np.array_equal(a, b) for a, b in zip(tree.levels(), before))
    assert tree.leaves.tolist() == [1.0, 2.0, 3.0, 0.0, 0.0] and tree.total == 6.0


def test_searching_or_sampling_an_empty_tree_is_rejected(tree: SumTree) -> None:
    with pytest.raises(ValueError, match=re.escape("cannot search an empty tree: every priority is 0 (total = 0.0)")):
        SumTree(3).find([0.0])
    tree.update([0, 1, 2], [0.0, 0.0, 0.0])  # set back to zero
    with pytest.raises(ValueError, match="cannot search an empty tree"):
        stratified_sample(tree, 2, np.random.default_rng(0))


def test_min_tree_rejects_a_negative_value_and_changes_nothing() -> None:
    t = MinTree(3)
    t.update([0], [1.0])
    with pytest.raises(ValueError, match=re.escape("values must be >= 0, got -1.0 at position 1")):
        t.update([1, 2], [2.0, -1.0])
    assert t.min == 1.0 and t.leaves.tolist() == [1.0, math.inf, math.inf]


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


def test_capacity_not_a_power_of_the_fanout_never_returns_padding() -> None:
    t = _filled(33, np.ones(33), fanout=4, root_width=2)
    assert t.find([32.5, 33.0]).tolist() == [32, 32]  # never a padding slot >= 33


def test_levels_and_depth_of_the_capacity_four_binary_tree() -> None:
    t = _filled(4, np.array([3.0, 0.0, 2.0, 5.0]), fanout=2, root_width=2)
    assert [level.tolist() for level in t.levels()] == [[3.0, 0.0, 2.0, 5.0], [3.0, 7.0]]
    assert len(SumTree(2**20).levels()) == 3  # the depth: 2^20 -> 2^15 -> 2^10 root children


# ---------------------------------------------------------------- update semantics


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
    np.testing.assert_array_equal(t.leaves, expected)
    assert math.isclose(t.total, math.fsum(expected), rel_tol=1e-12)


def test_scalar_and_array_updates_agree() -> None:
    a, b = SumTree(100, fanout=4, root_width=3), SumTree(100, fanout=4, root_width=3)
    rng = np.random.default_rng(2)
    for i, p in zip(rng.integers(0, 100, 300), rng.random(300)):
        a.update(int(i), float(p))
        b.update(np.array([i]), np.array([p]))
    assert all(np.array_equal(x, y) for x, y in zip(a.levels(), b.levels())) and a.total == b.total


def test_one_priority_is_broadcast_to_many_indices() -> None:
    t = SumTree(4)
    t.update([0, 2, 3], 1.5)
    assert t.leaves.tolist() == [1.5, 0.0, 1.5, 1.5]


@pytest.mark.parametrize("check", [True, False])
@pytest.mark.parametrize("cls", [SumTree, MinTree])
def test_one_value_for_all_equals_the_value_repeated_in_any_shape(cls: type, check: bool) -> None:
    # update broadcasts only a value whose shape differs from the indices': both ways must store the same
    rng = np.random.default_rng(4)
    one, many = cls(5_000), cls(5_000)
    for shape in [(), (1,), (7,), (3, 4)]:
        slots, value = rng.integers(0, 5_000, shape), float(rng.random())
        one.update(slots, value, check=check)
        many.update(slots, np.full(shape, value), check=check)
        one.update(slots, np.float64(value) * 2, check=check)
        many.update(slots.tolist() if shape else int(slots), np.full(shape, value * 2).tolist(), check=check)
        assert all(np.array_equal(x, y) for x, y in zip(one.levels(), many.levels()))


def test_empty_update_changes_nothing(tree: SumTree) -> None:
    tree.update([], [])
    assert tree.leaves.tolist() == [1.0, 2.0, 3.0, 0.0, 0.0] and tree.total == 6.0


def test_priorities_are_a_copy_and_never_written_slots_are_zero() -> None:
    t = SumTree(6)
    t.update([2], [1.5])
    got = t.priorities([0, 2, 5])
    got[1] = 99.0
    assert got.dtype == np.float64 and t.priorities([0, 2, 5]).tolist() == [0.0, 1.5, 0.0]


def test_leaves_is_a_read_only_view_that_follows_updates() -> None:
    t = SumTree(3000)  # padded to whole rows: leaves still has exactly `capacity` entries
    leaves = t.leaves
    assert leaves.shape == (3000,) and leaves.dtype == np.float64
    t.update([5, 2999], [2.0, 3.0])
    assert leaves[5] == 2.0 and leaves[2999] == 3.0 and leaves.sum() == t.total  # no copy: the same memory
    with pytest.raises(ValueError, match="read-only"):
        leaves[0] = 1.0
    assert MinTree(4).leaves.tolist() == [math.inf] * 4


def test_find_keeps_the_shape_of_its_input() -> None:
    t = _filled(4, np.ones(4))
    assert t.find(2.5).shape == ()
    assert t.find([[0.5, 1.5], [2.5, 3.5]]).tolist() == [[0, 1], [2, 3]]
    assert t.find([0.5]).dtype == np.int64


@pytest.mark.parametrize("layout", LAYOUTS, ids=LAYOUT_IDS)
def test_every_parent_is_recomputed_from_its_children(layout: dict) -> None:
    rng = np.random.default_rng(5)
    for cls, reduce, empty in ((SumTree, np.add, 0.0), (MinTree, np.minimum, math.inf)):
        t = cls(200, **layout)
        for _ in range(20):
            t.update(rng.integers(0, 200, 30), rng.random(30))
        levels, fanout = t.levels(), t.fanout
        for children, parents in zip(levels[:-1], levels[1:]):
            expected = reduce.reduce(children.reshape(-1, fanout), axis=1)
            np.testing.assert_array_equal(parents[: expected.size], expected)
            assert np.all(parents[expected.size :] == empty)  # padding up to a whole row stays empty
        assert np.all(levels[0][200:] == empty)


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
    np.testing.assert_array_equal(t.leaves, shadow)
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


def test_min_tree_is_infinite_when_empty_and_follows_overwrites() -> None:
    t = MinTree(5)
    assert t.min == math.inf
    t.update([0, 3], [4.0, 2.0])
    assert t.min == 2.0
    t.update(3, 9.0)
    assert t.min == 4.0


# ---------------------------------------------------------------- stratified sampling


def test_stratified_sample_draws_one_slot_per_segment() -> None:
    t = _filled(4, np.ones(4))  # four equal segments = four slots
    assert stratified_sample(t, 4, np.random.default_rng(0)).tolist() == [0, 1, 2, 3]


def test_stratified_sample_returns_int64_of_batch_size() -> None:
    got = stratified_sample(_filled(10, np.ones(10)), 7, np.random.default_rng(0))
    assert got.shape == (7,) and got.dtype == np.int64


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
    exact = math.fsum(t.leaves)
    assert abs(t.total - exact) <= 1e-9 * exact


def test_small_priorities_after_large_ones_leave_no_trace() -> None:
    """Overwrite big priorities with small ones: the total is as exact as if the big ones never were."""
    rng = np.random.default_rng(9)
    t = SumTree(1024, fanout=2, root_width=2)
    t.update(np.arange(1024), rng.uniform(1e6, 2e6, 1024))
    small = rng.random(1024)
    for i, p in enumerate(small):  # one slot at a time, as a replay buffer does
        t.update(i, float(p))
    assert abs(t.total - math.fsum(small)) <= 1e-12 * math.fsum(small)


# ---------------------------------------------------------------- copies and pickles are whole trees

COPIES = {"deepcopy": copy.deepcopy, "pickle": lambda obj: pickle.loads(pickle.dumps(obj))}


def _built(cls: type, capacity: int, *writes: tuple[np.ndarray, np.ndarray]) -> SumTree | MinTree:
    """A fresh tree given ``writes``, (indices, values) pairs, in order."""
    t = cls(capacity)
    for indices, values in writes:
        t.update(indices, values)
    return t


def _answers(t: SumTree | MinTree) -> tuple:
    """What the public API says about a tree: its leaves; the minimum, or the total, searches and a sample."""
    said = (t.leaves.copy(), t.priorities(np.arange(t.capacity)))
    if isinstance(t, MinTree):
        return said + (t.min,)
    values = np.linspace(0.0, t.total, 2001)
    return said + (t.total, t.find(values), stratified_sample(t, 256, np.random.default_rng(0)))


def _assert_answers_equal(a: tuple, b: tuple) -> None:
    assert len(a) == len(b)
    for x, y in zip(a, b):
        np.testing.assert_array_equal(x, y)


@pytest.mark.parametrize("how", COPIES)
@pytest.mark.parametrize("capacity", [5_000, 50_000])  # past the root's width (2,048): rows below the root
@pytest.mark.parametrize("cls", [SumTree, MinTree])
def test_copies_and_pickles_are_whole_and_independent(cls: type, capacity: int, how: str) -> None:
    rng = np.random.default_rng(capacity)
    first = (np.arange(capacity), rng.random(capacity) + 0.5)
    on_copy = (rng.integers(0, capacity, 300), rng.random(300) * 1000.0)  # raises some slots, lowers others
    on_original = (rng.integers(0, capacity, 300), rng.random(300) * 1000.0)
    original = _built(cls, capacity, first)
    copied = COPIES[how](original)
    copied.update(*on_copy)
    _assert_answers_equal(_answers(copied), _answers(_built(cls, capacity, first, on_copy)))
    _assert_answers_equal(_answers(original), _answers(_built(cls, capacity, first)))  # the original is untouched
    original.update(*on_original)  # and the other way round
    _assert_answers_equal(_answers(original), _answers(_built(cls, capacity, first, on_original)))
    _assert_answers_equal(_answers(copied), _answers(_built(cls, capacity, first, on_copy)))
    with pytest.raises(ValueError, match="read-only"):
        copied.leaves[0] = 1.0


def test_a_raised_slot_of_a_copy_is_found() -> None:
    original = _built(SumTree, 50_000, (np.arange(50_000), np.ones(50_000)))
    copied = copy.deepcopy(original)
    copied.update([40_000], [1e9])
    assert copied.total == 49_999.0 + 1e9 and original.total == 50_000.0
    assert np.mean(stratified_sample(copied, 64, np.random.default_rng(0)) == 40_000) > 0.9


# ---------------------------------------------------------------- the total stays finite


def test_values_whose_sum_could_overflow_are_refused_and_change_nothing() -> None:
    t = _built(SumTree, 4, ([0, 1], [1.0, 2.0]))
    with pytest.raises(ValueError, match=r"^priorities must be <= 2\.24712e\+307, got 1e\+308 at position 1$"):
        t.update([2, 3], [1.0, 1e308])  # 1e308 + 1e308 would be inf
    assert t.leaves.tolist() == [1.0, 2.0, 0.0, 0.0] and t.total == 3.0
    assert t.max_value == np.finfo(np.float64).max / 8  # float64's max / (2 * capacity)
    with pytest.raises(ValueError, match=r"^priorities must be <= "):
        t.update([0, 1, 2, 3], np.nextafter(t.max_value, np.inf))
    assert t.leaves.tolist() == [1.0, 2.0, 0.0, 0.0] and t.total == 3.0


@pytest.mark.parametrize("capacity", [1, 3, 4, 5_000, 50_000])
def test_every_slot_at_the_largest_value_keeps_the_total_finite(capacity: int) -> None:
    t = SumTree(capacity)
    t.update(np.arange(capacity), t.max_value)
    assert math.isfinite(t.total) and t.total == pytest.approx(np.finfo(np.float64).max / 2, rel=1e-9)
    assert t.find([0.0, t.total]).tolist() == [0, capacity - 1]
    assert np.all(np.isfinite(t.levels()[-1]))


def test_min_tree_takes_any_finite_value() -> None:
    t = MinTree(4)
    t.update([0, 1], [1e308, np.finfo(np.float64).max])
    assert t.min == 1e308
