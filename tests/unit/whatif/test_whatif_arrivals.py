"""Arrivals: the profile, Poisson calls from it, profiles learnt from records, shifts."""

from __future__ import annotations

import datetime as dt
import math
from zoneinfo import ZoneInfo

import pytest

from hotline.roster import on_shift, parse_roster
from hotline.whatif import default_scenario, profile_from_records
from hotline.whatif.arrivals import generate, hour_of_week
from hotline.whatif.staff import on_shift_hours, staff_from
from tests.unit.whatif.whatif_support import rules

LA = "America/Los_Angeles"
MONDAY = dt.datetime(2025, 1, 6, tzinfo=ZoneInfo(LA)).astimezone(dt.UTC)
WEEKS = 8


def test_poisson_arrivals_integrate_to_the_profile_s_expected_count() -> None:
    scenario = default_scenario(rules(), calls_per_day=100)
    expected = scenario.profile.calls_per_week * WEEKS
    assert expected == pytest.approx(100 * 7 * WEEKS)
    callers = generate(scenario, MONDAY, WEEKS * 168, LA, seed=5)
    assert abs(len(callers) - expected) < 4 * math.sqrt(expected)
    assert all(0 <= c.at < WEEKS * 168 * 3600 for c in callers)
    assert [c.at for c in callers] == sorted(c.at for c in callers)


def test_evenings_and_nights_are_busier_than_mid_morning() -> None:
    callers = generate(default_scenario(rules()), MONDAY, WEEKS * 168, LA, seed=5)
    by_hour = [0] * 24
    for c in callers:
        by_hour[hour_of_week(MONDAY + dt.timedelta(seconds=c.at), LA) % 24] += 1
    late = sum(by_hour[20:24])
    mid_morning = sum(by_hour[8:12])
    assert late > 2.2 * mid_morning


def test_callers_follow_the_mix_talk_time_and_patience() -> None:
    scenario = default_scenario(rules())
    callers = generate(scenario, MONDAY, WEEKS * 168, LA, seed=9)
    n = len(callers)
    share = sum(1 for c in callers if c.tier == "imminent") / n
    assert share == pytest.approx(0.08, abs=4 * math.sqrt(0.08 * 0.92 / n))
    english = sum(1 for c in callers if c.language == "en") / n
    assert english == pytest.approx(0.7, abs=4 * math.sqrt(0.7 * 0.3 / n))
    talk = sum(c.talk for c in callers) / n
    assert talk == pytest.approx(20 * 60, rel=0.05)
    patience = sum(c.patience for c in callers) / n
    assert patience == pytest.approx(300, rel=0.08)


def test_the_same_seed_draws_the_same_callers() -> None:
    scenario = default_scenario(rules())
    assert generate(scenario, MONDAY, 48, LA, 1) == generate(scenario, MONDAY, 48, LA, 1)
    assert generate(scenario, MONDAY, 48, LA, 1) != generate(scenario, MONDAY, 48, LA, 2)


def test_a_profile_learnt_from_past_calls_gives_back_their_rates_and_mix() -> None:
    scenario = default_scenario(rules(), calls_per_day=150)
    callers = generate(scenario, MONDAY, WEEKS * 168, LA, seed=3)
    records = [
        (MONDAY + dt.timedelta(seconds=c.at), c.language, c.topic, c.tier, c.talk) for c in callers
    ]
    learnt = profile_from_records(
        records, LA, since=MONDAY, until=MONDAY + dt.timedelta(weeks=WEEKS)
    )
    assert learnt.profile.calls_per_week == pytest.approx(len(callers) / WEEKS)
    friday_late = 4 * 24 + 22
    assert learnt.profile.rates[friday_late] == pytest.approx(
        scenario.profile.rates[friday_late], rel=0.35
    )
    for language, share in scenario.profile.languages.shares:
        assert learnt.profile.languages.share(language) == pytest.approx(share, abs=0.03)
    assert learnt.callers.talk_mean == pytest.approx(20 * 60, rel=0.05)
    assert learnt.callers.talk_sigma == pytest.approx(0.6, abs=0.03)
    assert "calls" in learnt.source


def test_a_profile_needs_past_calls() -> None:
    with pytest.raises(ValueError, match="no past calls"):
        profile_from_records([], LA)


def test_shifts_follow_the_local_clock_across_a_daylight_saving_change() -> None:
    """Night shifts on the Sunday clocks spring forward are an hour shorter."""
    known = rules()
    roster = parse_roster(
        "timezone: America/Los_Angeles\ncounselors:\n"
        "  - {name: Nia, phone: '+14155550150', languages: [en],\n"
        "     shifts: [{days: [sat, sun], from: '22:00', to: '06:00'}]}\n"
        "  - {name: Omar, phone: '+14155550151', languages: [en], always_on_call: true}\n",
        "r.yaml",
        languages=known.languages.keys(),
        specialties=known.specialties.keys(),
    )
    saturday = dt.datetime(2025, 3, 8, tzinfo=ZoneInfo(LA)).astimezone(dt.UTC)
    hours = 72
    nia, omar = staff_from(roster, saturday, hours * 3600.0)
    assert [round((off - on) / 3600, 2) for on, off in nia.on_shift] == [7.0, 8.0]
    assert omar.on_shift == ((0.0, hours * 3600.0),)
    minute_by_minute = [
        sum(
            on_shift(roster.counselors[0].shifts, LA, saturday + dt.timedelta(minutes=m))
            for m in range(h * 60, (h + 1) * 60)
        )
        / 60
        for h in range(hours)
    ]
    assert on_shift_hours((nia,), hours) == pytest.approx(minute_by_minute)
