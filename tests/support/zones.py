"""Callers whose local callback window is open now, so tests do not depend on the hour."""

from __future__ import annotations

import datetime as dt

from hotline.callbacks import zones_for
from hotline.routing.policy import CallbackPolicy
from hotline.routing.windows import closes_within

# Los Angeles, London, Hong Kong: at any hour one of them is inside 08:00-22:00 with an
# hour to spare.
AROUND_THE_WORLD = ("+1415555{:04d}", "+4420794{:05d}", "+8522123{:04d}")


def number_open_now(policy: CallbackPolicy, n: int) -> str:
    """A distinct caller number (by `n`) whose zone is inside the window for the next hour."""
    moment = dt.datetime.now(dt.UTC)
    for pattern in AROUND_THE_WORLD:
        number = pattern.format(n)
        if not closes_within(moment, 3600, zones_for(number).split(","), policy):
            return number
    raise AssertionError("no zone inside the callback window")
