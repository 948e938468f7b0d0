"""Shift coverage for the coming days, hour by hour, per language and specialty, beside
the load the last four weeks of records lead us to expect at the same weekday and hour.

A counselor counts for an hour only when on shift for the whole of it (checked every
quarter hour): a half-covered hour is a gap worth seeing. Always-on-call counselors
count everywhere. One-off overrides add hours (on_shift) or take them off.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from sqlalchemy import func, select

from hotline.records.models import CallRecord, ShiftOverride
from hotline.records.models import Counselor as CounselorRow
from hotline.roster import on_shift
from hotline.routing.policy import GENERAL
from hotline.runtime import Runtime
from hotline.staffing.roster import RosterRow, load_roster

SAMPLES = (0, 15, 30, 45)  # minutes into the hour
HISTORY_WEEKS = 4


@dataclass(frozen=True)
class Override:
    counselor_id: str
    day: dt.date  # in the counselor's time zone
    start_minute: int
    end_minute: int  # at or before start: runs past midnight
    on_shift: bool

    def covers(self, local: dt.datetime) -> bool:
        minute = local.hour * 60 + local.minute
        overnight = self.end_minute <= self.start_minute
        if local.date() == self.day:
            return minute >= self.start_minute and (overnight or minute < self.end_minute)
        return (
            overnight
            and local.date() == self.day + dt.timedelta(days=1)
            and minute < self.end_minute
        )


def working(row: RosterRow, overrides: Iterable[Override], moment: dt.datetime) -> bool:
    """On shift at `moment` (aware): weekly shifts, then the day's overrides on top."""
    if row.always_on_call:
        return True
    local = moment.astimezone(ZoneInfo(row.timezone))
    mine = [o for o in overrides if o.counselor_id == row.counselor_id and o.covers(local)]
    if any(not o.on_shift for o in mine):
        return False
    return any(o.on_shift for o in mine) or on_shift(row.shifts, row.timezone, moment)


@dataclass(frozen=True)
class Slot:
    start: dt.datetime  # local, on the hour
    counselors: int
    by_language: dict[str, int]
    by_pair: dict[tuple[str, str], int]  # (language, specialty) -> counselors
    expected: float  # calls expected in this hour (mean of the same weekday-hour)
    expected_by_language: dict[str, float]

    @property
    def language_gaps(self) -> tuple[str, ...]:
        return tuple(code for code, n in self.by_language.items() if n == 0)

    @property
    def pair_gaps(self) -> tuple[tuple[str, str], ...]:
        """Language and specialty pairs nobody on shift covers (their language is covered)."""
        return tuple(
            pair for pair, n in self.by_pair.items() if n == 0 and self.by_language[pair[0]] > 0
        )


@dataclass(frozen=True)
class Coverage:
    zone: str
    languages: tuple[str, ...]
    specialties: tuple[str, ...]
    slots: tuple[Slot, ...]

    def gaps(self, language: str, specialty: str | None = None) -> list[dt.datetime]:
        """The hours with nobody for `language` (and `specialty`, when given)."""
        if specialty is None:
            return [s.start for s in self.slots if s.by_language.get(language) == 0]
        return [s.start for s in self.slots if s.by_pair.get((language, specialty)) == 0]


def roster_zone(runtime: Runtime) -> str:
    """The roster's time zone (the one most counselors have), UTC without a roster."""
    with runtime.sessions() as session:
        row = session.execute(
            select(CounselorRow.timezone, func.count())
            .group_by(CounselorRow.timezone)
            .order_by(func.count().desc())
        ).first()
    return row[0] if row else "UTC"


def load_overrides(runtime: Runtime, since: dt.date, until: dt.date) -> list[Override]:
    with runtime.sessions() as session:
        rows = session.scalars(
            select(ShiftOverride).where(
                ShiftOverride.day >= since - dt.timedelta(days=1), ShiftOverride.day <= until
            )
        ).all()
        return [
            Override(str(r.counselor_id), r.day, r.start_minute, r.end_minute, r.on_shift)
            for r in rows
        ]


def coverage(
    runtime: Runtime, now: dt.datetime, *, days: int = 7, zone: str | None = None
) -> Coverage:
    """Each local hour from the current one for `days` days."""
    rules = runtime.rules
    zone = zone or roster_zone(runtime)
    tz = ZoneInfo(zone)
    top = now.astimezone(tz).replace(minute=0, second=0, microsecond=0)
    starts = [top + dt.timedelta(hours=h) for h in range(days * 24)]
    roster = [r for r in load_roster(runtime.sessions) if r.shifts or r.always_on_call]
    overrides = load_overrides(runtime, top.date(), (top + dt.timedelta(days=days)).date())
    languages = tuple(rules.languages)
    specialties = tuple(s for s in rules.specialties if s != GENERAL)
    expected, expected_lang = expected_load(runtime, now, tz)
    slots = []
    for start in starts:
        moments = [start + dt.timedelta(minutes=m) for m in SAMPLES]
        on = [r for r in roster if all(working(r, overrides, m) for m in moments)]
        key = (start.weekday(), start.hour)
        slots.append(
            Slot(
                start=start,
                counselors=len(on),
                by_language={code: sum(code in r.languages for r in on) for code in languages},
                by_pair={
                    (code, spec): sum(code in r.languages and spec in r.specialties for r in on)
                    for code in languages
                    for spec in specialties
                },
                expected=expected.get(key, 0.0),
                expected_by_language={
                    code: expected_lang.get((*key, code), 0.0) for code in languages
                },
            )
        )
    return Coverage(zone, languages, specialties, tuple(slots))


def expected_load(
    runtime: Runtime, now: dt.datetime, tz: ZoneInfo
) -> tuple[dict[tuple[int, int], float], dict[tuple[int, int, str], float]]:
    """Mean calls per (weekday, hour), and per (weekday, hour, language), over 4 weeks."""
    since = now - dt.timedelta(weeks=HISTORY_WEEKS)
    with runtime.sessions() as session:
        rows: Sequence[tuple[dt.datetime, str | None]] = session.execute(
            select(CallRecord.started_at, CallRecord.language).where(
                CallRecord.started_at >= since, CallRecord.started_at < now
            )
        ).all()
    total: Counter[tuple[int, int]] = Counter()
    per_language: Counter[tuple[int, int, str]] = Counter()
    for at, language in rows:
        local = (at if at.tzinfo else at.replace(tzinfo=dt.UTC)).astimezone(tz)
        total[(local.weekday(), local.hour)] += 1
        if language:
            per_language[(local.weekday(), local.hour, language)] += 1
    return (
        {k: v / HISTORY_WEEKS for k, v in total.items()},
        {k: v / HISTORY_WEEKS for k, v in per_language.items()},
    )
