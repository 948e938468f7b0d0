"""The callback window in the caller's local time, across zones, midnight and DST."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from hypothesis import given
from hypothesis import strategies as st

from hotline.routing.policy import CallbackPolicy
from hotline.routing.windows import closes_within, is_open, next_open

DAY = CallbackPolicy(dt.time(8), dt.time(22), 3, (900,), "")
NIGHT = CallbackPolicy(dt.time(20), dt.time(2), 3, (900,), "")  # spans midnight
LA, LONDON = "America/Los_Angeles", "Europe/London"


def at(zone: str, *args: int) -> dt.datetime:
    return dt.datetime(*args, tzinfo=ZoneInfo(zone)).astimezone(dt.UTC)


def test_three_in_the_morning_waits_until_eight_local() -> None:
    opens = next_open(at(LA, 2026, 11, 23, 3, 0), [LA], DAY)
    assert opens == at(LA, 2026, 11, 23, 8, 0)


def test_inside_the_window_it_rings_at_once() -> None:
    moment = at(LA, 2026, 11, 23, 12, 30)
    assert next_open(moment, [LA], DAY) == moment


def test_after_the_window_closes_it_waits_for_the_next_morning() -> None:
    assert next_open(at(LA, 2026, 11, 23, 22, 0), [LA], DAY) == at(LA, 2026, 11, 24, 8, 0)


def test_a_window_over_midnight() -> None:
    assert is_open(at(LA, 2026, 11, 23, 1, 0), [LA], NIGHT)
    assert not is_open(at(LA, 2026, 11, 23, 3, 0), [LA], NIGHT)
    assert next_open(at(LA, 2026, 11, 23, 3, 0), [LA], NIGHT) == at(LA, 2026, 11, 23, 20, 0)


def test_a_number_that_may_be_in_two_zones_rings_only_when_both_are_inside() -> None:
    # 16:00 in London is 08:00 in Los Angeles: the first moment both are inside.
    assert next_open(at(LONDON, 2026, 11, 23, 9, 0), [LA, LONDON], DAY) == at(
        LONDON, 2026, 11, 23, 16, 0
    )


def test_the_morning_after_a_dst_change_is_still_eight_local() -> None:
    # Clocks went back in Los Angeles on 2026-11-01.
    assert next_open(at(LA, 2026, 11, 1, 3, 0), [LA], DAY) == at(LA, 2026, 11, 1, 8, 0)


def test_an_unknown_zone_is_read_as_utc() -> None:
    moment = dt.datetime(2026, 11, 23, 3, 0, tzinfo=dt.UTC)
    assert next_open(moment, ["Nowhere/Atlantis"], DAY) == moment.replace(hour=8)


def test_closing_soon_counts_as_closed_for_a_promise() -> None:
    assert closes_within(at(LA, 2026, 11, 23, 21, 30), 3600, [LA], DAY)
    assert not closes_within(at(LA, 2026, 11, 23, 20, 30), 3600, [LA], DAY)


@given(st.datetimes(min_value=dt.datetime(2026, 1, 1), max_value=dt.datetime(2030, 1, 1)))
def test_next_open_is_never_earlier_and_always_inside(naive: dt.datetime) -> None:
    moment = naive.replace(tzinfo=dt.UTC)
    for zones in ([LA], [LONDON], ["Asia/Hong_Kong"], [LA, "America/Denver"]):
        for policy in (DAY, NIGHT):
            opens = next_open(moment, zones, policy)
            assert opens >= moment
            assert is_open(opens, zones, policy)
            assert opens - moment <= dt.timedelta(days=1)
