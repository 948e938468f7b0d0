"""Counselors and their shifts from a roster, as on-shift intervals on the simulation's clock.

Shifts are judged by `roster.on_shift`, the function the live service's presence sync
uses, at every minute a shift could start or end (and wherever the clock changes).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from hotline.roster import CounselorEntry, Roster, on_shift

Interval = tuple[float, float]  # seconds since the simulation's start: [on, off)


@dataclass(frozen=True)
class Staff:
    counselor_id: str
    languages: frozenset[str]
    specialties: frozenset[str]
    on_shift: tuple[Interval, ...]


def staff_from(roster: Roster, start: dt.datetime, seconds: float) -> tuple[Staff, ...]:
    """Everyone on the roster (supervisors take calls too), with their shifts in [0, seconds).

    `start` is an aware time on a whole minute.
    """
    return tuple(
        Staff(
            counselor_id=entry.name,
            languages=frozenset(entry.languages),
            specialties=frozenset(entry.specialties),
            on_shift=((0.0, seconds),)
            if entry.always_on_call
            else _intervals(entry, roster.timezone, start, seconds),
        )
        for entry in roster.counselors
    )


def _intervals(
    entry: CounselorEntry, timezone: str, start: dt.datetime, seconds: float
) -> tuple[Interval, ...]:
    out: list[Interval] = []
    opened: float | None = None
    for at in _moments(entry, timezone, start, seconds):
        working = on_shift(entry.shifts, timezone, start + dt.timedelta(seconds=at))
        if working and opened is None:
            opened = at
        elif not working and opened is not None:
            out.append((opened, at))
            opened = None
    if opened is not None:
        out.append((opened, seconds))
    return tuple(out)


def _moments(
    entry: CounselorEntry, timezone: str, start: dt.datetime, seconds: float
) -> list[float]:
    """Where the answer of `on_shift` may change: the start, every shift's local start and
    end on every day, and every hour at which the zone's clock moved."""
    zone = ZoneInfo(timezone)
    utc = start.astimezone(dt.UTC)
    edges = {s.start_minute for s in entry.shifts} | {s.end_minute for s in entry.shifts}
    found = {0.0}
    first = utc.astimezone(zone).date() - dt.timedelta(days=1)
    for day in range(int(seconds // 86400) + 3):
        date = first + dt.timedelta(days=day)
        for minute in edges:
            local = dt.datetime.combine(date, dt.time(0), tzinfo=zone) + dt.timedelta(
                minutes=minute
            )
            found.add((local.astimezone(dt.UTC) - utc).total_seconds())
    offsets = [
        (utc + dt.timedelta(hours=h)).astimezone(zone).utcoffset()
        for h in range(int(seconds // 3600) + 2)
    ]
    found.update(h * 3600.0 for h in range(1, len(offsets)) if offsets[h] != offsets[h - 1])
    return sorted(at for at in found if 0 <= at < seconds)


def on_shift_hours(staff: tuple[Staff, ...], hours: int) -> list[float]:
    """Average number of counselors on shift in each hour."""
    out = [0.0] * hours
    for person in staff:
        for on, off in person.on_shift:
            h = int(on // 3600)
            while h < hours and h * 3600 < off:
                overlap = min(off, (h + 1) * 3600) - max(on, h * 3600)
                out[h] += max(overlap, 0.0) / 3600
                h += 1
    return out
