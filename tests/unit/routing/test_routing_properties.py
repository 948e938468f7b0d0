"""Properties of the matcher on random rosters and queues, checked against a plain reference."""

from __future__ import annotations

from pathlib import Path

from hypothesis import example, given, settings
from hypothesis import strategies as st

from hotline.routing.index import QueueIndex, best_call_for
from hotline.routing.match import Counselor, CounselorState, Offer, Plan, WaitingCall, plan
from hotline.routing.policy import GENERAL, RelaxStep
from hotline.routing.relax import assess, may_take
from hotline.routing.rules import load_rules
from hotline.routing.snapshot import ON_CALL_STATES, on_call_summary

RULES = load_rules(Path(__file__).resolve().parents[3] / "routing_rules.yaml")
NOW = 1_000_000.0
LANGUAGES = ["en", "zh", "yue", "wuu", "fr"]  # fr: a language no rule knows, still routed
TOPICS = list(RULES.specialties)
AVAILABLE = CounselorState.AVAILABLE

ages = st.one_of(st.integers(0, 1000).map(float), st.floats(0, 1000, allow_nan=False))
# ages near the shipped rules' step, preference and max_wait times, where decisions flip
call_ages = (
    st.sampled_from([0.0, 10.0, 19.9, 20.0, 30.0, 44.0, 45.0, 59.9, 60.0, 100.0, 120.0, 180.0])
    | ages
)
languages = st.sampled_from(["en", "zh", "wuu"]) | st.sampled_from(LANGUAGES)
topics = st.sampled_from(["suicide", "youth", GENERAL]) | st.sampled_from(TOPICS)


@st.composite
def rosters(draw: st.DrawFn) -> list[Counselor]:
    size = draw(st.integers(0, 8))
    return [
        Counselor(
            f"c{i}",
            frozenset(draw(st.sets(st.sampled_from(LANGUAGES), max_size=2))),
            frozenset(draw(st.sets(st.sampled_from(TOPICS), max_size=3))),
            draw(st.sampled_from(list(CounselorState))),
            NOW - draw(st.sampled_from([0.0, 10.0, 100.0, 500.0]) | ages),
        )
        for i in range(size)
    ]


@st.composite
def queues(draw: st.DrawFn) -> list[WaitingCall]:
    size = draw(st.integers(0, 15))
    return [
        WaitingCall(
            f"k{i}",
            draw(st.sampled_from(RULES.tier_order)),
            NOW - draw(call_ages),
            draw(languages),
            draw(topics),
            draw(st.none() | st.sampled_from(["c0", "c1", "c2", "ghost"])),
        )
        for i in range(size)
    ]


def fits(counselor: Counselor, call: WaitingCall, step: RelaxStep) -> bool:
    understood = {call.language}
    if step.fallback_language:  # wuu callers also understand Mandarin
        understood |= set(
            RULES.languages[call.language].fallback if call.language in RULES.languages else ()
        )
    needs = step.language or step.fallback_language
    speaks = not needs or bool(understood & counselor.languages)
    knows = not step.specialty or call.topic == GENERAL or call.topic in counselor.specialties
    return speaks and knows


def reference_step(now: float, call: WaitingCall, roster: list[Counselor]) -> int | None:
    """The relax step in force, written plainly: None if no step can be served by anyone."""
    steps = RULES.tiers[call.tier].relax
    on_call = [c for c in roster if c.state in ON_CALL_STATES]
    k = max(i for i, s in enumerate(steps) if s.after <= now - call.entered_at or i == 0)
    while k < len(steps) and not any(fits(c, call, steps[k]) for c in on_call):
        k += 1
    return k if k < len(steps) else None


def reference_overflow(now: float, call: WaitingCall, roster: list[Counselor]) -> bool:
    on_call_ids = {c.counselor_id for c in roster if c.state in ON_CALL_STATES}
    if now - call.entered_at >= RULES.tiers[call.tier].max_wait:
        return True
    return reference_step(now, call, roster) is None and call.preferred_counselor not in on_call_ids


def reference_eligible(
    now: float, call: WaitingCall, c: Counselor, roster: list[Counselor]
) -> bool:
    if reference_overflow(now, call, roster):
        return False
    if call.preferred_counselor == c.counselor_id:
        return True
    on_call_ids = {x.counselor_id for x in roster if x.state in ON_CALL_STATES}
    waiting_for_preferred = now - call.entered_at < RULES.counselor_choice.prefer_counselor_for
    if call.preferred_counselor in on_call_ids and waiting_for_preferred:
        return False
    step = reference_step(now, call, roster)
    return step is not None and fits(c, call, RULES.tiers[call.tier].relax[step])


