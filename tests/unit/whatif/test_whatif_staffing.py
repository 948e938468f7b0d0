"""Staffing advice: square-root staffing refined by simulation, and cross-training ideas."""

from __future__ import annotations

import random

import pytest

from hotline.whatif.cross_training import suggest
from hotline.whatif.runner import default_start
from hotline.whatif.staffing import (
    advise,
    grid_roster,
    halfin_whitt_beta,
    roster_grid,
    square_root_staffing,
)
from hotline.whatif.staffing_text import render_staffing
from tests.unit.whatif.whatif_support import flat, roster, rules

PATIENCE = {"imminent": 300.0, "urgent": 300.0, "standard": 300.0}
LANGUAGE_THEN_ANYONE = [{"require": ["language"], "after": 0}, {"require": [], "after": 30}]


def test_halfin_whitt_beta() -> None:
    """beta = 1 lets 1 / (1 + Phi(1) / phi(1)) = 22.3 % of callers wait."""
    assert halfin_whitt_beta(1 - 0.2234) == pytest.approx(1.0, abs=1e-3)
    assert halfin_whitt_beta(0.9) > halfin_whitt_beta(0.8) > 0
    assert square_root_staffing(0.0, 1.5) == 1, "a language is never left uncovered"
    assert square_root_staffing(9.0, 1.0) == 12


def test_an_advised_grid_is_a_roster_with_the_same_counselors_on_shift() -> None:
    draw = random.Random(7)
    grid = {"en": [draw.randint(0, 3) for _ in range(168)], "zh": [draw.choice((0, 1))] * 168}
    zone = "America/Los_Angeles"
    back = roster_grid(grid_roster(grid, zone), ("en", "zh"), default_start(zone))
    assert back == grid


def test_one_counselor_for_a_busy_line_is_advised_more_and_the_advice_meets_the_target() -> None:
    """2 calls an hour of about 22 minutes on one English counselor: short every hour."""
    known = rules(relax=LANGUAGE_THEN_ANYONE)
    one = roster(("en", "suicide"), rules_=known)
    load = flat(2.0, patience=PATIENCE)
    advice = advise(known, one, target=0.8, scenario=load, weeks=1, rounds=4)
    assert len(advice.short("en")) == 168
    assert advice.meets_target, render_staffing(advice, ())
    for h in advice.check.headline[:-1]:
        assert (h.rules.service_level or 0.0) >= 0.8
    assert (advice.baseline.overall.service_level or 0.0) < 0.6
    assert "meets the target of 80.0% for every tier" in render_staffing(advice, ())


def test_the_second_language_that_covers_the_gap_is_suggested_first() -> None:
    """A third of the calls in Mandarin and nobody who speaks it: teaching it to one of the
    two English counselors is the idea, and it puts callers with someone in their language."""
    known = rules(relax=LANGUAGE_THEN_ANYONE)
    staff = roster(("en", ""), ("en", ""), rules_=known)
    load = flat(1.5, languages={"en": 0.67, "zh": 0.33}, patience=PATIENCE)
    advice = advise(known, staff, target=0.8, scenario=load, weeks=1, rounds=0)
    assert len(advice.short("zh")) == 168
    ideas = suggest(advice, known, staff, scenario=load)
    best = ideas[0]
    assert best.language == "zh" and best.short_hours == 168
    assert best.language_match is not None and advice.baseline.language_match is not None
    assert best.language_match > advice.baseline.language_match + 0.15
