"""Wrap-up yields to danger: a counselor in wrap-up is offered only the tiers the rules name."""

from __future__ import annotations

import dataclasses
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from hotline.routing.match import Counselor, CounselorState, WaitingCall, plan
from hotline.routing.policy import TIER_NAMES, Rules
from hotline.routing.relax import assess, may_take
from hotline.routing.rules import load_rules
from hotline.routing.snapshot import on_call_summary

SHIPPED = load_rules(Path(__file__).resolve().parents[3] / "routing_rules.yaml")
NOW = 1_000_000.0
AVAILABLE, WRAP_UP = CounselorState.AVAILABLE, CounselorState.WRAP_UP
TOPICS = ["suicide", "youth", "general"]


def with_yielding(tiers: frozenset[str], rules: Rules = SHIPPED) -> Rules:
    offer = dataclasses.replace(rules.offer, wrap_up_yields_to=tiers)
    return dataclasses.replace(rules, offer=offer, version=f"{rules.version}-{sorted(tiers)}")


def counselor(
    cid: str, state: CounselorState, *, idle: float = 100.0, until: float | None = None
) -> Counselor:
    return Counselor(cid, frozenset({"en"}), frozenset({"suicide"}), state, NOW - idle, until)


def call(cid: str, tier: str, *, waited: float = 5.0, callback: bool = False) -> WaitingCall:
    return WaitingCall(cid, tier, NOW - waited, "en", "suicide", callback=callback)


def test_shipped_rules_offer_an_imminent_caller_to_the_counselor_in_wrap_up() -> None:
    assert SHIPPED.offer.wrap_up_yields_to == frozenset({"imminent"})
    offers = plan(NOW, [call("k1", "imminent")], [counselor("c1", WRAP_UP)], SHIPPED).offers
    assert [(o.call_id, o.counselor_id) for o in offers] == [("k1", "c1")]


def test_urgent_and_standard_callers_wait_for_the_wrap_up_to_end() -> None:
    calls = [call("k1", "urgent"), call("k2", "standard")]
    result = plan(NOW, calls, [counselor("c1", WRAP_UP)], SHIPPED)
    assert result.offers == ()
    assert result.overflows == ()


def test_an_empty_list_turns_yielding_off_and_a_wider_one_widens_it() -> None:
    roster = [counselor("c1", WRAP_UP)]
    off = with_yielding(frozenset())
    assert plan(NOW, [call("k1", "imminent")], roster, off).offers == ()
    wide = with_yielding(frozenset({"imminent", "urgent"}))
    assert [o.call_id for o in plan(NOW, [call("k2", "urgent")], roster, wide).offers] == ["k2"]


def test_a_free_counselor_is_offered_before_anyone_is_taken_out_of_wrap_up() -> None:
    roster = [counselor("c1", WRAP_UP, idle=900), counselor("c2", AVAILABLE, idle=1)]
    offers = plan(NOW, [call("k1", "imminent")], roster, SHIPPED).offers
    assert [o.counselor_id for o in offers] == ["c2"]


def test_the_wrap_up_nearest_its_end_is_paused_first() -> None:
    roster = [
        counselor("c1", WRAP_UP, idle=900, until=NOW + 100),
        counselor("c2", WRAP_UP, idle=10, until=NOW + 30),
    ]
    offers = plan(NOW, [call("k1", "imminent")], roster, SHIPPED).offers
    assert [o.counselor_id for o in offers] == ["c2"]


def test_an_imminent_callback_does_not_interrupt_a_wrap_up() -> None:
    callback = call("k1", "imminent", callback=True)
    assert plan(NOW, [callback], [counselor("c1", WRAP_UP)], SHIPPED).offers == ()


def test_a_call_keeps_the_yielding_of_the_rules_it_entered_with() -> None:
    old = with_yielding(frozenset())
    entered = dataclasses.replace(call("k1", "imminent"), rules_version=old.version)
    roster = [counselor("c1", WRAP_UP)]

    def rules_for(version: str) -> Rules:
        return old if version == old.version else SHIPPED

    assert plan(NOW, [entered], roster, SHIPPED, rules_for=rules_for).offers == ()


