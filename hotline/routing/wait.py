"""A rough wait for the hold message, from live state: where the caller stands, how many
counselors on call could take them, and how long a call usually takes."""

from __future__ import annotations

import math

LONGEST_SAID = 60  # minutes; a longer estimate is not said (it is too rough to help)


def rough_wait_minutes(
    position: int, able: int, free_now: bool, handle_seconds: float
) -> int | None:
    """Minutes, rounded up to the next 5, or None when no honest figure can be given.

    The callers ahead share the `able` counselors; each of those frees, on average, half a
    call from now, then a whole call per caller. With a counselor free now the caller is
    about to be offered: nothing is said. Nothing either when nobody on call could take
    them, or when the figure passes an hour.
    """
    if free_now or position < 1 or able < 1 or handle_seconds <= 0:
        return None
    rounds = (position - 1) // able
    minutes = max(5, math.ceil((rounds + 0.5) * handle_seconds / 300) * 5)
    return minutes if minutes <= LONGEST_SAID else None