def queue_order(call: WaitingCall) -> tuple[int, float, str]:
    return (RULES.tier_order.index(call.tier), call.entered_at, call.call_id)


def make_plan(calls: list[WaitingCall], roster: list[Counselor]) -> Plan:
    return plan(NOW, calls, roster, RULES)


def leads(result: Plan) -> list[Offer]:
    """Each call's first offer (companions ring beside it: ring_at_once)."""
    return [o for o in result.offers if not o.companion]


@settings(max_examples=100)
@given(rosters(), queues())
def test_offers_are_one_to_one_to_available_eligible_counselors(
    roster: list[Counselor], calls: list[WaitingCall]
) -> None:
    result = make_plan(calls, roster)
    by_id = {c.counselor_id: c for c in roster}
    call_by_id = {c.call_id: c for c in calls}
    counselor_ids = [o.counselor_id for o in result.offers]
    call_ids = [o.call_id for o in leads(result)]
    assert len(set(counselor_ids)) == len(counselor_ids)
    assert len(set(call_ids)) == len(call_ids)
    assert not set(call_ids) & set(result.overflows)
    for offer in result.offers:
        c, call = by_id[offer.counselor_id], call_by_id[offer.call_id]
        in_danger = call.tier == "imminent" and not call.callback
        assert c.state is AVAILABLE or (c.state is CounselorState.WRAP_UP and in_danger)
        assert reference_eligible(NOW, call, c, roster)
    expected_overflows = {k.call_id for k in calls if reference_overflow(NOW, k, roster)}
    assert set(result.overflows) == expected_overflows


@settings(max_examples=100)
@given(rosters(), queues())
def test_no_call_is_passed_over(roster: list[Counselor], calls: list[WaitingCall]) -> None:
    """No unserved call ranks ahead of a served one whose counselor it could have had."""
    result = make_plan(calls, roster)
    by_id = {c.counselor_id: c for c in roster}
    call_by_id = {c.call_id: c for c in calls}
    served = {o.call_id: o.counselor_id for o in leads(result)}
    unserved = [k for k in calls if k.call_id not in served and k.call_id not in result.overflows]
    given_away = {o.counselor_id for o in result.offers}
    for waiting in unserved:
        for call_id, counselor_id in served.items():
            if queue_order(waiting) < queue_order(call_by_id[call_id]):
                assert not reference_eligible(NOW, waiting, by_id[counselor_id], roster)
        for c in roster:
            if c.state is AVAILABLE and c.counselor_id not in given_away:
                assert not reference_eligible(NOW, waiting, c, roster)
        for extra in result.offers:
            if extra.companion:  # rung beside a lead: nobody a waiting caller could have had
                assert not reference_eligible(NOW, waiting, by_id[extra.counselor_id], roster)


@settings(max_examples=100)
@given(rosters(), queues())
def test_companions_ring_only_beside_a_lead_for_a_tier_that_rings_at_once(
    roster: list[Counselor], calls: list[WaitingCall]
) -> None:
    """A caller in danger rings as many free counselors at once as the tier says, each
    one who may take them; a callback or another tier rings one."""
    result = make_plan(calls, roster)
    by_id = {c.counselor_id: c for c in roster}
    call_by_id = {c.call_id: c for c in calls}
    offered = {o.counselor_id for o in result.offers}
    for lead in leads(result):
        call = call_by_id[lead.call_id]
        at_once = 1 if call.callback else RULES.tier_for(call.tier).ring_at_once
        rung = [o for o in result.offers if o.call_id == lead.call_id]
        assert len(rung) <= at_once
        for extra in rung[1:]:
            assert extra.companion and by_id[extra.counselor_id].state is AVAILABLE
            assert reference_eligible(NOW, call, by_id[extra.counselor_id], roster)
        left = [
            c
            for c in roster
            if c.state is AVAILABLE
            and c.counselor_id not in offered
            and reference_eligible(NOW, call, c, roster)
        ]
        if left:
            assert len(rung) == at_once, "a free counselor who may take them left unrung"


