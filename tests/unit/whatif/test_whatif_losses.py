"""Where a tier's late calls lost their time: waiting for a counselor, or in the ringing."""

from __future__ import annotations

from collections import Counter

import yaml

from hotline.routing.policy import Rules
from hotline.routing.rules import parse_rules
from hotline.whatif import simulate
from hotline.whatif.losses import (
    CAUSES,
    HUNG_UP_RINGING,
    HUNG_UP_WAITING,
    NO_COUNSELOR,
    RING_UNANSWERED,
    losses,
)
from hotline.whatif.report import Report
from tests.unit.whatif.whatif_support import FOREVER, flat, roster, rules, rules_text

ANYONE = [{"require": [], "after": 0}]
IMPATIENT = {"imminent": 120.0, "urgent": 120.0, "standard": 120.0}


def _late(report: Report, known: Rules) -> dict[str, Counter[str]]:
    return {
        tier: losses(report.outcomes, tier, known.tier_for(tier).answer_within)
        for tier in known.tier_order
    }


def test_one_counselor_for_a_busy_line_loses_its_callers_waiting_not_ringing() -> None:
    """Every ring is answered, nobody hangs up or is dialled through: a late call only ever
    waited for the one counselor, and every late call has that cause."""
    known = rules(relax=ANYONE, max_wait=FOREVER)
    report = simulate(known, roster(("en", ""), rules_=known), days=2, seed=3,
                      scenario=flat(4.0, answer_rate=1.0), ideal=False)  # fmt: skip
    late = _late(report, known)
    assert sum(late["standard"].values()) > 10
    for tier, found in late.items():
        assert set(found) <= {NO_COUNSELOR}, (tier, found)
        missed = [
            o for o in report.outcomes
            if o.caller.tier == tier and o.result == "answered"
            and o.left_at is not None
            and o.left_at - o.caller.at > known.tier_for(tier).answer_within
        ]  # fmt: skip
        assert found[NO_COUNSELOR] == len(missed)


def test_counselors_to_spare_who_miss_rings_lose_callers_in_the_ringing() -> None:
    """Eight counselors for a quiet line, half the rings unanswered: nobody waits for a
    counselor; the late are answered after an unanswered ring, or hung up once rung."""
    doc = yaml.safe_load(rules_text(relax=ANYONE))
    doc["tiers"]["imminent"]["ring_at_once"] = 1  # one phone at a time: misses cost time
    known = parse_rules(yaml.safe_dump(doc))
    staff = roster(*[("en", "")] * 8, rules_=known)
    report = simulate(known, staff, days=3, seed=5,
                      scenario=flat(2.0, answer_rate=0.5, patience=IMPATIENT),
                      ideal=False)  # fmt: skip
    found: Counter[str] = Counter()
    for tier_losses in _late(report, known).values():
        found += tier_losses
    assert found[RING_UNANSWERED] > 5
    assert found[HUNG_UP_RINGING] > 0
    assert found[NO_COUNSELOR] == 0
    assert found[HUNG_UP_WAITING] == 0
    assert set(found) <= set(CAUSES)