# Properties on random rosters, queues and rules.

yieldings = st.sets(st.sampled_from(TIER_NAMES)).map(frozenset)


@st.composite
def rosters(draw: st.DrawFn) -> list[Counselor]:
    return [
        Counselor(
            f"c{i}",
            frozenset(draw(st.sets(st.sampled_from(["en", "zh"]), min_size=1))),
            frozenset(draw(st.sets(st.sampled_from(TOPICS), max_size=2))),
            draw(st.sampled_from([AVAILABLE, WRAP_UP, WRAP_UP, CounselorState.ON_CALL])),
            NOW - draw(st.floats(0, 900)),
            draw(st.none() | st.floats(NOW, NOW + 120)),
        )
        for i in range(draw(st.integers(0, 6)))
    ]


@st.composite
def queues(draw: st.DrawFn) -> list[WaitingCall]:
    return [
        WaitingCall(
            f"k{i}",
            draw(st.sampled_from(TIER_NAMES)),
            NOW - draw(st.sampled_from([0.0, 5.0, 20.0, 50.0, 100.0, 200.0]) | st.floats(0, 900)),
            draw(st.sampled_from(["en", "zh"])),
            draw(st.sampled_from(TOPICS)),
            callback=draw(st.booleans()),
        )
        for i in range(draw(st.integers(0, 10)))
    ]


@settings(max_examples=300)
@given(rosters(), queues(), yieldings)
def test_no_call_takes_a_counselor_out_of_wrap_up_unless_the_rules_say_so(
    roster: list[Counselor], calls: list[WaitingCall], yields_to: frozenset[str]
) -> None:
    """Standard and urgent calls (any tier the rules leave out) never interrupt a wrap-up;
    a named tier does only when no free counselor could take the call, and never twice."""
    rules = with_yielding(yields_to)
    result = plan(NOW, calls, roster, rules)
    by_id = {c.counselor_id: c for c in roster}
    by_call = {k.call_id: k for k in calls}
    on_call = on_call_summary(roster)
    taken = [o.counselor_id for o in result.offers]
    assert len(taken) == len(set(taken))  # nobody is offered two calls
    for offer in result.offers:
        chosen, waiting = by_id[offer.counselor_id], by_call[offer.call_id]
        assert chosen.state in (AVAILABLE, WRAP_UP)
        if chosen.state is WRAP_UP:
            assert waiting.tier in yields_to and not waiting.callback
            standing = assess(NOW, waiting, rules, on_call)
            for other in roster:  # nobody free who could take it was left unoffered
                if other.state is AVAILABLE and other.counselor_id not in taken:
                    assert not may_take(other, waiting, standing)


@settings(max_examples=300)
@given(rosters(), queues(), yieldings)
def test_a_caller_of_a_yielding_tier_is_not_left_waiting_beside_a_wrap_up(
    roster: list[Counselor], calls: list[WaitingCall], yields_to: frozenset[str]
) -> None:
    rules = with_yielding(yields_to)
    result = plan(NOW, calls, roster, rules)
    handled = {o.call_id for o in result.offers} | set(result.overflows)
    busy = {o.counselor_id for o in result.offers}
    on_call = on_call_summary(roster)
    for waiting in calls:
        if waiting.call_id in handled or waiting.callback or waiting.tier not in yields_to:
            continue
        standing = assess(NOW, waiting, rules, on_call)
        for c in roster:
            if c.state is WRAP_UP and c.counselor_id not in busy:
                assert not may_take(c, waiting, standing)


@settings(max_examples=200)
@given(rosters(), queues())
def test_with_yielding_off_the_plan_is_the_plan_without_anyone_in_wrap_up(
    roster: list[Counselor], calls: list[WaitingCall]
) -> None:
    rules = with_yielding(frozenset())
    away = [dataclasses.replace(c, state=CounselorState.ON_CALL) if c.state is WRAP_UP else c
            for c in roster]  # fmt: skip
    assert plan(NOW, calls, roster, rules) == plan(NOW, calls, away, rules)