def reference_fit(call: WaitingCall, c: Counselor) -> int:
    """How closely an eligible counselor fits: -1 for the preferred counselor, else the
    first relax step of the call's tier whose requirements they meet."""
    if call.preferred_counselor == c.counselor_id:
        return -1
    steps = RULES.tiers[call.tier].relax
    return next(i for i, step in enumerate(steps) if fits(c, call, step))


@settings(max_examples=100)
@given(rosters(), queues())
@example(  # relaxed to anyone: the Mandarin speaker, not the English one idle longer
    [
        Counselor("c0", frozenset({"en"}), frozenset(), AVAILABLE, NOW - 500),
        Counselor("c1", frozenset({"zh"}), frozenset(), AVAILABLE, NOW - 10),
    ],
    [WaitingCall("k0", "standard", NOW - 180, "zh", GENERAL)],
)
def test_the_closest_fit_then_the_longest_idle_eligible_counselor_is_chosen(
    roster: list[Counselor], calls: list[WaitingCall]
) -> None:
    result = make_plan(calls, roster)
    by_id = {c.counselor_id: c for c in roster}
    call_by_id = {c.call_id: c for c in calls}
    position = {o.call_id: i for i, o in enumerate(leads(result))}
    taken_by = {o.counselor_id: o.call_id for o in leads(result)}
    for offer in leads(result):
        call = call_by_id[offer.call_id]
        chosen = by_id[offer.counselor_id]

        def rank(c: Counselor, call: WaitingCall = call) -> tuple[int, float, str]:
            return (reference_fit(call, c), c.idle_since, c.counselor_id)

        for other in roster:
            closer = other.state is AVAILABLE and rank(other) < rank(chosen)
            if closer and reference_eligible(NOW, call, other, roster):
                # it went to a call served before this one
                assert position[taken_by[other.counselor_id]] < position[offer.call_id]


@settings(max_examples=100)
@given(rosters(), queues(), st.floats(0, 1000, allow_nan=False))
def test_relaxation_only_widens_eligibility(
    roster: list[Counselor], calls: list[WaitingCall], later: float
) -> None:
    on_call = on_call_summary(roster)
    for call in calls:
        before = assess(NOW, call, RULES, on_call)
        after = assess(NOW + later, call, RULES, on_call)
        for c in roster:
            if may_take(c, call, before) and not after.overflow:
                assert may_take(c, call, after)


@settings(max_examples=300)
@given(rosters(), queues(), st.data())
def test_plan_and_queue_index_pick_the_same_call(
    roster: list[Counselor], calls: list[WaitingCall], data: st.DataObject
) -> None:
    offerable = (AVAILABLE, CounselorState.WRAP_UP)
    free = [c for c in roster if c.state in offerable]
    if not free:
        return
    chosen = data.draw(st.sampled_from(free))
    # Everyone else who could be offered is busy now: same people on call, one who may be.
    solo = [c if c is chosen or c.state not in offerable else _ringing(c) for c in roster]
    offers = leads(make_plan(calls, solo))
    decoys = [
        WaitingCall(f"decoy{i}", k.tier, k.entered_at - 1, "en", "general")
        for i, k in enumerate(calls)
    ]
    index = QueueIndex(calls + decoys)
    for decoy in decoys:
        index.remove(decoy.call_id)
    found = best_call_for(NOW, chosen, index, RULES, on_call_summary(solo))
    assert (found.call_id if found else None) == (offers[0].call_id if offers else None)


def _ringing(c: Counselor) -> Counselor:
    return Counselor(
        c.counselor_id, c.languages, c.specialties, CounselorState.RINGING, c.idle_since
    )


@settings(max_examples=100)
@given(rosters(), queues())
def test_next_due_is_in_the_future_and_only_for_calls_still_waiting(
    roster: list[Counselor], calls: list[WaitingCall]
) -> None:
    result = make_plan(calls, roster)
    handled = {o.call_id for o in result.offers} | set(result.overflows)
    if all(k.call_id in handled for k in calls):
        assert result.next_due is None
    else:
        assert result.next_due is not None and result.next_due > NOW
        # nothing changes for the waiting calls before next_due
        just_before = NOW + (result.next_due - NOW) / 2
        waiting = [k for k in calls if k.call_id not in handled]
        now_pairs = {(o.call_id, o.counselor_id) for o in make_plan(waiting, roster).offers}
        later = plan(just_before, waiting, roster, RULES).offers
        assert now_pairs == {(o.call_id, o.counselor_id) for o in later}
