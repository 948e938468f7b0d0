"""A person in danger first, end to end: real `hotline run`, signed webhooks, the local
Twilio. The issue's case: the one counselor on shift ends a call and enters the 120 s
wrap-up; a caller presses 9 (in danger) and talks to that counselor within 20 s of joining
the queue; no caller in danger hears a wait longer than the imminent max_wait."""

from __future__ import annotations

import re
from pathlib import Path

from hotline.devdouble.demo.tally import wait_seconds
from hotline.devdouble.twilio import Caller, Phone, TwilioSim
from hotline.devdouble.twilio.legs import Leg
from hotline.routing.rules import load_rules
from tests.e2e.test_dispatch_sim import ANA, LI, ROSTER, _clean, _only, hotline_with_sim

SHIPPED_WRAP_UP = {"  wrap_up: 1\n": "  wrap_up: 120\n"}  # the harness shortens it to 1 s
MINUTES = re.compile(r"(\d+|a) minutes?")


def _hold_words(leg: Leg) -> list[str]:
    """What the caller heard on hold (after the menus), one sentence per entry."""
    holds = [
        i for i, e in enumerate(leg.transcript) if e.kind == "request" and "hold" in e.data["url"]
    ]
    first_hold = holds[0] if holds else len(leg.transcript)
    return [e.data["text"] for e in leg.transcript[first_hold:] if e.kind == "say"]


def _longest_said_seconds(words: list[str]) -> int:
    """The longest time in minutes any sentence names, in seconds ("a minute" is 60)."""
    found = [m.group(1) for w in words for m in MINUTES.finditer(w)]
    return max((60 * (1 if n == "a" else int(n)) for n in found), default=0)


def test_a_caller_in_danger_reaches_the_counselor_in_wrap_up_within_20_s(tmp_path: Path) -> None:
    with hotline_with_sim(tmp_path, _only(ROSTER, "Ana"), rules_edits=SHIPPED_WRAP_UP) as sim:
        rules = load_rules(tmp_path / "rules.yaml")
        imminent = rules.tiers["imminent"]
        assert rules.offer.wrap_up == 120 and "imminent" in rules.offer.wrap_up_yields_to
        ana = sim.add_phone(Phone(ANA, accept_key="1", hang_up_after=200))  # 2 s of talk
        # Ana, alone on shift, answers a caller; the call ends: she is in wrap-up (120 s).
        first = sim.place_call(Caller("+14155550190", digits=["1", "7"]))
        sim.wait_for(lambda: first.bridged_with == ANA, timeout=60)
        sim.wait_for(lambda: _all_finished(sim, ana.number), timeout=60)
        # A standard caller now waits: nobody takes them while Ana writes her wrap-up.
        standard = sim.place_call(Caller("+14155550191", digits=["1", "7"]))
        sim.wait_for(lambda: len(standard.events("pause")) >= 5, timeout=60)
        assert standard.bridged_with is None
        # A caller presses 9: in danger.
        danger = sim.place_call(Caller("+14155550192", digits=["9"]))
        sim.wait_for(lambda: danger.bridged_with == ANA, timeout=60)
        reached = wait_seconds(danger)
        assert reached is not None and reached <= imminent.answer_within, reached
        assert standard.bridged_with is None, "Ana's wrap-up yielded to danger, not to them"
        # A second caller in danger while Ana talks: they wait, and hear only the truth.
        second = sim.place_call(Caller("+14155550193", digits=["9"]))
        sim.wait_for(lambda: len(second.events("pause")) >= 3, timeout=60)
        sim.wait_for(lambda: second.bridged_with == ANA, timeout=60)
        reached_second = wait_seconds(second)
        assert reached_second is not None and reached_second <= imminent.answer_within
        heard = _hold_words(danger) + _hold_words(second)
        assert any("A person will answer within" in w for w in _hold_words(second))
        assert _longest_said_seconds(heard) <= imminent.max_wait
        assert not any("wait is" in w or "called back" in w for w in heard)
        print(
            f"\nin danger, joined the queue while the only counselor was in wrap-up: "
            f"talking to her after {reached:.1f} s (target {imminent.answer_within} s); "
            f"the next, while she talked: {reached_second:.1f} s; longest time said on "
            f"hold: {_longest_said_seconds(heard)} s (max_wait {imminent.max_wait} s)"
        )
        log = (tmp_path / "hotline.log").read_text(errors="replace")
        assert "wrap-up paused for a caller who cannot wait" in log
        _clean(sim)


def _all_finished(sim: TwilioSim, number: str) -> bool:
    legs = [leg for leg in sim.calls if leg.to == number]
    return bool(legs) and all(leg.finished for leg in legs)


def test_a_caller_in_danger_rings_two_counselors_at_once_and_the_one_who_answers_takes_it(
    tmp_path: Path,
) -> None:
    """Ana and Li are free; Li's phone rings out. With the shipped ring_at_once: 2 both
    phones ring at once, so the caller talks to Ana within the 10 s one ring of Li would
    have cost, and Li's ring is not left to run out: it is stopped, or ends unanswered."""
    on_call = "\n".join(line for line in ROSTER.splitlines() if "name: Zhang" not in line)
    with hotline_with_sim(tmp_path, on_call) as sim:
        rules = load_rules(tmp_path / "rules.yaml")
        imminent = rules.tiers["imminent"]
        assert imminent.ring_at_once == 2 and imminent.ring_timeout == 10
        sim.add_phone(Phone(ANA, answer_after=2.0, hang_up_after=5))
        sim.add_phone(Phone(LI, answer=False))
        danger = sim.place_call(Caller("+14155550194", digits=["9"]))
        sim.wait_for(lambda: danger.bridged_with == ANA, timeout=60)
        reached = wait_seconds(danger)
        assert reached is not None and reached < imminent.ring_timeout, reached
        rung_li = [leg for leg in sim.calls if leg.to == LI]
        assert len(rung_li) == 1, "Li was rung beside Ana, once"
        sim.wait_for(lambda: _all_finished(sim, LI), timeout=30)
