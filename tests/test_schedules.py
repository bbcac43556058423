"""linear_schedule (exported from notebook 02): exact ends, linear in between, pure, bad inputs named."""

from __future__ import annotations

import numpy as np
import pytest

from prdqn_helpers.schedules import linear_schedule


def test_exact_start_and_end() -> None:
    assert linear_schedule(0.4, 1.0, 50_000, 0) == 0.4
    assert linear_schedule(0.4, 1.0, 50_000, 50_000) == 1.0
    assert linear_schedule(0.4, 1.0, 50_000, 10**9) == 1.0  # stays at end, exactly
    assert linear_schedule(1.0, 0.05, 10_000, 10_000) == 0.05


def test_linear_in_between() -> None:
    steps = np.arange(0, 1001, 37)
    values = np.array([linear_schedule(1.0, 0.05, 1000, int(s)) for s in steps])
    assert np.allclose(values, 1.0 + (0.05 - 1.0) * steps / 1000, rtol=0, atol=1e-15)
    assert np.all(np.diff(values) < 0)  # decreasing schedule (epsilon)
    assert linear_schedule(0.4, 1.0, 50_000, 25_000) == pytest.approx(0.7)
    assert linear_schedule(2.0, 2.0, 7, 3) == 2.0  # constant schedule


def test_pure_and_accepts_numpy_scalars() -> None:
    first = [linear_schedule(0.4, 1.0, 100, s) for s in (50, 10, 50, 99)]
    assert first[0] == first[2]  # same step, same value, whatever was asked in between
    assert linear_schedule(np.float32(0.5), 1, np.int64(4), np.int32(2)) == 0.75
    assert isinstance(linear_schedule(0, 1, 2, 1), float)


@pytest.mark.parametrize("args, name", [
    ((float("nan"), 1.0, 10, 0), "start"),
    (("0.4", 1.0, 10, 0), "start"),
    ((0.4, float("inf"), 10, 0), "end"),
    ((0.4, 1.0, 0, 0), "duration"),
    ((0.4, 1.0, 10.0, 0), "duration"),
    ((0.4, 1.0, True, 0), "duration"),
    ((0.4, 1.0, 10, -1), "step"),
    ((0.4, 1.0, 10, 2.5), "step"),
])
def test_bad_inputs_name_the_argument(args: tuple, name: str) -> None:
    with pytest.raises(ValueError, match=f"^{name} "):
        linear_schedule(*args)
