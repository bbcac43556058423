"""Argument checks, in one place (hand-written: no notebook teaches them). Each returns the value as the caller
stores it, or raises ValueError (IndexError for an out-of-range slot) naming the argument and quoting the bad value
(never a whole array); callers check before changing anything, so a rejected call changes nothing."""

import math
import numbers
import operator

import numpy as np

BOOLS = (bool, np.bool_)


def _quote(value: object) -> str:
    text = repr(value)
    return text if len(text) <= 80 else text[:77] + "..."


def _first_bad(arr: np.ndarray, bad: np.ndarray) -> str:
    """The first element of `arr` where `bad` holds, with its position."""
    at = int(np.argmax(bad.ravel()))
    return f"{arr.ravel()[at].item()!r}" + (f" at position {at}" if arr.ndim else "")


def check_int(name: str, value: object, low: int | None = None, high: int | None = None) -> int:
    """`value` as an int in [low, high] (Python or NumPy integer; bools and 2.0 refused)."""
    try:
        number = None if isinstance(value, BOOLS) else operator.index(value)
    except TypeError:
        number = None
    if number is None or (low is not None and number < low) or (high is not None and number > high):
        bounds = f" in [{low}, {high}]" if high is not None else (f" >= {low}" if low is not None else "")
        raise ValueError(f"{name} must be an integer{bounds}, got {_quote(value)}")
    return number


def check_real(name: str, value: object, low: float = -math.inf, high: float = math.inf,
               low_open: bool = False, high_open: bool = False) -> float:
    """`value` as a finite float from `low` to `high` (ends open if asked)."""
    # A float is settled at once: the test for numbers.Real alone costs more than the rest of the check.
    ok = type(value) is float or (not isinstance(value, BOOLS) and isinstance(value, numbers.Real))
    number = float(value) if ok else math.nan  # type: ignore[arg-type]
    if not (math.isfinite(number) and (number > low if low_open else number >= low)
            and (number < high if high_open else number <= high)):
        opening = "(" if low_open or low == -math.inf else "["  # an infinite end is never in the interval
        closing = ")" if high_open or high == math.inf else "]"
        raise ValueError(f"{name} must be a finite number in {opening}{low:g}, {high:g}{closing}, got {_quote(value)}")
    return number


def check_bool(name: str, value: object) -> bool:
    """`value` if it is a bool or NumPy bool (the string "False" would count as true)."""
    if not isinstance(value, BOOLS):
        raise ValueError(f"{name} must be True or False, got {_quote(value)}")
    return bool(value)


def check_choice(name: str, value: object, choices: tuple[str, ...]) -> str:
    """`value` if it is one of the strings `choices` (an array is refused, not compared element-wise)."""
    if not isinstance(value, str) or value not in choices:
        raise ValueError(f"{name} must be one of {', '.join(map(repr, choices))}; got {_quote(value)}")
    return value


def check_rng(name: str, value: object) -> np.random.Generator:
    """`value` if it is a numpy.random.Generator (library code never uses global random state)."""
    if not isinstance(value, np.random.Generator):
        raise ValueError(f"{name} must be a numpy.random.Generator (np.random.default_rng(seed)), got {_quote(value)}")
    return value


def check_shape(name: str, value: object) -> tuple[int, ...]:
    """A shape: an integer d >= 1 (meaning (d,)) or a non-empty tuple of them."""
    try:
        shape = tuple(check_int(name, d, 1) for d in ((value,) if isinstance(value, (int, np.integer)) else value))
    except (TypeError, ValueError):
        shape = ()
    if not shape:
        raise ValueError(f"{name} must be a tuple of integers >= 1, got {_quote(value)}")
    return shape


def check_indices(name: str, value: object, size: int) -> np.ndarray:
    """Integer slot indices as int64 (same shape); IndexError for one outside [0, size)."""
    arr = np.asarray(value)
    if arr.size and arr.dtype.kind not in "iu":
        raise ValueError(f"{name} must be integers, got dtype {arr.dtype}: {_quote(value)}")
    idx = arr.astype(np.int64, copy=False)
    if idx.size and idx.view(np.uint64).max() >= size:  # one pass: negatives (and huge uint64) wrap past size
        raise IndexError(f"{name} must be in [0, {size}), got {_first_bad(arr, (idx < 0) | (idx >= size))}")
    return idx


_KINDS = {"real": ("iuf", "real numbers"), "int": ("iu", "integers"), "flag": ("biuf", "booleans or 0/1")}


def check_array(name: str, value: object, shape: tuple[int, ...], dtype: type = np.float64,
                kind: str = "real", low: float | None = None, high: float | None = None) -> np.ndarray:
    """`value` as a new array of `shape` (None: any length; a 0-d value broadcasts to a shape without None) and
    `dtype`, by `kind`: "real" finite (after the cast too), "int" integers `dtype` can hold, each in [low, high]
    where given; "flag" booleans or 0/1. Cost: O(size), a few passes."""
    arr = np.asarray(value)
    allowed, what = _KINDS[kind]
    if arr.dtype.kind not in allowed:
        raise ValueError(f"{name} must be {what}, got dtype {arr.dtype}: {_quote(value)}")
    # The tuple comparison settles the usual case in a sixth of the time the element-wise one takes.
    if arr.shape != shape and not (arr.ndim == len(shape) and all(w in (None, g) for w, g in zip(shape, arr.shape))):
        if arr.ndim != 0 or None in shape:
            raise ValueError(f"{name} must have shape {shape}, got shape {arr.shape}")
        arr = np.broadcast_to(arr, shape)
    if kind == "flag":
        if arr.dtype.kind != "b":
            check_where(name, arr, (arr == 0) | (arr == 1), "be booleans or 0/1")
        return arr.astype(dtype)
    if kind == "int" and arr.dtype != dtype and not np.can_cast(arr.dtype, dtype):
        # Bounds on the values as given: the cast would wrap (uint64 2**64 - 1 to int64 -1) and pass `low`.
        given, want = np.iinfo(arr.dtype), np.iinfo(dtype)
        check_where(name, arr, (arr >= max(want.min, given.min)) & (arr <= min(want.max, given.max)),
                    f"fit in {np.dtype(dtype).name}")
    if arr.dtype.kind == "f" and arr.dtype.itemsize > np.dtype(dtype).itemsize:
        with np.errstate(over="ignore"):  # a float too large for `dtype` is reported below, as given
            out = arr.astype(dtype)
    else:
        out = arr.astype(dtype)
    if kind == "real" and arr.dtype.kind == "f" and not np.isfinite(out).all():  # only floats can be NaN or inf
        finite = np.isfinite(out)
        check_where(name, arr, finite, f"fit in {np.dtype(dtype).name}" if np.isfinite(arr[~finite]).all()
                    else "be finite")
    if low is not None and arr.size and not arr.min() >= low:
        check_where(name, arr, arr >= low, f"be >= {low:g}")
    if high is not None and arr.size and not arr.max() <= high:
        check_where(name, arr, arr <= high, f"be <= {high:g}")
    return out


def check_where(name: str, value: np.ndarray, ok: np.ndarray, rule: str) -> None:
    """ValueError "`name` must `rule`, got <the first value where `ok` is False>" unless all of `ok` (booleans of
    the shape of `value`) holds: for a rule the caller computes. Cost: O(size)."""
    if not ok.all():
        raise ValueError(f"{name} must {rule}, got {_first_bad(np.asarray(value), ~ok)}")
