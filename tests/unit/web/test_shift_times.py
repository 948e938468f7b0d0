"""A counselor's next shifts, dated from the weekly pattern in the roster's time zone."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from hotline.roster import ShiftEntry
from hotline.staffing.roster import RosterRow
from hotline.web.console import upcoming

LONDON = ZoneInfo("Europe/London")


def _row(*shifts: ShiftEntry) -> RosterRow:
    return RosterRow("1", "Ana", "+441", ("en",), (), False, "Europe/London", shifts)


def test_a_night_shift_in_progress_comes_first_and_runs_past_midnight() -> None:
    tuesday_night = ShiftEntry(weekday=1, start_minute=22 * 60, end_minute=6 * 60)
    friday_day = ShiftEntry(weekday=4, start_minute=9 * 60, end_minute=17 * 60)
    at = dt.datetime(2026, 11, 25, 2, 0, tzinfo=LONDON)  # Wednesday 02:00
    found = upcoming(_row(friday_day, tuesday_night), at)
    assert [(s.start.isoformat(), s.end.isoformat()) for s in found] == [
        ("2026-11-24T22:00:00+00:00", "2026-11-25T06:00:00+00:00"),
        ("2026-11-27T09:00:00+00:00", "2026-11-27T17:00:00+00:00"),
        ("2026-12-01T22:00:00+00:00", "2026-12-02T06:00:00+00:00"),
    ]


def test_a_shift_already_over_today_is_left_out() -> None:
    morning = ShiftEntry(weekday=2, start_minute=8 * 60, end_minute=12 * 60)
    at = dt.datetime(2026, 11, 25, 13, 0, tzinfo=LONDON)  # Wednesday 13:00
    assert [s.start.date().isoformat() for s in upcoming(_row(morning), at)] == ["2026-12-02"]


def test_no_shifts_no_times() -> None:
    assert upcoming(_row(), dt.datetime(2026, 11, 25, tzinfo=LONDON)) == []
