"""prdqn_helpers.checks: each check returns the converted value or names the argument and the bad value."""

from __future__ import annotations

import math

import numpy as np
import pytest

from prdqn_helpers.checks import (check_array, check_bool, check_choice, check_indices, check_int, check_real, check_rng,
                                  check_shape, check_where)


@pytest.mark.parametrize("value", [3, np.int64(3), np.uint8(3)])
def test_check_int_accepts_python_and_numpy_integers(value: object) -> None:
    out = check_int("n", value, 1, 5)
    assert out == 3 and type(out) is int


@pytest.mark.parametrize("value", [True, np.bool_(True), 2.0, "2", None, 0, 6])
def test_check_int_rejects_naming_the_argument(value: object) -> None:
    with pytest.raises(ValueError, match=r"^n must be an integer in \[1, 5\], got "):
        check_int("n", value, 1, 5)


def test_check_int_message_without_upper_bound() -> None:
    with pytest.raises(ValueError, match=r"^capacity must be an integer >= 1, got -2$"):
        check_int("capacity", -2, 1)


def test_check_real_bounds_and_open_ends() -> None:
    assert check_real("tau", 1, 0, 1, low_open=True) == 1.0
    assert check_real("x", np.float32(0.5)) == 0.5
    for bad in (0.0, 1.5, math.nan, math.inf, True, "0.5", None):
        with pytest.raises(ValueError, match=r"^tau must be a finite number in \(0, 1\], got "):
            check_real("tau", bad, 0, 1, low_open=True)
    with pytest.raises(ValueError, match=r"in \[0, 1\)"):
        check_real("p", 1.0, 0, 1, high_open=True)


def test_check_real_decides_for_a_float_as_for_any_other_real() -> None:
    # A Python float takes a shortcut past the test for numbers.Real; every other value takes the test.
    class Half(float):
        pass

    for value in (0.5, np.float64(0.5), np.float32(0.5), Half(0.5), 1, np.int8(0)):
        out = check_real("x", value, 0, 1)
        assert out == float(value) and type(out) is float
    for bad in (-0.5, math.nan, -math.inf, np.float64(math.inf), Half(2.0), np.bool_(True), False):
        with pytest.raises(ValueError, match=r"^x must be a finite number in \[0, 1\], got "):
            check_real("x", bad, 0, 1)


def test_check_array_compares_whole_shapes_first_and_the_rest_as_before() -> None:
    # A shape equal to the one asked for is settled by one tuple comparison; None, a 0-d value to broadcast,
    # and every wrong shape take the element-wise comparison, as before.
    assert check_array("x", np.ones((2, 3)), (2, np.int64(3))).shape == (2, 3)
    assert check_array("x", np.ones((2, 3)), (None, 3)).shape == (2, 3)
    assert check_array("x", 1.5, (2, 3)).tolist() == [[1.5] * 3] * 2
    for given, shape in ((np.ones(6), (2, 3)), (np.ones((3, 2)), (2, 3)), (np.ones((2, 3, 1)), (2, 3)),
                         (np.ones((2, 4)), (None, 3)), (np.ones(()), (None, 3))):
        with pytest.raises(ValueError, match=r"^x must have shape \("):
            check_array("x", given, shape)


def test_long_values_are_quoted_short() -> None:
    with pytest.raises(ValueError) as info:
        check_real("x", "y" * 1000)
    assert len(str(info.value)) < 150


def test_check_choice_and_rng() -> None:
    assert check_choice("replay", "uniform", ("prioritized", "uniform")) == "uniform"
    with pytest.raises(ValueError, match="^replay must be one of 'prioritized', 'uniform'; got 'none'$"):
        check_choice("replay", "none", ("prioritized", "uniform"))
    for not_a_string in (np.array(["uniform", "uniform"]), np.array("uniform"), ["uniform"], None):
        with pytest.raises(ValueError, match="^replay must be one of 'prioritized', 'uniform'; got"):
            check_choice("replay", not_a_string, ("prioritized", "uniform"))
    rng = np.random.default_rng(0)
    assert check_rng("rng", rng) is rng
    with pytest.raises(ValueError, match="^rng must be a numpy.random.Generator"):
        check_rng("rng", 0)


def test_check_shape() -> None:
    assert check_shape("obs_shape", 4) == (4,)
    assert check_shape("obs_shape", (2, np.int64(3))) == (2, 3)
    for bad in ((), (0,), (2.0,), "4", None, -1):
        with pytest.raises(ValueError, match="^obs_shape must be a tuple of integers >= 1"):
            check_shape("obs_shape", bad)


def test_check_indices_returns_int64_and_rejects_out_of_range() -> None:
    out = check_indices("indices", np.array([0, 3], dtype=np.uint8), 4)
    assert out.dtype == np.int64 and out.tolist() == [0, 3]
    assert check_indices("indices", [], 4).dtype == np.int64
    with pytest.raises(IndexError, match=r"^indices must be in \[0, 4\), got -1 at position 1$"):
        check_indices("indices", [0, -1, 9], 4)
    with pytest.raises(IndexError, match=r"got 18446744073709551615 at position 0"):
        check_indices("indices", np.array([2**64 - 1], dtype=np.uint64), 4)
    with pytest.raises(ValueError, match="^indices must be integers, got dtype float64"):
        check_indices("indices", [0.0], 4)


