"""Callers arriving: Poisson per hour from a profile, or a profile learnt from past calls.

Every caller's attributes (tier, language, topic, talk time, patience, what they do when
offered a callback) are drawn here, once, so two rule sets can be run on the very same
callers.
"""

from __future__ import annotations

import datetime as dt
import math
import random
import statistics
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, replace
from zoneinfo import ZoneInfo

from hotline.whatif.model import (
    HOURS_PER_WEEK,
    ArrivalProfile,
    Mix,
    Scenario,
)

# (started_at: aware datetime, language, topic, tier, talk_seconds or None if not answered)
PastCall = tuple[dt.datetime, str, str, str, float | None]
CALLBACK_DRAWS = 4  # uniform draws kept for the callback decision and its attempts


@dataclass(frozen=True)
class Caller:
    call_id: str
    at: float  # seconds since the simulation's start
    hour: int  # index of the simulated hour it arrived in
    tier: str
    language: str
    topic: str
    talk: float  # seconds, if answered
    patience: float  # seconds on hold before hanging up (inf: never)
    luck: tuple[float, ...]  # uniforms: take a callback offered? then reached at attempt 1, 2..


def hour_of_week(moment: dt.datetime, timezone: str) -> int:
    local = moment.astimezone(ZoneInfo(timezone))
    return local.weekday() * 24 + local.hour


def hourly_rates(
    profile: ArrivalProfile, start: dt.datetime, hours: int, timezone: str
) -> list[float]:
    """Expected calls in each simulated hour (local time picks the profile's hour)."""
    return [
        profile.rates[hour_of_week(start + dt.timedelta(hours=h), timezone)] for h in range(hours)
    ]


def generate(
    scenario: Scenario, start: dt.datetime, hours: int, timezone: str, seed: int
) -> list[Caller]:
    """Poisson arrivals, piecewise constant by hour (exponential gaps, restarted each hour).

    Times and callers come from two streams, and each caller takes the same number of
    uniform draws, turned into attributes by quantile: change the mix, talk time or
    patience and the same callers arrive at the same times, only described differently.
    """
    clock = random.Random(f"arrivals:{seed}")
    draws = random.Random(f"callers:{seed}")
    profile, model = scenario.profile, scenario.callers
    callers: list[Caller] = []
    for h, rate in enumerate(hourly_rates(profile, start, hours, timezone)):
        if rate <= 0:
            continue
        t = 0.0
        while True:
            t += clock.expovariate(rate / 3600.0)
            if t >= 3600.0:
                break
            u = [draws.random() for _ in range(5 + CALLBACK_DRAWS)]
            tier = profile.tiers.pick(u[0])
            callers.append(
                Caller(
                    call_id=f"c{len(callers) + 1:06d}",
                    at=h * 3600.0 + t,
                    hour=h,
                    tier=tier,
                    language=profile.languages.pick(u[1]),
                    topic=profile.topics.pick(u[2]),
                    talk=model.talk(max(u[3], 1e-12)),
                    patience=model.patience_for(tier, u[4]),
                    luck=tuple(u[5:]),
                )
            )
    return callers


def profile_from_records(
    records: Iterable[PastCall],
    timezone: str,
    *,
    since: dt.datetime | None = None,
    until: dt.datetime | None = None,
    base: Scenario | None = None,
) -> Scenario:
    """A scenario learnt from past calls: rates per hour of the week, the mix, talk time.

    Each hour-of-week's rate is its calls divided by how many times that hour occurred
    from `since` (default: the first call's hour) to `until` (default: the end of the last
    call's hour). Talk time is fitted as a lognormal by its mean and the spread of its
    logarithm. What records cannot tell (patience, counselors' answering) comes from
    `base`, or the default models.
    """
    rows = sorted(records, key=lambda r: r[0])
    if not rows:
        raise ValueError("no past calls to learn a profile from")
    first = _hour_floor(since or rows[0][0])
    end = until or _hour_floor(rows[-1][0]) + dt.timedelta(hours=1)
    span = max(1, math.ceil((end - first).total_seconds() / 3600))
    seen = Counter(hour_of_week(first + dt.timedelta(hours=h), timezone) for h in range(span))
    calls: Counter[int] = Counter()
    tiers: Counter[str] = Counter()
    languages: Counter[str] = Counter()
    topics: Counter[str] = Counter()
    talks: list[float] = []
    for started, language, topic, tier, talk in rows:
        if not first <= started < end:
            continue
        calls[hour_of_week(started, timezone)] += 1
        tiers[tier] += 1
        languages[language] += 1
        topics[topic] += 1
        if talk is not None and talk > 0:
            talks.append(float(talk))
    if not calls:
        raise ValueError("no past calls between the given times")
    rates = tuple(calls[h] / seen[h] if seen[h] else 0.0 for h in range(HOURS_PER_WEEK))
    profile = ArrivalProfile(rates, Mix.of(tiers), Mix.of(languages), Mix.of(topics))
    scenario = replace(base, profile=profile) if base else Scenario(profile)
    if len(talks) >= 2:
        fitted = replace(
            scenario.callers,
            talk_mean=statistics.fmean(talks),
            talk_sigma=statistics.stdev(math.log(t) for t in talks),
        )
        scenario = replace(scenario, callers=fitted)
    total = sum(calls.values())
    return replace(scenario, source=f"{total} past calls from {first:%Y-%m-%d} to {end:%Y-%m-%d}")


def _hour_floor(moment: dt.datetime) -> dt.datetime:
    return moment.astimezone(dt.UTC).replace(minute=0, second=0, microsecond=0)
