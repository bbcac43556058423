"""Tests of prdqn_helpers.replay through its public API: both buffers, their errors, sampling statistics and weights."""

from __future__ import annotations

import copy
import math
import pickle
import warnings

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import stats

from prdqn_helpers.replay import Batch, PrioritizedReplayBuffer, ReplayBuffer

BUFFERS = [ReplayBuffer, PrioritizedReplayBuffer]
OBS_SHAPE = (4,)


def transition(t: float, obs_shape: tuple[int, ...] = OBS_SHAPE) -> tuple:
    """A valid transition whose observation is filled with ``t`` (so it can be recognised)."""
    return np.full(obs_shape, t, np.float32), int(t) % 2, float(t), np.full(obs_shape, t + 1, np.float32), False


def filled(cls: type, n: int, capacity: int | None = None, **kwargs) -> ReplayBuffer:
    buffer = cls(capacity or n, OBS_SHAPE, **kwargs)
    for t in range(n):
        buffer.add(*transition(t))
    return buffer


def snapshot(buffer: ReplayBuffer) -> tuple:
    """Everything observable about a buffer's contents: length, a fixed-seed sample, priorities."""
    state: tuple = (len(buffer),)
    if len(buffer):
        state += tuple(buffer.sample(len(buffer), rng=np.random.default_rng(0)))
    if isinstance(buffer, PrioritizedReplayBuffer):
        state += (buffer.max_priority, buffer.min_priority, buffer.total_priority)
        if len(buffer):
            state += (buffer.priorities(np.arange(len(buffer))),)
    return state


def assert_same(a: tuple, b: tuple) -> None:
    assert len(a) == len(b)
    for x, y in zip(a, b):
        np.testing.assert_array_equal(x, y)


def hand_made(alpha: float = 0.5) -> PrioritizedReplayBuffer:
    """The notebook's example: priorities (|delta| + 1) ** 0.5 = 2, 1, 3, 4."""
    buffer = PrioritizedReplayBuffer(4, (1,), alpha=alpha, priority_eps=1.0)
    for t in range(4):
        buffer.add([t], 0, 0.0, [t + 1], False)
    buffer.update_priorities(np.arange(4), [3.0, 0.0, 8.0, 15.0])
    return buffer


# ---- construction ----------------------------------------------------------------------------------
@pytest.mark.parametrize("cls", BUFFERS)
@pytest.mark.parametrize("capacity", [0, -3, 2.5, True, "8", None])
def test_bad_capacity_is_rejected(cls: type, capacity: object) -> None:
    with pytest.raises(ValueError, match="^capacity "):
        cls(capacity, OBS_SHAPE)


@pytest.mark.parametrize("cls", BUFFERS)
@pytest.mark.parametrize("obs_shape", [(0,), (4, -1), "ab", None, (2.0,)])
def test_bad_obs_shape_is_rejected(cls: type, obs_shape: object) -> None:
    with pytest.raises(ValueError, match="^obs_shape "):
        cls(8, obs_shape)


@pytest.mark.parametrize("kwargs, name", [
    ({"alpha": -0.1}, "alpha"), ({"alpha": float("nan")}, "alpha"), ({"alpha": "0.6"}, "alpha"),
    ({"priority_eps": 0.0}, "priority_eps"), ({"priority_eps": -1e-6}, "priority_eps"),
    ({"priority_eps": float("inf")}, "priority_eps"), ({"alpha": 1.5}, "alpha"),  # alpha in [0, 1]: no overflow
])
def test_bad_prioritization_parameters_are_rejected(kwargs: dict, name: str) -> None:
    with pytest.raises(ValueError, match=f"^{name} "):
        PrioritizedReplayBuffer(8, OBS_SHAPE, **kwargs)


def test_int_obs_shape_means_a_vector() -> None:
    assert ReplayBuffer(8, 4).obs_shape == (4,)


# ---- batches -------------------------------------------------------------------------------------
@pytest.mark.parametrize("cls", BUFFERS)
def test_batch_has_the_agreed_shapes_and_dtypes(cls: type) -> None:
    buffer = cls(16, (2, 3))
    for t in range(10):
        buffer.add(np.full((2, 3), t), t % 3, 0.5, np.full((2, 3), t + 1), t == 9)
    batch = buffer.sample(8, beta=0.4, rng=np.random.default_rng(0))
    assert isinstance(batch, Batch)
    expected = {
        "obs": ((8, 2, 3), np.float32), "actions": ((8,), np.int64), "rewards": ((8,), np.float32),
        "next_obs": ((8, 2, 3), np.float32), "terminated": ((8,), np.float32),
        "weights": ((8,), np.float32), "indices": ((8,), np.int64),
    }
    for field, (shape, dtype) in expected.items():
        value = getattr(batch, field)
        assert value.shape == shape and value.dtype == dtype, field


@pytest.mark.parametrize("cls", BUFFERS)
def test_sampled_rows_match_what_was_added(cls: type) -> None:
    buffer = filled(cls, 10)
    batch = buffer.sample(10, rng=np.random.default_rng(1))
    t = batch.obs[:, 0]
    np.testing.assert_array_equal(batch.indices, t)  # slot t holds transition t (no wrap yet)
    np.testing.assert_array_equal(batch.actions, t.astype(int) % 2)
    np.testing.assert_array_equal(batch.rewards, t)
    np.testing.assert_array_equal(batch.next_obs[:, 0], t + 1)
    np.testing.assert_array_equal(batch.terminated, 0.0)


def test_terminated_is_stored_as_float_flag() -> None:
    buffer = ReplayBuffer(2, OBS_SHAPE)
    buffer.add(np.zeros(4), 0, 0.0, np.zeros(4), True)
    buffer.add(np.ones(4), 0, 0.0, np.ones(4), np.False_)
    batch = buffer.sample(2, rng=np.random.default_rng(0))
    np.testing.assert_array_equal(batch.terminated, 1.0 - batch.obs[:, 0])


@pytest.mark.parametrize("cls", BUFFERS)
def test_batch_is_a_copy(cls: type) -> None:
    buffer = filled(cls, 4)
    before = snapshot(buffer)
    batch = buffer.sample(4, rng=np.random.default_rng(0))
    batch.obs[:] = -1.0
    batch.rewards[:] = -1.0
    assert_same(before, snapshot(buffer))


