"""The supervisor's numbers: the live queue and counselors from Redis, today's service
level and the recent load from the call records. Percentiles are computed here, in
Python, so the same code serves PostgreSQL and SQLite.
"""

from __future__ import annotations

import datetime as dt
import math
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

from sqlalchemy import func, select

from hotline.live.presence import Presence
from hotline.live.queue import LiveQueue
from hotline.records.models import Callback, CallRecord
from hotline.routing.snapshot import CounselorState
from hotline.runtime import Runtime

OPEN_CALLBACKS = ("scheduled", "queued", "calling")
# Outbound legs of a callback: the caller did not wait in the queue for them.
NOT_QUEUED = ("called_back", "callback_not_reached")


@dataclass(frozen=True)
class TierNow:
    tier: str
    waiting: int
    longest_wait: float  # seconds; 0 when nobody waits
    answer_within: int

    @property
    def late(self) -> bool:
        return self.longest_wait > self.answer_within


@dataclass(frozen=True)
class LiveNumbers:
    tiers: tuple[TierNow, ...]
    by_state: dict[str, int]  # every state, 0 included
    by_language: dict[str, dict[str, int]]  # language -> state -> count (on-call states)


@dataclass(frozen=True)
class TierToday:
    tier: str
    queued: int  # calls that reached the queue
    answered: int
    answered_in_target: int
    abandoned: int  # hung up while queued
    overflowed: int
    mean_wait: float | None
    p90_wait: float | None
    answer_within: int

    @property
    def service_level(self) -> float | None:
        """Share of queued calls answered within the tier's target (None: no calls)."""
        return self.answered_in_target / self.queued if self.queued else None

    @property
    def abandonment(self) -> float | None:
        return self.abandoned / self.queued if self.queued else None


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


def live_numbers(runtime: Runtime, now: float) -> LiveNumbers:
    rules = runtime.rules
    depth = LiveQueue(runtime.redis).depth(rules.tier_order)
    tiers = []
    for name, (count, oldest) in depth.items():
        target = rules.tier_for(name).answer_within
        wait = max(0.0, now - oldest) if oldest is not None and count else 0.0
        tiers.append(TierNow(name, count, wait, target))
    by_state = {state.value: 0 for state in CounselorState}
    by_language: dict[str, dict[str, int]] = {code: {} for code in rules.languages}
    for c in Presence(runtime.redis).all():
        by_state[c.state.value] += 1
        if c.state is CounselorState.OFF_SHIFT:
            continue
        for code in c.languages:
            states = by_language.setdefault(code, {})
            states[c.state.value] = states.get(c.state.value, 0) + 1
    return LiveNumbers(tuple(tiers), by_state, by_language)


def p90(values: Sequence[float]) -> float | None:
    """The 90th percentile, nearest-rank (a value that occurred)."""
    if not values:
        return None
    ordered = sorted(values)
    return float(ordered[max(0, math.ceil(0.9 * len(ordered)) - 1)])


def _aware(moment: dt.datetime) -> dt.datetime:
    return moment if moment.tzinfo else moment.replace(tzinfo=dt.UTC)  # SQLite drops the zone


def _rows(runtime: Runtime, since: dt.datetime) -> list[tuple[dt.datetime, str, int | None, str]]:
    with runtime.sessions() as session:
        rows = session.execute(
            select(
                CallRecord.started_at, CallRecord.tier, CallRecord.queue_seconds, CallRecord.outcome
            )
            .where(CallRecord.started_at >= since)
            .order_by(CallRecord.started_at)
        ).all()
    return [(_aware(at), tier or "", wait, outcome) for at, tier, wait, outcome in rows]


def _tier_today(name: str, target: int, rows: Sequence[tuple[int | None, str]]) -> TierToday:
    queued = [(w, o) for w, o in rows if w is not None and o not in NOT_QUEUED]
    waits = [float(w) for w, _ in queued if w is not None]
    answered = [w for w, o in queued if o == "answered"]
    return TierToday(
        tier=name,
        queued=len(queued),
        answered=len(answered),
        answered_in_target=sum(1 for w in answered if w is not None and w <= target),
        abandoned=sum(1 for _, o in queued if o == "hung_up_queue"),
        overflowed=sum(1 for _, o in rows if o == "overflowed"),
        mean_wait=sum(waits) / len(waits) if waits else None,
        p90_wait=p90(waits),
        answer_within=target,
    )


