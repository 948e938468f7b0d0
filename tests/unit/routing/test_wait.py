"""What the hold message says about time: an estimate from live state, never past the
caller's own overflow, and to a caller in danger only when a person will answer."""

from __future__ import annotations

import math
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from hotline.routing.policy import TIER_NAMES
from hotline.routing.rules import load_rules
from hotline.routing.snapshot import Counselor, CounselorState, WaitingCall
from hotline.routing.wait import (
    SAY_NOTHING,
    SOONEST_SAID,
    Announcement,
    CallTimes,
    announce,
    expected_wait,
)

RULES = load_rules(Path(__file__).resolve().parents[3] / "routing_rules.yaml")
NOW = 1_000_000.0
TIMES = CallTimes(talk=20 * 60, wrap_up=RULES.offer.wrap_up)
S = CounselorState


def counselor(
    cid: str, state: CounselorState, *, languages: str = "en", until: float = 0.0
) -> Counselor:
    return Counselor(
        cid, frozenset(languages.split()), frozenset({"suicide"}), state, NOW - 600,
        until or None,
    )  # fmt: skip


def caller(cid: str, tier: str, *, waited: float = 0.0, language: str = "en") -> WaitingCall:
    return WaitingCall(cid, tier, NOW - waited, language, "general")


def said(me: WaitingCall, queue: list[WaitingCall], roster: list[Counselor]) -> Announcement:
    seconds = expected_wait(NOW, me, queue, roster, RULES, TIMES)
    return announce(NOW, me, RULES, seconds)


def test_a_caller_in_danger_hears_no_minutes_only_that_a_person_answers_within_two() -> None:
    """The issue's case: the only counselor is in wrap-up; the caller pressed 9."""
    roster = [counselor("ana", S.WRAP_UP, until=NOW + 115)]
    me = caller("k1", "imminent", waited=2)
    assert said(me, [me], roster) == Announcement(within=2)
    second = caller("k2", "imminent", waited=1)
    assert said(second, [me, second], roster) == Announcement(within=2)
    later = caller("k3", "imminent", waited=70)
    assert said(later, [later], roster) == Announcement(within=1)


def test_a_caller_in_danger_is_expected_at_once_by_a_counselor_in_wrap_up() -> None:
    roster = [counselor("ana", S.WRAP_UP, until=NOW + 115)]
    me = caller("k1", "imminent")
    assert expected_wait(NOW, me, [me], roster, RULES, TIMES) == 0.0
    standard = caller("k2", "standard")
    assert expected_wait(NOW, standard, [standard], roster, RULES, TIMES) == 115.0


def test_a_wait_past_the_overflow_is_said_as_when_a_person_answers() -> None:
    """One counselor talking: the second standard caller would wait 34 minutes, but at 15
    they are dialled through to a person: that is what they hear."""
    roster = [counselor("ana", S.ON_CALL)]
    first, me = caller("k1", "standard", waited=30), caller("k2", "standard")
    assert said(me, [first, me], roster) == Announcement(within=15)


def test_an_honest_estimate_is_said_in_minutes() -> None:
    roster = [counselor("ana", S.WRAP_UP, until=NOW + 90)]
    me = caller("k1", "standard")
    assert said(me, [me], roster) == Announcement(minutes=2)
    busy = [counselor("ana", S.ON_CALL), counselor("li", S.ON_CALL)]
    assert said(me, [me], busy) == Announcement(minutes=15), "12 minutes, up to 15"


def test_nothing_is_said_when_a_counselor_is_about_to_be_offered() -> None:
    me = caller("k1", "standard")
    assert said(me, [me], [counselor("ana", S.AVAILABLE)]) == Announcement()