def test_uniform_weights_are_one() -> None:
    batch = filled(ReplayBuffer, 20).sample(20, beta=0.7, rng=np.random.default_rng(0))
    assert np.all(batch.weights == 1.0)


@pytest.mark.parametrize("cls", BUFFERS)
def test_never_written_slots_are_never_sampled(cls: type) -> None:
    buffer = filled(cls, 3, capacity=100)
    rng = np.random.default_rng(0)
    indices = np.concatenate([buffer.sample(3, rng=rng).indices for _ in range(2_000)])
    assert set(indices.tolist()) == {0, 1, 2}


# ---- ring buffer ---------------------------------------------------------------------------------
@pytest.mark.parametrize("cls", BUFFERS)
def test_wrap_around_keeps_the_newest_capacity_transitions(cls: type) -> None:
    buffer = filled(cls, 12, capacity=5)
    assert len(buffer) == 5
    rng = np.random.default_rng(0)
    batches = [buffer.sample(5, rng=rng) for _ in range(300)]
    seen = {int(i): float(t) for b in batches for i, t in zip(b.indices, b.obs[:, 0])}
    assert seen == {t % 5: float(t) for t in range(7, 12)}  # transition t lives in slot t % capacity


def test_wrap_around_keeps_the_newest_priorities() -> None:
    buffer = PrioritizedReplayBuffer(5, OBS_SHAPE, alpha=1.0, priority_eps=1e-6)
    for t in range(12):
        buffer.add(*transition(t))
        buffer.update_priorities([t % 5], [t])  # transition t gets priority t + eps
    slots = np.arange(5)
    newest = np.array([10, 11, 7, 8, 9])  # slot s holds the newest t with t % 5 == s
    np.testing.assert_allclose(buffer.priorities(slots), newest + 1e-6)
    assert buffer.min_priority == pytest.approx(7 + 1e-6)
    assert buffer.total_priority == pytest.approx(newest.sum() + 5e-6)


def test_overwritten_slot_gets_the_largest_priority() -> None:
    buffer = filled(PrioritizedReplayBuffer, 3)
    buffer.update_priorities([0, 1, 2], [0.0, 5.0, 1.0])
    buffer.add(*transition(3))  # overwrites slot 0, whose priority was the smallest
    assert buffer.priorities([0])[0] == buffer.max_priority == pytest.approx(5.0**0.6)
    assert buffer.min_priority == pytest.approx(1.0, rel=1e-5)


# ---- the largest priority ------------------------------------------------------------------------
def test_new_transitions_start_at_priority_one() -> None:
    buffer = filled(PrioritizedReplayBuffer, 5)
    np.testing.assert_array_equal(buffer.priorities(np.arange(5)), 1.0)
    assert buffer.max_priority == 1.0


def test_max_priority_is_the_largest_priority_given_and_never_decreases() -> None:
    buffer = filled(PrioritizedReplayBuffer, 6, alpha=0.5, priority_eps=1e-6)
    buffer.update_priorities([0, 1], [8.0, 3.0])
    assert buffer.max_priority == pytest.approx((8.0 + 1e-6) ** 0.5)
    buffer.update_priorities([0, 1, 2], [0.0, 0.0, 0.0])  # every priority is small now
    assert buffer.max_priority == pytest.approx((8.0 + 1e-6) ** 0.5)
    buffer.add(*transition(6))
    assert buffer.priorities([0])[0] == buffer.max_priority  # slot 0 was overwritten


def test_small_errors_keep_max_priority_at_one() -> None:
    buffer = filled(PrioritizedReplayBuffer, 4)
    buffer.update_priorities(np.arange(4), [0.1, 0.2, 0.3, 0.4])
    assert buffer.max_priority == 1.0  # p_1 = 1 counts as given


def test_repeated_index_keeps_its_last_error() -> None:
    buffer = filled(PrioritizedReplayBuffer, 4, alpha=1.0, priority_eps=1e-6)
    buffer.update_priorities([2, 1, 2], [5.0, 1.0, 0.5])
    assert buffer.priorities([2])[0] == pytest.approx(0.5 + 1e-6)


def test_repeated_index_keeps_its_last_error_for_the_smallest_priority_too() -> None:
    buffer = filled(PrioritizedReplayBuffer, 4, alpha=1.0, priority_eps=1e-6)
    buffer.update_priorities([0, 1, 2, 3, 2], [3.0, 4.0, 0.0, 5.0, 2.0])  # slot 2: 0.0, then 2.0
    assert buffer.min_priority == pytest.approx(2.0 + 1e-6)


@pytest.mark.parametrize("alpha", [0.0, 0.6, 1.0])
def test_priorities_follow_the_formula_without_warnings(alpha: float) -> None:
    buffer = filled(PrioritizedReplayBuffer, 3, alpha=alpha, priority_eps=1e-6)
    errors = np.array([0.0, 2.0, 1e30])  # a huge error still gives a finite priority
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        buffer.update_priorities(np.arange(3), errors)
    np.testing.assert_allclose(buffer.priorities(np.arange(3)), (errors + 1e-6) ** alpha, rtol=1e-12)
    assert buffer.max_priority == pytest.approx((1e30 + 1e-6) ** alpha)


def test_sign_of_td_error_is_ignored() -> None:
    buffer = filled(PrioritizedReplayBuffer, 2)
    buffer.update_priorities([0, 1], [-2.0, 2.0])
    p = buffer.priorities([0, 1])
    assert p[0] == p[1] == pytest.approx(2.0**0.6, rel=1e-6)


def test_update_for_an_overwritten_slot_applies_to_the_new_transition() -> None:
    buffer = filled(PrioritizedReplayBuffer, 2)
    sampled = buffer.sample(2, rng=np.random.default_rng(0)).indices
    buffer.add(*transition(2))  # replaces slot 0
    buffer.update_priorities(sampled, np.full(2, 3.0))
    batch = buffer.sample(2, rng=np.random.default_rng(1))
    assert buffer.priorities([0])[0] == pytest.approx(3.0**0.6, rel=1e-6)
    assert set(batch.obs[batch.indices == 0, 0].tolist()) <= {2.0}  # slot 0 holds transition 2


def test_uniform_update_priorities_is_a_no_op() -> None:
    buffer = filled(ReplayBuffer, 5)
    before = snapshot(buffer)
    buffer.update_priorities([0, 1], [100.0, 0.0])
    assert_same(before, snapshot(buffer))


