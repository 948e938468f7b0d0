"""The arrivals file: calls per hour and the callers' mix, checked with a line for every problem.

calls_per_day: 120            # the default week shape, scaled (or give the hours:)
per_hour: [5, 4, ...]         # 24 values, calls per hour, every day (roster's local time)
days: {sat: [...], sun: [...]}  # 24 values for a weekday; others use per_hour
scale: 1.2                    # everything above times this
mix:                          # weights (normalised); missing kinds get none
  tiers: {imminent: 8, urgent: 27, standard: 65}
  languages: {en: 70, zh: 15, yue: 15}
  topics: {suicide: 22, general: 25, ...}
callers:
  talk_minutes: 20            # mean, lognormal
  talk_sigma: 0.6             # spread of the log of talk time
  patience_seconds: {imminent: 300, urgent: 300, standard: 300}   # mean; or never
  callback_take_up: 0.5       # of callers offered a callback, share who take it
  callback_reached: 0.7       # chance a callback attempt reaches the caller
counselors:
  answer_rate: 0.95           # share of offers accepted (the rest ring out)
  answer_seconds: [5, 15]     # from ring to accept key, uniform
  away_minutes: 15            # set away after missed offers: back after this long
"""

from __future__ import annotations

import math
import os
from collections.abc import Collection
from typing import Any

from hotline.problems import InvalidFile
from hotline.roster import DAYS
from hotline.routing.fields import FieldReader
from hotline.routing.policy import Rules
from hotline.whatif.model import (
    DEFAULT_CALLS_PER_DAY,
    ArrivalProfile,
    CallerModel,
    CounselorModel,
    Mix,
    Scenario,
    default_scenario,
    shaped_rates,
)
from hotline.yamlsource import Path, load_located

TOP = ("calls_per_day", "per_hour", "days", "scale", "mix", "callers", "counselors")
CALLERS = ("talk_minutes", "talk_sigma", "patience_seconds", "callback_take_up", "callback_reached")
COUNSELORS = ("answer_rate", "answer_seconds", "away_minutes")


def parse_scenario(text: str, file: str, rules: Rules) -> Scenario:
    """A scenario from an arrivals file's text; InvalidFile lists every problem with its line."""
    r = FieldReader(load_located(text, file))
    r.mapping((), optional=TOP)
    base = default_scenario(rules)
    rates = _rates(r)
    scale = _number(r, ("scale",), 1.0, minimum=0.0)
    tiers = _mix(r, ("mix", "tiers"), rules.tier_order, base.profile.tiers)
    languages = _mix(r, ("mix", "languages"), tuple(rules.languages), base.profile.languages)
    topics = _mix(r, ("mix", "topics"), tuple(rules.specialties), base.profile.topics)
    r.mapping(("mix",), optional=("tiers", "languages", "topics"))
    callers = _callers(r, rules, base.callers)
    counselors = _counselors(r, base.counselors)
    if r.problems:
        raise InvalidFile(r.problems)
    assert rates is not None and scale is not None and tiers and languages and topics
    assert callers is not None and counselors is not None
    profile = ArrivalProfile(tuple(x * scale for x in rates), tiers, languages, topics)
    per_day = profile.calls_per_week / 7
    name = os.path.basename(file)
    return Scenario(profile, callers, counselors, f"{name}, {per_day:.0f} calls/day")


def _number(
    r: FieldReader, path: Path, default: float, minimum: float = 0.0, maximum: float = math.inf
) -> float | None:
    value = r.raw(path)
    if not r.present(path):
        return default
    if isinstance(value, bool) or not isinstance(value, int | float):
        r.report(path, f"must be a number, not {value!r}")
        return None
    if not minimum <= value <= maximum or math.isnan(value):
        bounds = f"at least {minimum:g}" + (
            f" and at most {maximum:g}" if maximum < math.inf else ""
        )
        r.report(path, f"must be {bounds}, not {value}")
        return None
    return float(value)


