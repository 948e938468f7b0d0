"""Today's service level in the field's two conventions: every hang-up in the queue counted
against it, and the hang-ups within 5 s (often a misdial) left out."""

from __future__ import annotations

import datetime as dt

from hotline.supervision.stats import Row, judge

AT = dt.datetime(2026, 12, 6, 22, 0, tzinfo=dt.UTC)
TARGETS = {"standard": 180}


def row(wait: float, outcome: str) -> Row:
    return Row(AT, "standard", wait, outcome)


def test_a_short_hang_up_counts_against_one_convention_and_not_the_other() -> None:
    rows = [
        row(30, "answered"),  # within target
        row(200, "answered"),  # late
        row(2, "hung_up_queue"),  # short: left out of the second convention
        row(4.9, "hung_up_queue"),  # short
        row(5, "hung_up_queue"),  # 5 s is not short
        row(60, "waiting"),  # still waiting, within target: not decided yet
    ]
    today = judge("standard", rows, TARGETS)
    assert (today.queued, today.abandoned, today.short_abandoned) == (6, 3, 2)
    assert today.service_level == 1 / 5
    assert today.service_level_short_left_out == 1 / 3


def test_with_only_short_hang_ups_neither_convention_invents_a_figure() -> None:
    today = judge("standard", [row(1, "hung_up_queue")], TARGETS)
    assert today.service_level == 0.0
    assert today.service_level_short_left_out is None