# ---- importance-sampling weights -----------------------------------------------------------------------------------
@pytest.mark.parametrize("beta", [0.0, 0.4, 1.0])
def test_weights_on_a_hand_made_buffer(beta: float) -> None:
    buffer = hand_made()  # priorities 2, 1, 3, 4; P = 0.2, 0.1, 0.3, 0.4; N = 4
    batch = buffer.sample(4, beta=beta, rng=np.random.default_rng(0))
    expected_all = (4 * np.array([0.2, 0.1, 0.3, 0.4])) ** -beta
    expected_all /= expected_all.max()  # at beta = 1: 0.5, 1, 1/3, 1/4
    np.testing.assert_allclose(batch.weights, expected_all[batch.indices], rtol=1e-6)
    assert batch.weights.dtype == np.float32


def test_weights_at_beta_one_exactly() -> None:
    rng = np.random.default_rng(0)
    batches = [hand_made().sample(4, beta=1.0, rng=rng) for _ in range(50)]
    table = {int(i): float(w) for b in batches for i, w in zip(b.indices, b.weights)}
    assert table == pytest.approx({0: 0.5, 1: 1.0, 2: 1 / 3, 3: 0.25})


def test_weights_use_the_smallest_stored_priority_not_the_batch() -> None:
    buffer = PrioritizedReplayBuffer(10, (1,), alpha=1.0, priority_eps=1e-6)
    for t in range(10):
        buffer.add([t], 0, 0.0, [t], False)
    buffer.update_priorities(np.arange(10), [0.01] + [100.0] * 9)  # one tiny, rarely sampled
    batch = buffer.sample(2, beta=1.0, rng=np.random.default_rng(0))
    assert np.all(batch.indices != 0)
    np.testing.assert_allclose(batch.weights, (0.01 + 1e-6) / (100.0 + 1e-6), rtol=1e-6)


def test_weights_are_normalized_before_the_buffer_is_full() -> None:
    buffer = filled(PrioritizedReplayBuffer, 3, capacity=1000)  # 997 empty slots must not count
    buffer.update_priorities([0, 1, 2], [1.0, 2.0, 3.0])
    batch = buffer.sample(3, beta=1.0, rng=np.random.default_rng(0))
    p = buffer.priorities(batch.indices)
    np.testing.assert_allclose(batch.weights, buffer.min_priority / p, rtol=1e-6)
    assert buffer.min_priority == pytest.approx((1.0 + 1e-6) ** 0.6)


# ---- sampling statistics ----------------------------------------------------------------------------------
def test_prioritized_sampling_frequencies_follow_the_priorities() -> None:
    buffer = hand_made()
    rng = np.random.default_rng(123)
    draws = np.concatenate([buffer.sample(4, rng=rng).indices for _ in range(5_000)])
    counts = np.bincount(draws, minlength=4)
    assert stats.chisquare(counts, draws.size * np.array([0.2, 0.1, 0.3, 0.4])).pvalue > 1e-3
    # and a wrong distribution (uniform) is clearly rejected by the same test
    assert stats.chisquare(counts).pvalue < 1e-6


def test_prioritized_single_draws_follow_the_priorities() -> None:
    buffer = hand_made()
    rng = np.random.default_rng(5)
    counts = np.bincount([buffer.sample(1, rng=rng).indices[0] for _ in range(4_000)], minlength=4)
    assert stats.chisquare(counts, 4_000 * np.array([0.2, 0.1, 0.3, 0.4])).pvalue > 1e-3


def test_stratified_batch_has_one_draw_per_segment() -> None:
    # Priorities 2, 1, 3, 4 and B = 4: segment [7.5, 10) can only give slot 3, segment [0, 2.5)
    # only slots 0 or 1: so every batch holds slot 3 and one of slots 0 and 1.
    buffer = hand_made()
    rng = np.random.default_rng(0)
    for _ in range(200):
        indices = np.sort(buffer.sample(4, rng=rng).indices)
        assert indices[-1] == 3 and indices[0] in (0, 1)


def test_uniform_sampling_frequencies_are_uniform() -> None:
    buffer = filled(ReplayBuffer, 50)
    rng = np.random.default_rng(7)
    counts = np.bincount(np.concatenate([buffer.sample(50, rng=rng).indices for _ in range(400)]), minlength=50)
    assert stats.chisquare(counts).pvalue > 1e-3


def test_alpha_zero_equals_uniform() -> None:
    buffer = filled(PrioritizedReplayBuffer, 50, alpha=0.0)
    buffer.update_priorities(np.arange(50), np.random.default_rng(0).exponential(10.0, 50))
    np.testing.assert_array_equal(buffer.priorities(np.arange(50)), 1.0)
    rng = np.random.default_rng(8)
    batches = [buffer.sample(10, beta=1.0, rng=rng) for _ in range(2_000)]
    assert all(np.all(b.weights == 1.0) for b in batches)
    counts = np.bincount(np.concatenate([b.indices for b in batches]), minlength=50)
    assert stats.chisquare(counts).pvalue > 1e-3


def test_importance_weights_at_beta_one_remove_the_bias() -> None:
    rng = np.random.default_rng(11)
    n = 200
    values = (rng.exponential(1.0, n) - 0.5).astype(np.float32)
    buffer = PrioritizedReplayBuffer(n, (1,))
    buffer.add_batch(np.zeros((n, 1)), np.zeros(n, int), values, np.zeros((n, 1)), np.zeros(n))
    buffer.update_priorities(np.arange(n), values)
    max_weight = buffer.total_priority / (n * buffer.min_priority)
    plain, corrected = [], []
    for _ in range(1_500):
        batch = buffer.sample(32, beta=1.0, rng=rng)
        plain.append(batch.rewards.mean())
        corrected.append(np.mean(batch.weights * max_weight * batch.rewards))
    truth = values.astype(np.float64).mean()
    se = np.std(corrected) / np.sqrt(len(corrected))
    assert abs(np.mean(corrected) - truth) < 4 * se
    assert np.mean(plain) - truth > 10 * np.std(plain) / np.sqrt(len(plain))