def _hours(r: FieldReader, path: Path) -> list[float] | None:
    value = r.raw(path)
    if not isinstance(value, list) or len(value) != 24:
        r.report(path, "must be a list of 24 numbers: calls in each hour, 00:00 first")
        return None
    out = [_number(r, (*path, i), 0.0) for i in range(24)]
    return [x for x in out if x is not None] if None not in out else None


def _rates(r: FieldReader) -> list[float] | None:
    every_day = _hours(r, ("per_hour",)) if r.present(("per_hour",)) else None
    days: dict[str, Any] = r.mapping(("days",), optional=DAYS) or {}
    if every_day is None and not days and not r.present(("per_hour",)):
        per_day = _number(r, ("calls_per_day",), DEFAULT_CALLS_PER_DAY)
        return list(shaped_rates(per_day)) if per_day is not None else None
    if r.present(("calls_per_day",)):
        r.report(("calls_per_day",), "give calls_per_day or hourly rates, not both")
    rates: list[float] = []
    for day in DAYS:
        hours = _hours(r, ("days", day)) if day in days else every_day
        if hours is None:
            if day not in days and not r.present(("per_hour",)):
                r.report(("days",), f"no rates for {day}: add days.{day} or per_hour")
            return None
        rates.extend(hours)
    return rates


def _mix(r: FieldReader, path: Path, known: Collection[str], default: Mix) -> Mix | None:
    found = r.mapping(path)
    if found is None:
        return None if r.present(path) else default
    weights: dict[str, float] = {}
    for name in found:
        if name not in known:
            r.report((*path, name), f"unknown {path[-1]} {name!r} (choose from {', '.join(known)})")
        elif (weight := _number(r, (*path, name), 0.0)) is not None:
            weights[name] = weight
    if not any(w > 0 for w in weights.values()):
        r.report(path, "at least one share must be more than 0")
        return None
    return Mix.of(weights)


def _callers(r: FieldReader, rules: Rules, base: CallerModel) -> CallerModel | None:
    path: Path = ("callers",)
    r.mapping(path, optional=CALLERS)
    talk = _number(r, (*path, "talk_minutes"), base.talk_mean / 60, minimum=0.1)
    sigma = _number(r, (*path, "talk_sigma"), base.talk_sigma, maximum=3.0)
    take_up = _number(r, (*path, "callback_take_up"), base.callback_take_up, maximum=1.0)
    reached = _number(r, (*path, "callback_reached"), base.callback_reached, maximum=1.0)
    where: Path = (*path, "patience_seconds")
    patience = dict(base.patience)
    if r.mapping(where, optional=rules.tier_order) is not None:
        for tier in rules.tier_order:
            if r.raw((*where, tier)) == "never":
                patience[tier] = math.inf
            elif (mean := _number(r, (*where, tier), patience[tier], minimum=1.0)) is not None:
                patience[tier] = mean
    elif r.present(where):
        return None
    if talk is None or sigma is None or take_up is None or reached is None:
        return None
    return CallerModel(talk * 60, sigma, patience, take_up, reached)


def _counselors(r: FieldReader, base: CounselorModel) -> CounselorModel | None:
    path: Path = ("counselors",)
    r.mapping(path, optional=COUNSELORS)
    rate = _number(r, (*path, "answer_rate"), base.answer_rate, minimum=0.01, maximum=1.0)
    away = _number(r, (*path, "away_minutes"), base.away_for / 60)
    after: tuple[float, float] | None = base.answer_after
    where: Path = (*path, "answer_seconds")
    if r.present(where):
        value = r.raw(where)
        low = _number(r, (*where, 0), 0.0) if isinstance(value, list) else None
        high = _number(r, (*where, 1), 0.0) if isinstance(value, list) else None
        if not isinstance(value, list) or len(value) != 2 or low is None or high is None:
            r.report(where, "must be two numbers of seconds, like [5, 15]")
            after = None
        elif low > high:
            r.report(where, "the first number must not be more than the second")
            after = None
        else:
            after = (low, high)
    if rate is None or away is None or after is None:
        return None
    return CounselorModel(rate, after, away * 60)
