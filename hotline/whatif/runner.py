"""Run a what-if: the rules, a roster and a scenario in; a report out. Same seed, same report."""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from hotline.roster import Roster
from hotline.routing.policy import Rules
from hotline.routing.rules import parse_rules
from hotline.whatif.arrivals import Caller, generate, hourly_rates
from hotline.whatif.bound import hourly_queues
from hotline.whatif.engine import DRAIN, Simulation
from hotline.whatif.erlang_a import ErlangA
from hotline.whatif.headline import headline
from hotline.whatif.hours import hour_figures
from hotline.whatif.ideal import pooled_ideal
from hotline.whatif.model import Scenario, default_scenario
from hotline.whatif.report import (
    Report,
    callback_figures,
    counselor_use,
    erlang_figures,
    match_rates,
    tier_figures,
)
from hotline.whatif.run import ALL, Run
from hotline.whatif.staff import Staff, on_shift_hours, staff_from

FIRST_MONDAY = dt.date(2025, 1, 6)  # a Monday far from a daylight-saving change


def default_start(timezone: str) -> dt.datetime:
    """Monday 00:00 local time: a fixed week, so a run never depends on today's date."""
    return dt.datetime.combine(FIRST_MONDAY, dt.time(0), tzinfo=ZoneInfo(timezone))


def handle_time(rules: Rules, scenario: Scenario) -> tuple[float, float]:
    """Mean seconds a counselor gives a call (ringing with misses, talk, wrap-up), and its
    coefficient of variation (from talk time and ringing; wrap-up is fixed)."""
    c, talk = scenario.counselors, scenario.callers
    misses = (1 - c.answer_rate) / c.answer_rate if c.answer_rate > 0 else 0.0
    ring = sum(
        share * rules.ring_timeout_for(tier) for tier, share in scenario.profile.tiers.shares
    )
    ringing = c.mean_answer + misses * ring
    mean = ringing + talk.talk_mean + rules.offer.wrap_up
    low, high = c.answer_after
    variance = talk.talk_mean**2 * (math.exp(talk.talk_sigma**2) - 1) + (high - low) ** 2 / 12
    return mean, math.sqrt(variance) / mean


def mean_patience(scenario: Scenario) -> float:
    """The callers' mean patience for Erlang A: the hang-up rate averaged over the tiers'
    mix, turned back into seconds (inf when nobody ever hangs up)."""
    patience = scenario.callers.patience
    mix = scenario.profile.tiers.shares
    rate = sum(share / patience.get(tier, math.inf) for tier, share in mix)
    return 1.0 / rate if rate > 0 else math.inf


def simulate(
    rules: Rules,
    roster: Roster,
    *,
    days: int = 7,
    seed: int = 1,
    scenario: Scenario | None = None,
    start: dt.datetime | None = None,
    ideal: bool = True,
) -> Report:
    """Simulate `days` of calls on the rules and roster, from `start` (an aware time), and
    the same callers again through the pooled ideal (`ideal.py`; without `ideal`, the
    rules stand in for it)."""
    if days < 1:
        raise ValueError("simulate at least one day")
    scenario = scenario or default_scenario(rules)
    begin = (start or default_start(roster.timezone)).astimezone(dt.UTC)
    hours = days * 24
    staff = staff_from(roster, begin, hours * 3600.0 + DRAIN)
    callers = generate(scenario, begin, hours, roster.timezone, seed)

    def through(r: Rules) -> Run:
        return play(r, scenario, staff, callers, begin=begin, hours=hours,
                    timezone=roster.timezone, seed=seed)  # fmt: skip

    run = through(rules)
    best = through(pooled_ideal(rules)) if ideal else run
    tiers = tuple(
        tier_figures(run, tier, [o for o in run.outcomes if o.caller.tier == tier])
        for tier in rules.tier_order
    )
    uses = tuple(counselor_use(d, run.outcomes) for d in run.desks)
    on = sum(u.hours_on for u in uses)
    busy = sum(u.hours_on * (u.utilisation or 0.0) for u in uses)
    language, specialty = match_rates(run)
    zone = ZoneInfo(roster.timezone)
    return Report(
        days=days,
        seed=seed,
        start=begin.astimezone(zone).isoformat(timespec="minutes"),
        timezone=roster.timezone,
        rules_version=rules.version,
        scenario=scenario.source,
        offers=run.offers,
        tiers=tiers,
        overall=tier_figures(run, ALL, list(run.outcomes)),
        language_match=language,
        specialty_match=specialty,
        utilisation=busy / on if on > 0 else None,
        counselors=uses,
        callbacks=callback_figures(run.outcomes),
        erlang=erlang_figures(run),
        hours=hour_figures(run),
        outcomes=tuple(run.outcomes),
        headline=tuple(headline(run, best, tier) for tier in (*rules.tier_order, ALL)),
    )


def play(
    rules: Rules,
    scenario: Scenario,
    staff: tuple[Staff, ...],
    callers: list[Caller],
    *,
    begin: dt.datetime,
    hours: int,
    timezone: str,
    seed: int,
) -> Run:
    """One pass of the callers through the simulator under `rules`."""
    horizon = hours * 3600.0
    sim = Simulation(
        rules, scenario, staff, callers, start=begin, timezone=timezone, horizon=horizon, seed=seed
    )
    sim.run()
    rates = hourly_rates(scenario.profile, begin, hours, timezone)
    agents = on_shift_hours(staff, hours)
    handle, handle_cv = handle_time(rules, scenario)
    patience = mean_patience(scenario)
    zone = ZoneInfo(timezone)
    return Run(
        rules=rules,
        outcomes=list(sim.outcomes.values()),
        desks=list(sim.desks.values()),
        queues=hourly_queues(rates, agents, handle),
        local_hours=[(begin + dt.timedelta(hours=h)).astimezone(zone).hour for h in range(hours)],
        agents=agents,
        handle=handle,
        handle_cv=handle_cv,
        erlang_a=[
            ErlangA(math.ceil(n - 1e-9), rate / 3600, handle, patience)
            for rate, n in zip(rates, agents, strict=True)
        ],
        patience=dict(scenario.callers.patience),
        offers=sim.offers,
    )


@dataclass(frozen=True)
class Comparison:
    """The rules in force and a proposed edit, run on the same callers and roster."""

    current: Report
    proposed: Report


def compare(
    current_rules_text: str,
    proposed_rules_text: str,
    roster: Roster,
    *,
    days: int = 7,
    seed: int = 1,
    scenario: Scenario | None = None,
    start: dt.datetime | None = None,
) -> Comparison:
    """Both rule texts on the same seed and arrivals; InvalidFile if either is refused.

    The arrivals' mix defaults from the current rules, so both runs meet the same callers.
    """
    current = parse_rules(current_rules_text, "current rules")
    proposed = parse_rules(proposed_rules_text, "proposed rules")
    scenario = scenario or default_scenario(current)
    return Comparison(
        current=simulate(current, roster, days=days, seed=seed, scenario=scenario, start=start),
        proposed=simulate(proposed, roster, days=days, seed=seed, scenario=scenario, start=start),
    )