# ---- add_batch -----------------------------------------------------------------------------------------
@pytest.mark.parametrize("cls", BUFFERS)
@pytest.mark.parametrize("n_rows", [1, 3, 7, 12])
def test_add_batch_equals_repeated_add(cls: type, n_rows: int) -> None:
    one, many = filled(cls, 2, capacity=5), filled(cls, 2, capacity=5)
    rows = [transition(t) for t in range(10, 10 + n_rows)]
    for row in rows:
        one.add(*row)
    many.add_batch(*(np.array(column) for column in zip(*rows)))
    assert_same(snapshot(one), snapshot(many))
    one.add(*transition(99))
    many.add(*transition(99))  # and the write position agrees too
    assert_same(snapshot(one), snapshot(many))


@pytest.mark.parametrize("cls", BUFFERS)
def test_add_batch_rejects_mismatched_lengths(cls: type) -> None:
    buffer = filled(cls, 2, capacity=5)
    before = snapshot(buffer)
    with pytest.raises(ValueError, match=r"obs must have shape \(2, 4\), got shape \(3, 4\)"):  # B = len(actions)
        buffer.add_batch(np.zeros((3, 4)), np.zeros(2, int), np.zeros(3), np.zeros((3, 4)), np.zeros(3))
    with pytest.raises(ValueError, match=r"len\(actions\) must be an integer >= 1, got 0"):
        buffer.add_batch(np.zeros((0, 4)), np.zeros(0, int), np.zeros(0), np.zeros((0, 4)), np.zeros(0))
    with pytest.raises(ValueError, match="next_obs"):
        buffer.add_batch(np.zeros((3, 4)), np.zeros(3, int), np.zeros(3), np.zeros((3, 5)), np.zeros(3))
    with pytest.raises(ValueError, match=r"^actions must have shape \(None,\), got shape \(\)$"):  # one B = 1 row?
        buffer.add_batch(np.zeros((1, 4)), 0, np.zeros(1), np.zeros((1, 4)), np.zeros(1))
    with pytest.raises(ValueError, match="rewards must be finite, got nan at position 2"):
        buffer.add_batch(np.zeros((3, 4)), np.zeros(3, int), [0, 0, np.nan], np.zeros((3, 4)), np.zeros(3))
    with pytest.raises(ValueError, match="^actions must fit in int64, got 18446744073709551615 at position 1$"):
        buffer.add_batch(np.zeros((2, 4)), np.array([0, 2**64 - 1], np.uint64), np.zeros(2), np.zeros((2, 4)), np.zeros(2))
    assert_same(before, snapshot(buffer))


# ---- bad input to add --------------------------------------------------------------------------------------
BAD_ADDS = [
    ({"obs": np.zeros(3)}, r"obs must have shape \(4,\), got shape \(3,\)"),
    ({"obs": np.zeros((1, 4))}, r"obs must have shape \(4,\)"),
    ({"obs": np.array(list("abcd"))}, "obs must be real numbers, got dtype <U1"),
    ({"obs": np.zeros(4, complex)}, "obs must be real numbers, got dtype complex128"),
    ({"obs": np.zeros(4, bool)}, "obs must be real numbers, got dtype bool"),
    ({"obs": None}, "obs must be real numbers"),
    ({"obs": np.array([0.0, np.nan, 0.0, 0.0])}, "obs must be finite, got nan at position 1"),
    ({"next_obs": np.zeros(5)}, r"next_obs must have shape \(4,\)"),
    ({"next_obs": np.array([0.0, 0.0, 0.0, np.inf])}, "next_obs must be finite, got inf at position 3"),
    ({"action": 1.0}, "action must be integers, got dtype float64"),
    ({"action": True}, "action must be integers, got dtype bool"),
    ({"action": -1}, "action must be >= 0, got -1"),
    ({"action": [0, 1]}, r"action must have shape \(\)"),
    ({"action": np.uint64(2**64 - 1)}, "^action must fit in int64, got 18446744073709551615$"),  # not -1
    ({"action": np.uint64(2**63)}, "^action must fit in int64, got 9223372036854775808$"),
    ({"reward": float("nan")}, "reward must be finite, got nan"),
    ({"reward": float("-inf")}, "reward must be finite, got -inf"),
    ({"reward": "1.0"}, "reward must be real numbers"),
    ({"obs": np.array([0.0, 1e300, 0.0, 0.0])}, r"obs must fit in float32, got 1e\+300 at position 1"),
    ({"reward": -1e39}, r"reward must fit in float32, got -1e\+39"),
    ({"terminated": 2}, "terminated must be booleans or 0/1, got 2"),
    ({"terminated": 0.5}, "terminated must be booleans or 0/1, got 0.5"),
    ({"terminated": "yes"}, "terminated must be booleans or 0/1"),
]


@pytest.mark.parametrize("cls", BUFFERS)
@pytest.mark.parametrize("bad, message", BAD_ADDS)
def test_bad_add_is_rejected_and_changes_nothing(cls: type, bad: dict, message: str) -> None:
    buffer = filled(cls, 3, capacity=4)
    before = snapshot(buffer)
    args = dict(zip(("obs", "action", "reward", "next_obs", "terminated"), transition(7)))
    args.update(bad)
    with pytest.raises(ValueError, match=message):
        buffer.add(**args)
    assert_same(before, snapshot(buffer))
    buffer.add(*transition(3))  # the write position did not move either: slot 3 is next
    assert buffer.sample(4, rng=np.random.default_rng(0)).obs[:, 0].max() == 3.0


def test_too_large_observation_is_reported_as_given_without_a_warning() -> None:
    buffer = ReplayBuffer(3, (1,))
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # the float32 cast must not warn about the overflow first
        with pytest.raises(ValueError, match=r"obs must fit in float32, got 1e\+300 at position 0"):
            buffer.add([1e300], 0, 0.0, [0.0], False)
    assert len(buffer) == 0


def test_add_accepts_real_numbers_of_any_width() -> None:
    buffer = ReplayBuffer(3, (2,))
    buffer.add([1, 2], np.int32(1), np.float16(0.5), np.array([1.5, 2.5]), 1)
    batch = buffer.sample(1, rng=np.random.default_rng(0))
    np.testing.assert_array_equal(batch.obs[0], [1.0, 2.0])
    assert (batch.actions[0], batch.rewards[0], batch.terminated[0]) == (1, 0.5, 1.0)


# ---- bad input to sample -----------------------------------------------------------------------------------
@pytest.mark.parametrize("cls", BUFFERS)
def test_sampling_an_empty_buffer_is_an_error(cls: type) -> None:
    with pytest.raises(ValueError, match="empty buffer"):
        cls(8, OBS_SHAPE).sample(1, rng=np.random.default_rng(0))


