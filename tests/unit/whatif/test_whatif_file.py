"""The arrivals file: what a supervisor writes is read as meant, and mistakes name their line."""

from __future__ import annotations

import math

import pytest

from hotline.problems import InvalidFile
from hotline.whatif.scenario_file import parse_scenario
from tests.unit.whatif.whatif_support import rules

NIGHTS = [6.0] * 6 + [2.0] * 12 + [6.0] * 6


def hours(values: list[float]) -> str:
    return "[" + ", ".join(f"{v:g}" for v in values) + "]"


def test_hourly_rates_a_weekend_override_the_mix_and_the_callers() -> None:
    text = f"""\
per_hour: {hours([4.0] * 24)}
days:
  sat: {hours(NIGHTS)}
scale: 1.5
mix:
  tiers: {{imminent: 1, urgent: 1, standard: 2}}
  languages: {{en: 3, yue: 1}}
callers:
  talk_minutes: 30
  patience_seconds: {{imminent: never, urgent: 200}}
counselors:
  answer_rate: 0.9
  answer_seconds: [3, 9]
"""
    scenario = parse_scenario(text, "arrivals.yaml", rules())
    rates = scenario.profile.rates
    assert rates[0] == 6.0  # Monday 00:00: 4 calls an hour, times 1.5
    assert rates[5 * 24 + 10] == 3.0  # Saturday 10:00
    assert scenario.profile.calls_per_week == pytest.approx(1.5 * (6 * 96 + sum(NIGHTS)))
    assert scenario.profile.tiers.share("standard") == 0.5
    assert scenario.profile.languages.share("zh") == 0.0
    assert scenario.callers.talk_mean == 1800
    assert math.isinf(scenario.callers.patience["imminent"])
    assert scenario.callers.patience["urgent"] == 200
    assert scenario.callers.patience["standard"] == 300  # the default, unchanged
    assert scenario.counselors.answer_after == (3.0, 9.0)


def test_calls_per_day_scales_the_default_week() -> None:
    scenario = parse_scenario("calls_per_day: 240\n", "a.yaml", rules())
    assert scenario.profile.calls_per_week == pytest.approx(240 * 7)
    assert max(scenario.profile.rates) > 2 * min(scenario.profile.rates)


def test_every_mistake_is_named_with_its_line() -> None:
    text = """\
per_hour: [1, 2, 3]
mix:
  languages: {en: 1, fr: 1}
  tiers: {imminent: -1}
callers:
  talk_minutes: long
  callback_take_up: 1.5
counselors:
  answer_seconds: [9, 3]
wait: 3
"""
    with pytest.raises(InvalidFile) as refused:
        parse_scenario(text, "arrivals.yaml", rules())
    found = {(p.line, p.message.split(" (")[0].split(",")[0]) for p in refused.value.problems}
    assert (1, "must be a list of 24 numbers: calls in each hour") in found
    assert (3, "unknown languages 'fr'") in found
    assert (4, "must be at least 0") in found
    assert (6, "must be a number") in found
    assert (7, "must be at least 0 and at most 1") in found
    assert (9, "the first number must not be more than the second") in found
    assert (10, "unknown key 'wait'") in found
    assert all(p.file == "arrivals.yaml" for p in refused.value.problems)


def test_not_yaml_is_refused_with_its_line() -> None:
    with pytest.raises(InvalidFile) as refused:
        parse_scenario("per_hour: [1, 2\nscale: 2\n", "arrivals.yaml", rules())
    assert refused.value.problems[0].line == 1, "the '[' left open, not where YAML noticed it"
