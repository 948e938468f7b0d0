"""The pooled ideal: the same callers run again with every counselor taking any call at once."""

from __future__ import annotations

import json

import pytest

from hotline.whatif import simulate
from hotline.whatif.text import render, to_json
from tests.unit.whatif.whatif_support import flat, roster, rules

STRICT_LANGUAGE = [{"require": ["language"], "after": 0}]
ANYONE = [{"require": [], "after": 0}]
SPLIT = (("en", ""), ("en", ""), ("zh", ""))
PATIENCE_5_MIN = {"imminent": 300.0, "urgent": 300.0, "standard": 300.0}


def test_rules_that_already_pool_everyone_are_the_ideal() -> None:
    report = simulate(rules(relax=ANYONE), roster(*SPLIT), days=3, scenario=flat(4.0))
    for h in report.headline:
        assert h.rules == h.ideal
        assert h.service_level_ratio == pytest.approx(1.0)


def test_waiting_for_a_language_costs_against_the_ideal_on_the_same_calls() -> None:
    """Two English and one Mandarin counselor, a third of the calls in Mandarin: the rules
    that wait for the language leave Mandarin callers waiting while English counselors sit
    free; the ideal does not."""
    load = flat(5.0, languages={"en": 0.67, "zh": 0.33}, patience=PATIENCE_5_MIN)
    report = simulate(rules(relax=STRICT_LANGUAGE), roster(*SPLIT), days=7, scenario=load)
    everyone = report.headline[-1]
    assert everyone.rules.calls == everyone.ideal.calls == report.overall.calls
    assert everyone.service_level_ratio is not None and everyone.service_level_ratio < 0.95
    assert everyone.p_wait_ratio is not None and everyone.p_wait_ratio > 1.1
    assert everyone.rules.hung_up > everyone.ideal.hung_up
    assert report.language_match == 1.0


def test_hang_ups_match_the_waits_as_erlang_a_says() -> None:
    """Exponential patience: the hang-ups of a run agree with the sum of the waits over the
    mean patience (a check of the simulation's impatience, not a figure it is fitted to)."""
    load = flat(6.0, patience={"imminent": 120.0, "urgent": 240.0, "standard": 480.0})
    report = simulate(rules(relax=ANYONE), roster(*SPLIT), days=14, scenario=load)
    everyone = report.headline[-1].rules
    assert everyone.hung_up > 300
    assert everyone.hung_up == pytest.approx(everyone.expected_hung_up, rel=0.12)


def test_json_holds_exactly_the_headline_keys() -> None:
    report = simulate(rules(), roster(*SPLIT), days=1, scenario=flat(3.0, patience=PATIENCE_5_MIN))
    figures = json.loads(to_json(report))
    assert set(figures) == {
        "calls",
        "language_match",
        "mean_wait_s",
        "abandoned_share",
        "expected_abandoned_share",
        "tiers",
    }
    assert list(figures["tiers"]) == ["imminent", "urgent", "standard"]
    for tier in figures["tiers"].values():
        assert set(tier) == {
            "calls",
            "service_level",
            "ideal_service_level",
            "p_wait",
            "ideal_p_wait",
            "erlang_a_p_wait",
            "abandoned_share",
        }
    assert figures["calls"] == sum(t["calls"] for t in figures["tiers"].values())
    assert "Against the pooled ideal" in render(report)