@pytest.mark.parametrize("cls", BUFFERS)
@pytest.mark.parametrize("batch_size", [0, -1, 6, 2.0, True, None])
def test_bad_batch_size_is_rejected(cls: type, batch_size: object) -> None:
    buffer = filled(cls, 5, capacity=10)
    with pytest.raises(ValueError, match=rf"batch_size must be an integer in \[1, 5\], got {batch_size!r}"):
        buffer.sample(batch_size, rng=np.random.default_rng(0))


@pytest.mark.parametrize("cls", BUFFERS)
def test_batch_as_large_as_the_buffer_is_allowed(cls: type) -> None:
    buffer = filled(cls, 5, capacity=10)
    assert buffer.sample(5, rng=np.random.default_rng(0)).indices.shape == (5,)


@pytest.mark.parametrize("cls", BUFFERS)
@pytest.mark.parametrize("beta", [-0.1, 1.01, float("nan"), "1"])
def test_bad_beta_is_rejected(cls: type, beta: object) -> None:
    with pytest.raises(ValueError, match="^beta "):
        filled(cls, 5).sample(2, beta=beta, rng=np.random.default_rng(0))


@pytest.mark.parametrize("cls", BUFFERS)
@pytest.mark.parametrize("rng", [None, 0, np.random.RandomState(0)])
def test_bad_rng_is_rejected(cls: type, rng: object) -> None:
    with pytest.raises(ValueError, match="^rng must be a numpy.random.Generator"):
        filled(cls, 5).sample(2, rng=rng)


@pytest.mark.parametrize("cls", BUFFERS)
def test_sample_takes_positional_arguments(cls: type) -> None:
    batch = filled(cls, 5).sample(3, 0.4, np.random.default_rng(0))
    assert batch.indices.shape == (3,)


@pytest.mark.parametrize("cls", BUFFERS)
def test_same_seed_same_batch(cls: type) -> None:
    buffer = filled(cls, 20)
    a = buffer.sample(8, rng=np.random.default_rng(3))
    b = buffer.sample(8, rng=np.random.default_rng(3))
    assert_same(tuple(a), tuple(b))


# ---- bad input to update_priorities --------------------------------------------------------------------------
BAD_UPDATES = [  # buffer of capacity 8 holding 3 transitions
    (([0, 1], [0.5, np.nan]), ValueError, "td_errors must be finite, got nan at position 1"),
    (([0, 1], [np.inf, 0.5]), ValueError, "td_errors must be finite, got inf at position 0"),
    (([0, 1], [0.5, -np.inf]), ValueError, "td_errors must be finite, got -inf at position 1"),
    (([0, 1], [0.5]), ValueError, r"td_errors must have shape \(2,\), got shape \(1,\)"),
    (([0, 1], ["a", "b"]), ValueError, "td_errors must be real numbers"),
    (([0.0, 1.0], [0.5, 0.5]), ValueError, "indices must be integers, got dtype float64"),
    (([0, 6], [0.5, 0.5]), IndexError, r"indices must be in \[0, 3\), got 6 at position 1"),  # never written
    (([0, 8], [0.5, 0.5]), IndexError, r"indices must be in \[0, 3\), got 8 at position 1"),  # beyond capacity
    (([-1, 0], [0.5, 0.5]), IndexError, "got -1 at position 0"),
    ((np.array([0, 2**63 + 1], np.uint64), [0.5, 0.5]), IndexError, "got 9223372036854775809 at position 1"),
]


@pytest.mark.parametrize("cls", BUFFERS)
@pytest.mark.parametrize("args, error, message", BAD_UPDATES)
def test_bad_update_is_rejected_and_changes_nothing(cls: type, args: tuple, error: type, message: str) -> None:
    buffer = filled(cls, 3, capacity=8)
    if isinstance(buffer, PrioritizedReplayBuffer):
        buffer.update_priorities([0, 1, 2], [0.2, 3.0, 0.7])
    before = snapshot(buffer)
    with pytest.raises(error, match=message):
        buffer.update_priorities(*args)
    assert_same(before, snapshot(buffer))


@pytest.mark.parametrize("alpha", [0.0, 0.6, 1.0])
def test_extreme_alphas_give_finite_positive_priorities(alpha: float) -> None:
    # alpha in [0, 1] keeps (|delta| + eps) ** alpha finite and >= min(eps, 1): no overflow, never 0.
    buffer = filled(PrioritizedReplayBuffer, 3, alpha=alpha)
    buffer.update_priorities([0, 1, 2], [0.0, 1e300, -1e307])  # as large as the bound allows at alpha = 1
    priorities = buffer.priorities([0, 1, 2])
    assert np.all(np.isfinite(priorities)) and np.all(priorities > 0) and np.isfinite(buffer.total_priority)


def test_td_errors_that_could_overflow_the_total_are_refused_and_change_nothing() -> None:
    buffer = filled(PrioritizedReplayBuffer, 3, capacity=4, alpha=1.0)
    buffer.update_priorities([0, 1, 2], [0.2, 3.0, 0.7])
    before = snapshot(buffer)  # priorities, total, min, max, and a sample
    bound = np.finfo(np.float64).max / (2 * 4)  # float64's max / (2 * capacity)
    for td_errors, bad in (([0.5, 1e308], r"1e\+308 at position 1"), ([-1e308, 0.5], r"-1e\+308 at position 0"),
                           ([np.nextafter(bound, np.inf), 0.5], r"2\.247116418577895e\+307 at position 0")):
        with pytest.raises(ValueError, match=rf"^td_errors must give priorities .* <= 2\.24712e\+307 .*, got {bad}$"):
            buffer.update_priorities([0, 1], td_errors)
        assert_same(before, snapshot(buffer))
    buffer.update_priorities([0, 1], [bound, -bound])  # the bound itself is accepted: the total stays finite
    assert buffer.priorities([0, 1]).tolist() == [bound, bound] and buffer.max_priority == bound
    assert buffer.total_priority == 2 * bound + buffer.priorities([2])[0] and np.isfinite(buffer.total_priority)