def test_the_relaxation_steps_count_a_counselor_who_may_take_the_call_later() -> None:
    """A Mandarin urgent caller; the Mandarin speaker is talking (free in 12 minutes), an
    English speaker is free: theirs from the rules' last step on (45 s as shipped)."""
    me = caller("k1", "urgent", language="zh")
    roster = [counselor("ana", S.AVAILABLE), counselor("li", S.ON_CALL, languages="zh")]
    anyone = RULES.tiers["urgent"].relax[-1].after
    assert anyone < 12 * 60
    assert expected_wait(NOW, me, [me], roster, RULES, TIMES) == float(anyone)
    soon = SAY_NOTHING if anyone < SOONEST_SAID else Announcement(minutes=math.ceil(anyone / 60))
    assert said(me, [me], roster) == soon, "under a minute: nothing said, an offer is near"


def test_callers_ahead_in_priority_order_come_first_whatever_their_arrival() -> None:
    roster = [counselor("ana", S.WRAP_UP, until=NOW + 60)]
    me = caller("k1", "standard", waited=100)
    urgent = caller("k2", "urgent", waited=1)  # came later, goes first
    short = CallTimes(talk=300, wrap_up=120)
    assert expected_wait(NOW, me, [me, urgent], roster, RULES, short) == 60 + 420
    assert expected_wait(NOW, me, [me, urgent], roster, RULES, TIMES) is None, "past 800 s"


def test_nobody_on_call_who_could_ever_take_them_is_said_as_the_overflow() -> None:
    me = caller("k1", "standard")
    assert expected_wait(NOW, me, [me], [counselor("ana", S.AWAY)], RULES, TIMES) is None
    assert said(me, [me], []) == Announcement(within=15)


# Properties on random queues and rosters.

STATES = [S.AVAILABLE, S.WRAP_UP, S.ON_CALL, S.RINGING, S.AWAY]


@st.composite
def rosters(draw: st.DrawFn) -> list[Counselor]:
    return [
        Counselor(
            f"c{i}",
            frozenset(draw(st.sets(st.sampled_from(["en", "zh"]), min_size=1))),
            frozenset(draw(st.sets(st.sampled_from(["suicide", "youth"])))),
            draw(st.sampled_from(STATES)),
            NOW - draw(st.floats(0, 900)),
            NOW + draw(st.floats(0, 300)),
        )
        for i in range(draw(st.integers(0, 5)))
    ]


@st.composite
def queues(draw: st.DrawFn) -> list[WaitingCall]:
    return [
        WaitingCall(
            f"k{i}",
            draw(st.sampled_from(TIER_NAMES)),
            NOW - draw(st.floats(0, 1000)),
            draw(st.sampled_from(["en", "zh"])),
            draw(st.sampled_from(["suicide", "youth", "general"])),
        )
        for i in range(draw(st.integers(1, 12)))
    ]


@settings(max_examples=400)
@given(queues(), rosters(), st.floats(60, 3600), st.data())
def test_the_announced_wait_never_exceeds_the_time_left_before_the_overflow(
    queue: list[WaitingCall], roster: list[Counselor], talk: float, data: st.DataObject
) -> None:
    me = data.draw(st.sampled_from(queue))
    times = CallTimes(talk=talk, wrap_up=RULES.offer.wrap_up)
    seconds = expected_wait(NOW, me, queue, roster, RULES, times)
    heard = announce(NOW, me, RULES, seconds)
    left = me.entered_at + RULES.tiers[me.tier].max_wait - NOW
    assert heard.minutes is None or heard.within is None
    if heard.minutes is not None:
        assert heard.minutes * 60 <= left, "a wait is said only if it ends before the overflow"
        assert seconds is not None and heard.minutes * 60 >= seconds, "and never too short"
        assert me.tier != "imminent", "to a caller in danger, no minutes"
    if heard.within is not None:
        # a person answers by the overflow: the least whole number of minutes that is true
        assert heard.within == max(1, math.ceil(left / 60))
    if left > 0 and me.tier == "imminent":
        assert heard.minutes is None and heard.within is not None
    if left <= 0:
        assert heard == Announcement()
