"""The figures a supervisor reads after a what-if run, and the Erlang C bound beside them."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field

import hotline.whatif.bound as bound
from hotline.routing.policy import GENERAL
from hotline.whatif.engine import BUSY, WORKING, Desk, Outcome
from hotline.whatif.erlang import Queue
from hotline.whatif.headline import TierHeadline
from hotline.whatif.hours import HourFigures
from hotline.whatif.run import Run, delay, mean, p90, ratio, waited


@dataclass(frozen=True)
class TierFigures:
    tier: str  # a tier name, or "all"
    target: int | None  # answer_within, seconds
    calls: int
    answered: int  # connected to a counselor while on the line
    service_level: float | None  # answered within target, of all calls
    mean_wait: float | None  # on hold, until answered or gone; seconds
    p90_wait: float | None
    abandoned: int
    overflowed: int
    callbacks: int  # asked to be called back instead of waiting on
    still_waiting: int  # on hold when the run stopped, a day after the last arrival
    erlang_service_level: float | None  # Erlang C, same target
    mean_delay: float | None  # until the offer that was answered (or gone), stable hours only
    erlang_mean_wait: float | None
    wait_ratio: float | None  # mean_delay / erlang_mean_wait


@dataclass(frozen=True)
class ErlangFigures:
    method: str
    handle_time: float  # seconds: talk + wrap-up + ringing
    handle_cv: float  # its coefficient of variation; Erlang C assumes 1
    mean_load: float  # Erlangs, averaged over the hours
    mean_agents: float  # counselors on shift, averaged over the hours
    hours: int
    overloaded_hours: int
    p_wait: float | None
    sim_p_wait: float | None
    p_wait_ratio: float | None
    mean_wait: float | None
    sim_mean_wait: float | None
    wait_ratio: float | None
    # The whole run as one pool (average counselors on shift, rounded up, on the average
    # load): blind to when calls come and who is on shift then, so lower still.
    period_p_wait: float
    period_mean_wait: float
    period_wait_ratio: float | None


@dataclass(frozen=True)
class CounselorUse:
    name: str
    hours_on: float  # on shift (or finishing a call)
    utilisation: float | None  # ringing, talking and wrapping up, of hours_on
    conversations: int


@dataclass(frozen=True)
class CallbackFigures:
    requested: int
    reached: int
    failed: int
    pending: int  # still waiting when the run ended
    mean_hours_to_reach: float | None


@dataclass(frozen=True)
class Report:
    days: int
    seed: int
    start: str  # ISO local time
    timezone: str
    rules_version: str
    scenario: str
    offers: int
    tiers: tuple[TierFigures, ...]
    overall: TierFigures
    language_match: float | None  # of conversations, counselor speaks the caller's language
    specialty_match: float | None  # of conversations on a topic other than general
    utilisation: float | None
    counselors: tuple[CounselorUse, ...]
    callbacks: CallbackFigures
    erlang: ErlangFigures
    hours: tuple[HourFigures, ...]
    headline: tuple[TierHeadline, ...]  # each tier, then all: beside the pooled ideal
    outcomes: tuple[Outcome, ...] = field(default=(), repr=False, compare=False)


def tier_figures(run: Run, tier: str, calls: list[Outcome]) -> TierFigures:
    """Figures for `calls`; each call is judged against its own tier's target."""
    answered = [o for o in calls if o.result == "answered"]
    in_time = sum(1 for o in answered if waited(o) <= run.target(o))
    stable = [o for o in calls if run.queue(o).stable]
    erlang_wait = bound.mean_wait(run.queue(o) for o in stable)
    sim_delay = mean([delay(o) for o in stable])
    return TierFigures(
        tier=tier,
        target=run.rules.tiers[tier].answer_within if tier in run.rules.tiers else None,
        calls=len(calls),
        answered=len(answered),
        service_level=in_time / len(calls) if calls else None,
        mean_wait=mean([waited(o) for o in calls]),
        p90_wait=p90([waited(o) for o in calls]),
        abandoned=sum(1 for o in calls if o.result == "abandoned"),
        overflowed=sum(1 for o in calls if o.result == "overflowed"),
        callbacks=sum(1 for o in calls if o.result == "callback"),
        still_waiting=sum(1 for o in calls if o.result == "waiting"),
        erlang_service_level=bound.service_level((run.queue(o), run.target(o)) for o in calls),
        mean_delay=sim_delay,
        erlang_mean_wait=erlang_wait,
        wait_ratio=ratio(sim_delay, erlang_wait),
    )


def erlang_figures(run: Run) -> ErlangFigures:
    calls = list(run.outcomes)
    stable = [o for o in calls if run.queue(o).stable]
    erlang_p = bound.p_wait(run.queue(o) for o in calls)
    sim_p = mean([1.0 if delay(o) > 1e-6 else 0.0 for o in calls])
    erlang_wait = bound.mean_wait(run.queue(o) for o in stable)
    sim_wait = mean([delay(o) for o in stable])
    load = mean([q.load for q in run.queues]) or 0.0
    agents = mean(list(run.agents)) or 0.0
    period = Queue(math.ceil(agents - 1e-9), load, run.handle)
    return ErlangFigures(
        method="hour by hour (each hour its own load and counselors on shift), all pooled",
        handle_time=run.handle,
        handle_cv=run.handle_cv,
        mean_load=load,
        mean_agents=agents,
        hours=len(run.queues),
        overloaded_hours=sum(1 for q in run.queues if not q.stable),
        p_wait=erlang_p,
        sim_p_wait=sim_p,
        p_wait_ratio=ratio(sim_p, erlang_p),
        mean_wait=erlang_wait,
        sim_mean_wait=sim_wait,
        wait_ratio=ratio(sim_wait, erlang_wait),
        period_p_wait=period.p_wait,
        period_mean_wait=period.mean_wait,
        period_wait_ratio=ratio(mean([delay(o) for o in calls]), period.mean_wait),
    )


def counselor_use(desk: Desk, outcomes: Sequence[Outcome]) -> CounselorUse:
    on = sum(desk.seconds.get(s, 0.0) for s in WORKING)
    busy = sum(desk.seconds.get(s, 0.0) for s in BUSY)
    name = desk.staff.counselor_id
    return CounselorUse(
        name=name,
        hours_on=on / 3600,
        utilisation=busy / on if on > 0 else None,
        conversations=sum(1 for o in outcomes if o.counselor == name),
    )


def match_rates(run: Run) -> tuple[float | None, float | None]:
    desks = {d.staff.counselor_id: d.staff for d in run.desks}
    served = [(o.caller, desks[o.counselor]) for o in run.outcomes if o.counselor is not None]
    language = [1.0 if c.language in s.languages else 0.0 for c, s in served]
    topical = [(c, s) for c, s in served if c.topic != GENERAL]
    specialty = [1.0 if c.topic in s.specialties else 0.0 for c, s in topical]
    return mean(language), mean(specialty)


def callback_figures(outcomes: Sequence[Outcome]) -> CallbackFigures:
    asked = [o for o in outcomes if o.result == "callback"]
    reached = [o for o in asked if o.callback == "reached"]
    return CallbackFigures(
        requested=len(asked),
        reached=len(reached),
        failed=sum(1 for o in asked if o.callback == "failed"),
        pending=sum(1 for o in asked if o.callback == "pending"),
        mean_hours_to_reach=mean(
            [((o.callback_reached_at or 0) - (o.left_at or 0)) / 3600 for o in reached]
        ),
    )