def test_huge_td_errors_are_fine_when_alpha_shrinks_them_and_in_uniform_replay() -> None:
    buffer = filled(PrioritizedReplayBuffer, 3, alpha=0.6)
    buffer.update_priorities([0, 1], [1e308, -1e308])  # priority 1e308 ** 0.6, about 1e185
    assert np.isfinite(buffer.total_priority) and buffer.max_priority == pytest.approx(1e308 ** 0.6)
    filled(ReplayBuffer, 3).update_priorities([0, 1], [1e308, -1e308])  # uniform replay stores no priorities


def test_smallest_allowed_priority_eps_is_accepted() -> None:
    buffer = PrioritizedReplayBuffer(4, (1,), alpha=1.0, priority_eps=1e-300)
    buffer.add([0.0], 0, 0.0, [0.0], False)
    buffer.update_priorities([0], [0.0])
    assert buffer.min_priority == 1e-300


def test_weights_never_round_to_zero() -> None:
    # p_min / p_i = 1e-50 is below float32's smallest normal number: the weight is clipped, not 0.
    buffer = PrioritizedReplayBuffer(4, (1,), alpha=1.0, priority_eps=1e-50)
    for t in range(4):
        buffer.add([t], 0, 0.0, [t], False)
    buffer.update_priorities(np.arange(4), [0.0, 1.0, 0.0, 0.0])
    weights = buffer.sample(4, beta=1.0, rng=np.random.default_rng(0)).weights
    assert np.all(weights > 0) and np.all(weights <= 1)
    assert weights.min() == np.finfo(np.float32).tiny


def test_max_priority_ignores_an_overwritten_repeated_error() -> None:
    buffer = filled(PrioritizedReplayBuffer, 2)
    buffer.update_priorities([0, 0], [10.0, 0.0])  # slot 0 keeps the last error, 0
    assert buffer.priorities([0])[0] == pytest.approx(1e-6 ** 0.6)
    assert buffer.max_priority == 1.0  # 10.0 ** 0.6 was never stored


def test_empty_update_is_a_no_op() -> None:
    buffer = filled(PrioritizedReplayBuffer, 3)
    before = snapshot(buffer)
    buffer.update_priorities([], [])
    assert_same(before, snapshot(buffer))


def test_priorities_of_unwritten_slots_is_an_error() -> None:
    buffer = filled(PrioritizedReplayBuffer, 3, capacity=8)
    with pytest.raises(IndexError, match=r"^indices must be in \[0, 3\), got 5"):
        buffer.priorities([5])


# ---- a model-based property test -------------------------------------------------------------------------
@settings(max_examples=60, deadline=None)
@given(
    capacity=st.integers(1, 9),
    alpha=st.sampled_from([0.0, 0.5, 1.0]),
    ops=st.lists(
        st.one_of(
            st.tuples(st.just("add"), st.integers(1, 4)),
            st.tuples(st.just("update"), st.lists(st.tuples(st.integers(0, 8), st.floats(-50, 50)), min_size=1, max_size=5)),
        ),
        max_size=25,
    ),
)
def test_buffer_matches_a_simple_model(capacity: int, alpha: float, ops: list) -> None:
    """Adds (in batches) and priority updates, against a list-based model of the same rules."""
    eps = 1e-3
    buffer = PrioritizedReplayBuffer(capacity, (1,), alpha=alpha, priority_eps=eps)
    model_obs: list[float | None] = [None] * capacity
    model_p = [0.0] * capacity
    max_p, cursor, size, t = 1.0, 0, 0, 0
    for op, arg in ops:
        if op == "add":
            rows = np.arange(t, t + arg, dtype=float)
            buffer.add_batch(rows[:, None], np.zeros(arg, int), rows, rows[:, None], np.zeros(arg))
            for value in rows:
                model_obs[cursor], model_p[cursor] = value, max_p
                cursor, size = (cursor + 1) % capacity, min(size + 1, capacity)
            t += arg
        else:
            slots = [s for s, _ in arg]
            errors = [e for _, e in arg]
            if max(slots) >= size:
                with pytest.raises(IndexError):
                    buffer.update_priorities(slots, errors)
                continue
            buffer.update_priorities(slots, errors)
            for s, e in zip(slots, errors):
                model_p[s] = (abs(e) + eps) ** alpha
            max_p = max([max_p] + [model_p[s] for s in slots])  # a repeated slot counts with its last error
        assert len(buffer) == size
        assert buffer.max_priority == pytest.approx(max_p)
        if size:
            np.testing.assert_allclose(buffer.priorities(np.arange(size)), model_p[:size], rtol=1e-12)
            assert buffer.min_priority == pytest.approx(min(model_p[:size]))
            assert buffer.total_priority == pytest.approx(sum(model_p[:size]))
            batch = buffer.sample(size, rng=np.random.default_rng(t))
            np.testing.assert_array_equal(batch.obs[:, 0], [model_obs[i] for i in batch.indices])


# ---- copies and pickles are whole buffers -------------------------------------------------------------------
COPIES = {"deepcopy": copy.deepcopy, "pickle": lambda obj: pickle.loads(pickle.dumps(obj))}
BIG = 50_000  # past the sum tree's root width (2,048 slots): its levels have rows below the root


def rows(start: int, n: int) -> tuple:
    """``n`` transitions for ``add_batch``, numbered from ``start`` (recognisable in a sample)."""
    t = np.arange(start, start + n, dtype=np.float32)
    return np.repeat(t[:, None], 4, axis=1), np.arange(n) % 2, t, np.repeat(t[:, None] + 1, 4, axis=1), np.zeros(n)


def built(cls: type, *steps) -> ReplayBuffer:
    """A fresh buffer of capacity BIG after ``steps``, functions of the buffer, in order."""
    buffer = cls(BIG, OBS_SHAPE)
    for step in steps:
        step(buffer)
    return buffer


def fill(buffer: ReplayBuffer) -> None:
    buffer.add_batch(*rows(0, BIG))
    buffer.update_priorities(np.arange(BIG), np.random.default_rng(1).standard_normal(BIG))


def raise_and_wrap(buffer: ReplayBuffer) -> None:
    buffer.update_priorities([40_000, 30], [1e9, 0.0])  # one slot far above the rest, one far below
    buffer.add_batch(*rows(BIG, 10))  # overwrites slots 0-9 at the largest priority


def lower_some(buffer: ReplayBuffer) -> None:
    buffer.update_priorities(np.arange(100, 200), np.full(100, 1e-3))


