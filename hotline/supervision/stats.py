"""The supervisor's figures from the call records and the callers still waiting: today's
service level per tier, service level and wait hour by hour, calls per hour and per day.
One read of the records serves them all. Percentiles are computed here, in Python, so
the same code serves PostgreSQL and SQLite.

Service level, in the field's two conventions, each labelled where it is shown: the share
of the callers who reached the queue that a counselor answered within their tier's target,
every hang-up in the queue counted against it, short ones (under 5 s) too; and the same
with those short hang-ups left out (a caller who hangs up in the first seconds, often a
misdial, is not one the hotline could have answered). A caller still waiting counts
against it once past the target, and not at all before (not yet decided).
"""

from __future__ import annotations

import datetime as dt
import math
from bisect import bisect_right
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

from sqlalchemy import func, select

from hotline.records.models import Callback, CallRecord
from hotline.routing.snapshot import WaitingCall
from hotline.runtime import Runtime

OPEN_CALLBACKS = ("scheduled", "queued", "calling")
# Outbound legs of a callback: the caller did not wait in the queue for them.
NOT_QUEUED = ("called_back", "callback_not_reached")
WAITING = "waiting"  # the outcome of a caller still in the queue
SERVICE_GOAL = 0.8  # the share answered within target below which a figure is marked
SHORT_ABANDON = 5.0  # seconds: a hang-up in the queue sooner than this is a short abandon


@dataclass(frozen=True)
class Row:
    """One call: when it began, its tier, its wait in the queue (None: it never reached
    the queue) and its outcome (WAITING while the caller is still in the queue)."""

    at: dt.datetime
    tier: str
    wait: float | None
    outcome: str


@dataclass(frozen=True)
class TierToday:
    tier: str
    queued: int  # callers who reached the queue, those still waiting included
    answered: int
    answered_in_target: int
    abandoned: int  # hung up while queued
    overflowed: int
    mean_wait: float | None  # still-waiting callers count with their wait so far
    p90_wait: float | None
    answer_within: int
    waiting: int = 0  # still in the queue
    undecided: int = 0  # still in the queue and within their target
    short_abandoned: int = 0  # hung up while queued within SHORT_ABANDON seconds

    @property
    def service_level(self) -> float | None:
        """Answered within target over the callers decided so far (None: none yet)."""
        decided = self.queued - self.undecided
        return self.answered_in_target / decided if decided else None

    @property
    def service_level_short_left_out(self) -> float | None:
        """The same, with the hang-ups within SHORT_ABANDON seconds left out of the count."""
        decided = self.queued - self.undecided - self.short_abandoned
        return self.answered_in_target / decided if decided else None

    @property
    def abandonment(self) -> float | None:
        return self.abandoned / self.queued if self.queued else None

    @property
    def below_goal(self) -> bool:
        level = self.service_level
        return level is not None and level < SERVICE_GOAL


@dataclass(frozen=True)
class Today:
    since: dt.datetime  # local midnight
    tiers: tuple[TierToday, ...]
    total: TierToday
    callbacks_pending: int


@dataclass(frozen=True)
class Series:
    """Calls per bucket, oldest first; `labels` are local hour or day names."""

    labels: tuple[str, ...]
    starts: tuple[dt.datetime, ...]
    calls: tuple[int, ...]
    answered: tuple[int, ...]
    unanswered: tuple[int, ...] = field(default=())


@dataclass(frozen=True)
class HourService:
    """One local hour: the callers who began then, all tiers, each against its own target."""

    start: dt.datetime
    figures: TierToday


@dataclass(frozen=True)
class Figures:
    today: Today
    hours: Series  # calls per hour, last 24 hours
    days: Series  # calls per day, last 7 days
    service: tuple[HourService, ...]  # service level and wait, last SERVICE_HOURS hours


SERVICE_HOURS = 12


def p90(values: Sequence[float]) -> float | None:
    """The 90th percentile, nearest-rank (a value that occurred)."""
    if not values:
        return None
    ordered = sorted(values)
    return float(ordered[max(0, math.ceil(0.9 * len(ordered)) - 1)])


def judge(tier: str, rows: Sequence[Row], targets: Mapping[str, int]) -> TierToday:
    """The figures of `rows`, each call against its own tier's target."""
    queued = [r for r in rows if r.wait is not None and r.outcome not in NOT_QUEUED]
    waits = [float(r.wait) for r in queued if r.wait is not None]
    answered = [r for r in queued if r.outcome == "answered"]
    waiting = [r for r in queued if r.outcome == WAITING]
    return TierToday(
        tier=tier,
        queued=len(queued),
        answered=len(answered),
        answered_in_target=sum(
            1 for r in answered if r.wait is not None and r.wait <= targets.get(r.tier, 0)
        ),
        abandoned=sum(1 for r in queued if r.outcome == "hung_up_queue"),
        short_abandoned=sum(
            1
            for r in queued
            if r.outcome == "hung_up_queue" and r.wait is not None and r.wait < SHORT_ABANDON
        ),
        overflowed=sum(1 for r in rows if r.outcome == "overflowed"),
        mean_wait=sum(waits) / len(waits) if waits else None,
        p90_wait=p90(waits),
        answer_within=targets.get(tier, 0),
        waiting=len(waiting),
        undecided=sum(
            1 for r in waiting if r.wait is not None and r.wait <= targets.get(r.tier, 0)
        ),
    )


