"""The what-if simulation through the real matcher, on situations with a known answer."""

from __future__ import annotations

import copy
import dataclasses

import pytest
import yaml

from hotline.problems import InvalidFile
from hotline.routing.rules import parse_rules
from hotline.whatif import compare, default_scenario, simulate
from tests.unit.whatif.whatif_support import (
    FOREVER,
    PATIENT,
    SHIPPED_RULES,
    flat,
    roster,
    rules,
    rules_text,
    shipped_roster,
)

ALL_TOPICS = "suicide domestic_violence relationships youth lgbtq substance_use"
EVERYONE = ("en zh yue wuu", ALL_TOPICS)
FOUR_TOPICS = ("suicide", "domestic_violence", "relationships", "youth")
STRICT = [{"require": ["language", "specialty"], "after": 0}]
LANGUAGE_ONLY = [{"require": ["language"], "after": 0}]
ANYONE = [{"require": [], "after": 0}]


def test_ample_counselors_answer_every_call_within_target_at_once() -> None:
    shipped = rules()
    base = default_scenario(shipped)
    patient = dataclasses.replace(base.callers, patience=PATIENT)
    accepting = flat(1, answer_rate=1.0).counselors
    scenario = dataclasses.replace(base, callers=patient, counselors=accepting)
    report = simulate(shipped, roster(*[EVERYONE] * 10), days=3, scenario=scenario)
    everyone = report.overall
    assert everyone.calls > 200
    assert everyone.service_level == 1.0
    assert everyone.abandoned == everyone.overflowed == everyone.callbacks == 0
    assert everyone.mean_delay is not None and everyone.mean_delay < 1.0
    assert everyone.mean_wait is not None and everyone.mean_wait < 15.0  # ringing only
    assert report.language_match == report.specialty_match == 1.0
    assert report.utilisation is not None and report.utilisation < 0.25


def test_too_few_counselors_waits_grow_and_erlang_c_calls_it_overloaded() -> None:
    """1.5 Erlangs on one counselor, callers who never hang up: the queue only grows."""
    unbounded = rules(relax=ANYONE, max_wait=FOREVER)
    one = roster(EVERYONE)
    load = flat(4.0)
    short = simulate(unbounded, one, days=1, scenario=load)
    longer = simulate(unbounded, one, days=4, scenario=load)
    assert longer.overall.still_waiting > 20  # still on hold a day after the last arrival
    assert short.overall.mean_wait is not None and longer.overall.mean_wait is not None
    assert longer.overall.mean_wait > 2.5 * short.overall.mean_wait
    erlang = longer.erlang
    assert erlang.overloaded_hours == erlang.hours
    assert erlang.p_wait == 1.0 and longer.overall.erlang_service_level == 0.0
    assert longer.overall.service_level is not None and longer.overall.service_level < 0.05


def test_routing_by_language_is_never_better_than_erlang_c_pooled() -> None:
    """Two English and one Mandarin counselor: split by language, they wait longer than
    one pool of three, which is what Erlang C assumes."""
    by_language = rules(relax=LANGUAGE_ONLY, max_wait=FOREVER)
    staff = roster(("en", ""), ("en", ""), ("zh", ""))
    load = flat(5.7, languages={"en": 0.7, "zh": 0.3}, talk_sigma=0.9)  # 2.1 E on 3
    report = simulate(by_language, staff, days=28, scenario=load)
    e = report.erlang
    assert e.overloaded_hours == 0
    assert e.p_wait_ratio is not None and e.p_wait_ratio > 0.97
    assert e.wait_ratio is not None and e.wait_ratio > 1.2
    assert e.period_wait_ratio is not None and e.period_wait_ratio > 1.2  # flat: the same pool
    assert report.overall.service_level is not None
    assert report.overall.erlang_service_level is not None
    assert report.overall.service_level < report.overall.erlang_service_level


def test_one_pool_with_patient_callers_matches_erlang_c() -> None:
    """The engine as a plain M/G/3 queue: P(wait) is Erlang C's; the mean wait too, as the
    handle time's coefficient of variation is near 1."""
    anyone = rules(relax=ANYONE, max_wait=FOREVER)
    report = simulate(
        anyone, roster(*[("en", "")] * 3), days=28, scenario=flat(5.7, talk_sigma=0.9)
    )
    e = report.erlang
    assert e.handle_cv == pytest.approx(1.0, abs=0.05)
    assert e.sim_p_wait == pytest.approx(e.p_wait, abs=0.05)
    assert e.wait_ratio is not None and 0.6 < e.wait_ratio < 1.5  # slow to settle: a wide band


def test_imminent_callers_are_served_before_standard_ones_under_load() -> None:
    loaded = rules(relax=ANYONE, max_wait=FOREVER)
    report = simulate(
        loaded,
        roster(EVERYONE, EVERYONE),
        days=14,
        scenario=flat(4.9, tiers={"imminent": 1, "urgent": 1, "standard": 1}),  # 0.9 E each
    )
    imminent, _, standard = report.tiers
    assert imminent.mean_wait is not None and standard.mean_wait is not None
    assert imminent.mean_wait * 4 < standard.mean_wait
    assert imminent.p90_wait is not None and standard.p90_wait is not None
    assert imminent.p90_wait < standard.p90_wait


