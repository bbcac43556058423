"""TEMPORARY hand-written copy: notebook 02 will export this module (``#| export schedules``)."""

from __future__ import annotations

from .checks import check_int, check_real


def linear_schedule(start: float, end: float, duration: int, step: int) -> float:
    """Move linearly from ``start`` at step 0 to ``end`` at step ``duration``, then stay at ``end``.

    Cost: O(1). Pure: depends only on its arguments.
    """
    start = check_real("start", start)
    end = check_real("end", end)
    duration = check_int("duration", duration, 1)
    step = check_int("step", step, 0)
    if step >= duration:
        return end
    return start + (end - start) * (step / duration)