@pytest.mark.parametrize("how", COPIES)
@pytest.mark.parametrize("cls", BUFFERS)
def test_copies_and_pickles_are_whole_and_independent(cls: type, how: str) -> None:
    original = built(cls, fill)
    copied = COPIES[how](original)
    raise_and_wrap(copied)
    assert_same(snapshot(copied), snapshot(built(cls, fill, raise_and_wrap)))  # as if built so
    assert_same(snapshot(original), snapshot(built(cls, fill)))  # the original is untouched
    lower_some(original)  # and the other way round
    assert_same(snapshot(original), snapshot(built(cls, fill, lower_some)))
    assert_same(snapshot(copied), snapshot(built(cls, fill, raise_and_wrap)))


@pytest.mark.parametrize("how", COPIES)
def test_a_copied_buffer_samples_the_slot_whose_priority_was_raised(how: str) -> None:
    copied = COPIES[how](built(PrioritizedReplayBuffer, fill))
    copied.update_priorities([40_000], [1e9])  # priority 1e9 ** 0.6, about 250,000: most of the total
    batch = copied.sample(64, beta=1.0, rng=np.random.default_rng(0))
    assert np.mean(batch.indices == 40_000) > 0.7
    assert copied.max_priority == copied.priorities([40_000])[0] == pytest.approx(1e9 ** 0.6)
    assert batch.weights[batch.indices == 40_000].max() < 1e-4  # (p_min / p_i) ** beta: the priority read back


# ---- multi-step transitions: the step count travels with its transition --------------------------------------
@pytest.mark.parametrize("cls", BUFFERS)
def test_steps_are_stored_and_sampled_with_their_transition(cls: type) -> None:
    buffer = cls(7, OBS_SHAPE)
    for t in range(10):                                      # wraps: slots hold t = 3 .. 9
        buffer.add(*transition(t), steps=t % 4 + 1)
    batch = buffer.sample(7, rng=np.random.default_rng(1))
    assert batch.steps.dtype == np.uint8 and (batch.steps == batch.obs[:, 0].astype(int) % 4 + 1).all()
    assert filled(cls, 3).sample(3, rng=np.random.default_rng(2)).steps.tolist() == [1] * 3   # one step by default


@pytest.mark.parametrize("cls", BUFFERS)
def test_add_batch_with_steps_equals_repeated_add(cls: type) -> None:
    one, many = filled(cls, 2, capacity=5), filled(cls, 2, capacity=5)
    rows, steps = [transition(t) for t in range(10, 17)], [3, 1, 2, 3, 3, 1, 255]
    for row, k in zip(rows, steps):
        one.add(*row, steps=k)
    many.add_batch(*(np.array(column) for column in zip(*rows)), steps=np.array(steps))
    assert_same(snapshot(one), snapshot(many))


@pytest.mark.parametrize("cls", BUFFERS)
@pytest.mark.parametrize("bad", [0, 256, 1.5, True, -1])
def test_bad_steps_are_refused_naming_them_and_change_nothing(cls: type, bad: object) -> None:
    buffer = filled(cls, 3, capacity=5)
    before = snapshot(buffer)
    with pytest.raises(ValueError, match="^steps must "):
        buffer.add(*transition(7), steps=bad)
    with pytest.raises(ValueError, match="^steps must "):
        buffer.add_batch(*(np.array([column]) for column in transition(7)), steps=np.array([bad]))
    assert_same(before, snapshot(buffer))