def today(runtime: Runtime, now: dt.datetime, zone: str = "UTC") -> Today:
    """Today's figures per tier (local midnight to now) and the callbacks still open."""
    rules = runtime.rules
    local = now.astimezone(ZoneInfo(zone))
    since = local.replace(hour=0, minute=0, second=0, microsecond=0)
    rows = [r for r in _rows(runtime, since.astimezone(dt.UTC)) if r[0] <= now]
    tiers = []
    for name in rules.tier_order:
        target = rules.tiers[name].answer_within
        tiers.append(_tier_today(name, target, [(w, o) for _, t, w, o in rows if t == name]))
    # Each call judged against its own tier's target, summed over tiers.
    total = TierToday(
        tier="",
        queued=sum(t.queued for t in tiers),
        answered=sum(t.answered for t in tiers),
        answered_in_target=sum(t.answered_in_target for t in tiers),
        abandoned=sum(t.abandoned for t in tiers),
        overflowed=sum(t.overflowed for t in tiers),
        mean_wait=_tier_today("", 0, [(w, o) for _, _, w, o in rows]).mean_wait,
        p90_wait=_tier_today("", 0, [(w, o) for _, _, w, o in rows]).p90_wait,
        answer_within=0,
    )
    with runtime.sessions() as session:
        pending = session.scalar(
            select(func.count()).select_from(Callback).where(Callback.status.in_(OPEN_CALLBACKS))
        )
    return Today(since, tuple(tiers), total, int(pending or 0))


def by_hour(runtime: Runtime, now: dt.datetime, zone: str = "UTC", hours: int = 24) -> Series:
    """Calls per local hour for the last `hours` hours, the current hour last."""
    tz = ZoneInfo(zone)
    top = now.astimezone(tz).replace(minute=0, second=0, microsecond=0)
    starts = [top - dt.timedelta(hours=h) for h in range(hours - 1, -1, -1)]
    return _series(runtime, now, starts, dt.timedelta(hours=1), [s.strftime("%H") for s in starts])


def by_day(runtime: Runtime, now: dt.datetime, zone: str = "UTC", days: int = 7) -> Series:
    """Calls per local day for the last `days` days, today last."""
    tz = ZoneInfo(zone)
    top = now.astimezone(tz).replace(hour=0, minute=0, second=0, microsecond=0)
    starts = [
        dt.datetime.combine((top - dt.timedelta(days=d)).date(), dt.time(), tz)
        for d in range(days - 1, -1, -1)
    ]
    return _series(
        runtime, now, starts, dt.timedelta(days=1), [s.strftime("%a %d") for s in starts]
    )


def _series(
    runtime: Runtime,
    now: dt.datetime,
    starts: Sequence[dt.datetime],
    width: dt.timedelta,
    labels: Sequence[str],
) -> Series:
    rows = [r for r in _rows(runtime, starts[0].astimezone(dt.UTC)) if r[0] <= now]
    calls: Counter[int] = Counter()
    answered: Counter[int] = Counter()
    bounds = [s.astimezone(dt.UTC) for s in starts]
    for at, _, _, outcome in rows:
        index = _bucket(bounds, width, at)
        if index is None:
            continue
        calls[index] += 1
        if outcome in ("answered", "called_back"):
            answered[index] += 1
    n = len(starts)
    return Series(
        labels=tuple(labels),
        starts=tuple(starts),
        calls=tuple(calls[i] for i in range(n)),
        answered=tuple(answered[i] for i in range(n)),
        unanswered=tuple(calls[i] - answered[i] for i in range(n)),
    )


def _bucket(bounds: Sequence[dt.datetime], width: dt.timedelta, at: dt.datetime) -> int | None:
    # Days are not always 24 h long (DST): compare with each bucket's own start.
    for i in range(len(bounds) - 1, -1, -1):
        if at >= bounds[i]:
            end = bounds[i + 1] if i + 1 < len(bounds) else bounds[i] + width
            return i if at < end else None
    return None