def figures(
    runtime: Runtime,
    now: dt.datetime,
    zone: str = "UTC",
    waiting: Sequence[WaitingCall] = (),
) -> Figures:
    """Everything the dashboard shows from the records, from one read of the last 7 days;
    `waiting` are the callers in the queue now (they count in today and its hours)."""
    tz = ZoneInfo(zone)
    midnight = now.astimezone(tz).replace(hour=0, minute=0, second=0, microsecond=0)
    week = [
        dt.datetime.combine((midnight - dt.timedelta(days=d)).date(), dt.time(), tz)
        for d in range(6, -1, -1)
    ]
    top = now.astimezone(tz).replace(minute=0, second=0, microsecond=0)
    hours = [top - dt.timedelta(hours=h) for h in range(23, -1, -1)]
    since = min(week[0], hours[0])
    records = _rows(runtime, since.astimezone(dt.UTC), now)
    live = [_row_of(call, now) for call in waiting]
    return Figures(
        today=_today(runtime, midnight, [r for r in records + live if r.at >= midnight]),
        hours=_series(records, hours, dt.timedelta(hours=1), [s.strftime("%H") for s in hours]),
        days=_series(records, week, dt.timedelta(days=1), [s.strftime("%a %d") for s in week]),
        service=_service(runtime, records + live, hours[-SERVICE_HOURS:]),
    )


def today(runtime: Runtime, now: dt.datetime, zone: str = "UTC") -> Today:
    """Today's figures per tier (local midnight to now) and the callbacks still open."""
    return figures(runtime, now, zone).today


def by_hour(runtime: Runtime, now: dt.datetime, zone: str = "UTC") -> Series:
    """Calls per local hour for the last 24 hours, the current hour last."""
    return figures(runtime, now, zone).hours


def by_day(runtime: Runtime, now: dt.datetime, zone: str = "UTC") -> Series:
    """Calls per local day for the last 7 days, today last."""
    return figures(runtime, now, zone).days


def _aware(moment: dt.datetime) -> dt.datetime:
    return moment if moment.tzinfo else moment.replace(tzinfo=dt.UTC)  # SQLite drops the zone


def _rows(runtime: Runtime, since: dt.datetime, now: dt.datetime) -> list[Row]:
    with runtime.sessions() as session:
        rows = session.execute(
            select(
                CallRecord.started_at, CallRecord.tier, CallRecord.queue_seconds, CallRecord.outcome
            )
            .where(CallRecord.started_at >= since)
            .order_by(CallRecord.started_at)
        ).all()
    found = [Row(_aware(at), tier or "", wait, outcome) for at, tier, wait, outcome in rows]
    return [r for r in found if r.at <= now]


def _row_of(call: WaitingCall, now: dt.datetime) -> Row:
    entered = dt.datetime.fromtimestamp(call.entered_at, dt.UTC)
    return Row(entered, call.tier, max(0.0, now.timestamp() - call.entered_at), WAITING)


def _targets(runtime: Runtime) -> dict[str, int]:
    return {name: tier.answer_within for name, tier in runtime.rules.tiers.items()}


def _today(runtime: Runtime, midnight: dt.datetime, rows: Sequence[Row]) -> Today:
    targets = _targets(runtime)
    tiers = tuple(
        judge(name, [r for r in rows if r.tier == name], targets)
        for name in runtime.rules.tier_order
    )
    with runtime.sessions() as session:
        pending = session.scalar(
            select(func.count()).select_from(Callback).where(Callback.status.in_(OPEN_CALLBACKS))
        )
    return Today(midnight, tiers, judge("", rows, targets), int(pending or 0))


def _service(
    runtime: Runtime, rows: Sequence[Row], starts: Sequence[dt.datetime]
) -> tuple[HourService, ...]:
    targets = _targets(runtime)
    slots = _Buckets(starts, dt.timedelta(hours=1))
    buckets: dict[int, list[Row]] = {}
    for row in rows:
        index = slots.index(row.at)
        if index is not None:
            buckets.setdefault(index, []).append(row)
    return tuple(
        HourService(start, judge("", buckets.get(i, []), targets)) for i, start in enumerate(starts)
    )


def _series(
    rows: Sequence[Row],
    starts: Sequence[dt.datetime],
    width: dt.timedelta,
    labels: Sequence[str],
) -> Series:
    calls: Counter[int] = Counter()
    answered: Counter[int] = Counter()
    slots = _Buckets(starts, width)
    for row in rows:
        index = slots.index(row.at)
        if index is None:
            continue
        calls[index] += 1
        if row.outcome in ("answered", "called_back"):
            answered[index] += 1
    n = len(starts)
    return Series(
        labels=tuple(labels),
        starts=tuple(starts),
        calls=tuple(calls[i] for i in range(n)),
        answered=tuple(answered[i] for i in range(n)),
        unanswered=tuple(calls[i] - answered[i] for i in range(n)),
    )


class _Buckets:
    """Which of consecutive buckets a moment falls in: a binary search over their starts
    (a poll buckets a week of records three ways). Days are not always 24 h long (DST):
    each bucket ends where the next one starts."""

    def __init__(self, starts: Sequence[dt.datetime], width: dt.timedelta) -> None:
        self.starts = [s.timestamp() for s in starts]
        self.end = (starts[-1] + width).timestamp() if starts else 0.0

    def index(self, at: dt.datetime) -> int | None:
        moment = at.timestamp()
        i = bisect_right(self.starts, moment) - 1
        return i if i >= 0 and moment < self.end else None