# ---- faster, same results: the buffers against a frozen copy of the algorithm of commit 7a943eb ------------
class FrozenBuffer:
    """What both buffers computed at commit 7a943eb (before the replay step was made faster, issue 18), frozen
    here: the sum tree's numerics copied statement for statement (fanout 32, root width 2048), the smallest
    priority as the minimum of the stored ones (a minimum is exact, whatever tree computes it), no checks.
    A result of the buffers that differs from it in a single bit would change the sweeps made with them."""

    def __init__(self, capacity: int, obs_shape: tuple[int, ...], alpha: float | None, priority_eps: float = 1e-6):
        self.capacity, self.alpha, self.priority_eps = capacity, alpha, priority_eps  # alpha None: uniform
        self.data = [np.zeros((capacity, *obs_shape), np.float32), np.zeros(capacity, np.int64),
                     np.zeros(capacity, np.float32), np.zeros((capacity, *obs_shape), np.float32),
                     np.zeros(capacity, np.float32), np.ones(capacity, np.uint8)]
        self.cursor, self.size, self.max_priority = 0, 0, 1.0
        sizes = [capacity]
        while sizes[-1] > 2048:
            sizes[-1] = -(-sizes[-1] // 32) * 32
            sizes.append(sizes[-1] // 32)
        self.levels = [np.zeros(size) for size in sizes]
        self.rows = [level.reshape(-1, 32) for level in self.levels[:-1]]
        self.prefix = np.zeros(self.levels[-1].size + 1)

    def tree_update(self, indices: object, values: object) -> None:  # SumTree.update(check=False)
        idx = np.asarray(indices, dtype=np.int64).ravel()
        val = np.broadcast_to(np.asarray(values, dtype=np.float64), np.shape(indices)).ravel()
        leaves = self.levels[0]
        leaves[idx] = val
        if not (leaves.take(idx) == val).all():
            last = idx.size - 1 - np.unique(idx[::-1], return_index=True)[1]
            leaves[idx[last]] = val[last]
        node = idx
        for rows, parents in zip(self.rows, self.levels[1:]):
            node = node // 32
            parents[node] = np.add.reduce(rows.take(node, axis=0), axis=1)
        np.add.accumulate(self.levels[-1], out=self.prefix[1:])

    @property
    def min_priority(self) -> float:  # slots 0 .. size-1 hold transitions, each with its priority
        return float(self.levels[0][: self.size].min()) if self.size else math.inf

    def find(self, u: np.ndarray) -> np.ndarray:  # SumTree._find
        total = float(self.prefix[-1])
        np.minimum(u, math.nextafter(total, 0.0), out=u)
        node = self.prefix[1:].searchsorted(u, side="right")
        u -= self.prefix[node]
        running = np.zeros((u.size, 33))
        passes, row_total = running[:, 1:], running[:, -1]
        row_starts = np.arange(0, u.size * 33, 33)
        for rows in reversed(self.rows):
            np.add.accumulate(rows.take(node, axis=0), axis=1, out=passes)
            np.minimum(u, np.nextafter(row_total, 0.0), out=u)
            j = (passes > u[:, None]).argmax(axis=1)
            u -= running.take(row_starts + j)
            node = node * 32 + j
        return node

    def add_batch(self, columns: list) -> None:
        n = len(columns[1])
        first = max(n - self.capacity, 0)
        slots = (self.cursor + np.arange(first, n)) % self.capacity
        for array, column in zip(self.data, columns):
            array[slots] = np.asarray(column, dtype=array.dtype)[first:]
        self.cursor, self.size = (self.cursor + n) % self.capacity, min(self.size + n, self.capacity)
        if self.alpha is not None:
            self.tree_update(slots, self.max_priority)

    def add(self, row: tuple) -> None:
        for array, value in zip(self.data, row):
            array[self.cursor] = value
        if self.alpha is not None:
            self.tree_update(self.cursor, self.max_priority)
        self.cursor, self.size = (self.cursor + 1) % self.capacity, min(self.size + 1, self.capacity)

    def sample(self, batch_size: int, beta: float, rng: np.random.Generator) -> tuple:
        if self.alpha is None:
            indices = rng.integers(0, self.size, size=batch_size, dtype=np.int64)
            weights = np.ones(batch_size, np.float32)
        else:
            values = rng.random(batch_size)
            values += np.arange(batch_size)
            values *= float(self.prefix[-1]) / batch_size
            indices = self.find(values)
            weights = (self.min_priority / self.levels[0][: self.capacity].take(indices)) ** beta
            weights = np.maximum(weights, np.finfo(np.float32).tiny).astype(np.float32)
        d = [array.take(indices, axis=0) for array in self.data]
        return d[0], d[1], d[2], d[3], d[4], weights, indices, d[5]

    def update_priorities(self, indices: object, td_errors: object) -> None:
        if self.alpha is None:
            return
        indices = np.asarray(indices).astype(np.int64)
        priorities = (np.abs(np.asarray(td_errors).astype(np.float64)) + self.priority_eps) ** self.alpha
        self.tree_update(indices, priorities)
        if indices.size:
            self.max_priority = max(self.max_priority, float(self.levels[0][: self.capacity].take(indices).max()))


def assert_identical(buffer: ReplayBuffer, frozen: FrozenBuffer) -> None:
    """Every priority, the total, the smallest and the largest: equal to the last bit (and the length)."""
    assert len(buffer) == frozen.size
    if isinstance(buffer, PrioritizedReplayBuffer) and frozen.size:
        np.testing.assert_array_equal(buffer.priorities(np.arange(frozen.size)), frozen.levels[0][: frozen.size])
        assert buffer.total_priority == float(frozen.prefix[-1])
        assert buffer.min_priority == frozen.min_priority and buffer.max_priority == frozen.max_priority


def random_td_errors(rng: np.random.Generator, shape: tuple[int, ...]) -> object:
    """TD errors as the buffer may get them: float32 (the agent's), float64, ints, a list; spread over decades."""
    errors = rng.standard_normal(shape) * 10.0 ** rng.integers(-8, 4, shape)
    return [errors.astype(np.float32), errors, np.rint(errors).astype(np.int64), errors.tolist()][rng.integers(4)]


@pytest.mark.parametrize("capacity", [1, 5, 300, 70_000])  # 70,000 slots: three levels below the root
@pytest.mark.parametrize("alpha", [None, 0.0, 0.5, 0.6, 1.0])  # None: the uniform buffer
def test_results_equal_the_frozen_algorithm_bit_for_bit(capacity: int, alpha: float | None) -> None:
    ops, draws = np.random.default_rng(capacity), np.random.default_rng(capacity + 1)
    buffer = ReplayBuffer(capacity, OBS_SHAPE) if alpha is None else PrioritizedReplayBuffer(capacity, OBS_SHAPE, alpha)
    frozen, twin = FrozenBuffer(capacity, OBS_SHAPE, alpha), np.random.default_rng(capacity + 1)  # twin: draws' copy
    for _ in range(300):
        op = ops.integers(6) if len(buffer) else 0
        if op == 0:  # a batch of new transitions, sometimes more than the capacity
            n = int(ops.integers(1, 2 * capacity + 2)) if ops.random() < 0.05 or not len(buffer) else int(ops.integers(1, 9))
            columns = [ops.standard_normal((n, *OBS_SHAPE)).astype(np.float32), ops.integers(0, 3, n), ops.standard_normal(n),
                       ops.standard_normal((n, *OBS_SHAPE)).astype(np.float32), ops.random(n) < 0.1, ops.integers(1, 4, n)]
            buffer.add_batch(*columns)
            frozen.add_batch(columns)
        elif op == 1:  # one new transition
            row = (ops.standard_normal(OBS_SHAPE).astype(np.float32), int(ops.integers(3)), float(ops.standard_normal()),
                   ops.standard_normal(OBS_SHAPE).astype(np.float32), bool(ops.random() < 0.1), int(ops.integers(1, 4)))
            buffer.add(*row)
            frozen.add(row)
        elif op in (2, 3):  # a training step: sample, then update the sampled slots
            batch_size = min(64, len(buffer)) if op == 2 else int(ops.integers(1, min(len(buffer), 500) + 1))
            beta = float(ops.choice([0.0, 0.4, 0.5, 1.0, ops.random()]))  # 0.5 and 1.0: NumPy's own paths for **
            batch, expected = buffer.sample(batch_size, beta, draws), frozen.sample(batch_size, beta, twin)
            for got, want in zip(batch, expected):
                assert got.dtype == want.dtype
                np.testing.assert_array_equal(got, want)
            errors = random_td_errors(ops, batch.indices.shape)
            buffer.update_priorities(batch.indices, errors)
            frozen.update_priorities(batch.indices, errors)
        elif op == 4:  # slots repeated within one update, in any shape; or no slot at all
            shape = [(0,), (7,), (2, 3)][ops.integers(3)]
            slots = ops.integers(0, min(len(buffer), 3), shape)
            errors = random_td_errors(ops, shape)
            buffer.update_priorities(slots, errors)
            frozen.update_priorities(slots, errors)
        else:  # a large error now and then raises the largest priority
            slot = int(ops.integers(len(buffer)))
            errors = [float(10.0 ** ops.integers(0, 6))]
            buffer.update_priorities([slot], errors)
            frozen.update_priorities([slot], errors)
        assert_identical(buffer, frozen)