def test_relaxation_gives_up_specialty_matches_to_shorten_waits() -> None:
    staff = roster(*[("en", topic) for topic in FOUR_TOPICS])
    load = flat(8.0, topics=dict.fromkeys(FOUR_TOPICS, 1.0))  # 3 Erlangs on 4 specialists
    strict = simulate(rules(relax=STRICT, max_wait=FOREVER), staff, days=14, scenario=load)
    relaxed = simulate(rules(max_wait=FOREVER), staff, days=14, scenario=load)
    assert strict.specialty_match == 1.0
    assert relaxed.specialty_match is not None and relaxed.specialty_match < 0.9
    assert strict.overall.mean_wait is not None and relaxed.overall.mean_wait is not None
    assert relaxed.overall.mean_wait < 0.7 * strict.overall.mean_wait


def test_the_same_seed_gives_the_same_report_and_another_seed_another() -> None:
    shipped = rules()
    people = shipped_roster(shipped)
    first = simulate(shipped, people, days=2, seed=7)
    assert simulate(shipped, people, days=2, seed=7) == first
    assert simulate(shipped, people, days=2, seed=8) != first


def test_callers_who_would_hang_up_ask_for_a_callback_when_it_is_offered() -> None:
    shipped = rules()
    one = roster(EVERYONE)
    hurried = {"imminent": 120.0, "urgent": 120.0, "standard": 120.0}
    taking = simulate(shipped, one, days=3, scenario=flat(3, patience=hurried))
    refusing = simulate(
        shipped, one, days=3, scenario=flat(3, patience=hurried, callback_take_up=0.0)
    )
    asked = taking.callbacks
    assert asked.requested > 10
    assert asked.reached + asked.failed + asked.pending == asked.requested
    assert asked.reached > 0
    assert refusing.callbacks.requested == 0
    assert refusing.overall.abandoned > taking.overall.abandoned


def test_compare_runs_the_rules_in_force_and_the_edit_on_the_same_callers() -> None:
    current = parse_rules(SHIPPED_RULES)
    people = shipped_roster(current)
    result = compare(SHIPPED_RULES, rules_text(relax=STRICT), people, days=2, seed=3)
    assert [t.calls for t in result.current.tiers] == [t.calls for t in result.proposed.tiers]
    assert result.current.rules_version != result.proposed.rules_version
    assert result.current == simulate(current, people, days=2, seed=3)
    assert result.proposed.specialty_match is not None
    assert result.current.specialty_match is not None
    assert result.proposed.specialty_match > result.current.specialty_match


def test_compare_refuses_a_broken_edit_naming_its_line() -> None:
    broken = SHIPPED_RULES.replace("max_wait: 120", "max_wait: soon", 1)
    line = SHIPPED_RULES.splitlines().index("    max_wait: 120") + 1
    with pytest.raises(InvalidFile) as refused:
        compare(SHIPPED_RULES, broken, shipped_roster(rules()), days=1)
    assert f"proposed rules:{line}:" in str(refused.value)


def test_a_week_on_the_shipped_rules_and_roster_is_plausible() -> None:
    shipped = rules()
    report = simulate(shipped, shipped_roster(shipped), days=7)
    assert 500 < report.overall.calls < 900  # 100 calls a day expected
    assert sum(t.calls for t in report.tiers) == report.overall.calls
    for t in (*report.tiers, report.overall):
        gone = t.answered + t.abandoned + t.overflowed + t.callbacks
        assert gone == t.calls  # nobody is left on hold at the end
    assert report.erlang.mean_agents == pytest.approx(
        sum(c.hours_on for c in report.counselors) / 168, rel=0.02
    )
    assert 0.2 < (report.utilisation or 0) < 0.8


def test_a_short_ring_for_danger_lets_a_missed_ring_pass_to_the_next_counselor_in_time() -> None:
    """Half the rings go unanswered: ringing 20 s spends the whole answer_within on one
    miss; the tier's own 10 s (every pickup comes within it) leaves time for the next."""
    long_ring = yaml.safe_load(rules_text(relax=ANYONE, max_wait=FOREVER))
    long_ring["tiers"]["imminent"].pop("ring_timeout", None)
    long_ring["tiers"]["imminent"]["ring_at_once"] = 1  # one phone at a time, here
    long_ring["offer"]["ring_timeout"] = 20
    short_ring = copy.deepcopy(long_ring)
    short_ring["tiers"]["imminent"]["ring_timeout"] = 10
    scenario = flat(2, tiers={"imminent": 1}, answer_rate=0.5)
    people = roster(*[EVERYONE] * 6)
    slow, quick = (
        simulate(parse_rules(yaml.safe_dump(doc)), people, days=7, scenario=scenario).tiers[0]
        for doc in (long_ring, short_ring)
    )
    assert slow.calls == quick.calls > 300, "the same callers"
    assert slow.service_level is not None and quick.service_level is not None
    assert slow.service_level < 0.55 and quick.service_level > slow.service_level + 0.07
    assert slow.mean_wait is not None and quick.mean_wait is not None
    assert quick.mean_wait < 0.8 * slow.mean_wait, (slow, quick)