def test_check_array_real() -> None:
    out = check_array("obs", [1, 2], (2,), np.float32)
    assert out.dtype == np.float32 and out.tolist() == [1.0, 2.0]
    assert check_array("p", 2.0, (3,)).tolist() == [2.0, 2.0, 2.0]  # a 0-d value is broadcast
    with pytest.raises(ValueError, match=r"^obs must have shape \(2,\), got shape \(3,\)$"):
        check_array("obs", [1, 2, 3], (2,))
    assert check_array("obs", np.ones((3, 2)), (None, 2)).shape == (3, 2)  # None: any length, no broadcasting
    for bad, shape in ((1.0, r"\(\)"), (np.ones(2), r"\(2,\)"), (np.ones((3, 3)), r"\(3, 3\)")):
        with pytest.raises(ValueError, match=rf"^obs must have shape \(None, 2\), got shape {shape}$"):
            check_array("obs", bad, (None, 2))
    with pytest.raises(ValueError, match="^obs must be finite, got nan at position 1$"):
        check_array("obs", [0.0, math.nan], (2,))
    with pytest.raises(ValueError, match="^obs must fit in float32, got 1e\\+300 at position 0$"):
        check_array("obs", [1e300, 0.0], (2,), np.float32)
    with pytest.raises(ValueError, match="^obs must be real numbers, got dtype <U1"):
        check_array("obs", ["a", "b"], (2,))
    with pytest.raises(ValueError, match="^priorities must be >= 0, got -1.0 at position 2$"):
        check_array("priorities", [1.0, 0.0, -1.0], (3,), low=0.0)


def test_check_array_int_and_flag() -> None:
    assert check_array("actions", np.int32(1), (), np.int64, kind="int").dtype == np.int64
    with pytest.raises(ValueError, match="^actions must be integers, got dtype float64"):
        check_array("actions", 1.0, (), np.int64, kind="int")
    with pytest.raises(ValueError, match="^actions must be integers, got dtype bool"):
        check_array("actions", True, (), np.int64, kind="int")
    with pytest.raises(ValueError, match="^actions must be >= 0, got -1$"):
        check_array("actions", -1, (), np.int64, kind="int", low=0)
    flags = check_array("terminated", [True, 0, 1.0], (3,), np.float32, kind="flag")
    assert flags.dtype == np.float32 and flags.tolist() == [1.0, 0.0, 1.0]
    with pytest.raises(ValueError, match="^terminated must be booleans or 0/1, got 2 at position 1$"):
        check_array("terminated", [0, 2], (2,), np.float32, kind="flag")


def test_check_array_returns_a_new_array_the_caller_may_overwrite() -> None:
    given = np.array([1.0, 2.0])
    out = check_array("values", given, (2,))
    out[0] = 7.0
    assert given.tolist() == [1.0, 2.0]


def test_check_bool_rejects_strings_and_numbers() -> None:
    assert check_bool("double", np.bool_(False)) is False and check_bool("double", True) is True
    for bad in ("False", 0, 1.0, None):
        with pytest.raises(ValueError, match="^double must be True or False, got "):
            check_bool("double", bad)


def test_check_array_refuses_an_integer_the_target_dtype_cannot_hold() -> None:
    # The bound is checked on the values as given: a uint64 cast to int64 would wrap to -1 and pass ``low``.
    with pytest.raises(ValueError, match="^action must fit in int64, got 18446744073709551615$"):
        check_array("action", np.uint64(2**64 - 1), (), np.int64, kind="int", low=0)
    with pytest.raises(ValueError, match="^actions must fit in int64, got 9223372036854775808 at position 1$"):
        check_array("actions", np.array([1, 2**63], np.uint64), (2,), np.int64, kind="int", low=0)
    with pytest.raises(ValueError, match="^x must fit in int32, got -2147483649 at position 0$"):
        check_array("x", [-(2**31) - 1], (1,), np.int32, kind="int")
    with pytest.raises(ValueError, match="^x must fit in uint8, got -1$"):
        check_array("x", -1, (), np.uint8, kind="int")
    largest = check_array("action", np.uint64(2**63 - 1), (), np.int64, kind="int", low=0)
    assert largest.dtype == np.int64 and int(largest) == 2**63 - 1
    assert check_array("x", np.array([-128, 127], np.int64), (2,), np.int8, kind="int").tolist() == [-128, 127]


def test_check_array_upper_bound() -> None:
    assert check_array("p", [1.0, 2.0], (2,), low=0.0, high=2.0).tolist() == [1.0, 2.0]
    with pytest.raises(ValueError, match=r"^p must be <= 2, got 2.5 at position 1$"):
        check_array("p", [1.0, 2.5], (2,), low=0.0, high=2.0)


def test_check_where_quotes_the_first_value_that_breaks_the_rule() -> None:
    values = np.array([1.0, -3.0, 5.0])
    check_where("td_errors", values, np.array([True, True, True]), "be small")
    with pytest.raises(ValueError, match=r"^td_errors must be small, got 5.0 at position 2$"):
        check_where("td_errors", values, values < 4.0, "be small")
