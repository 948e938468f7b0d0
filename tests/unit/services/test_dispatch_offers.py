"""Dispatch: the right counselor is rung, and never for two callers at once."""

from __future__ import annotations

import pytest

from hotline.calls.status import counselor_leg_status
from hotline.live.calls import CallStore
from hotline.live.offers import ACCEPT_GRACE, Offers
from hotline.live.presence import Presence
from hotline.live.queue import LiveQueue
from hotline.queue.dispatch import CLAIM_GRACE, answer_offer, dispatch, missed, whisper_for
from hotline.queue.sweep import sweep
from hotline.routing.snapshot import CounselorState
from tests.support.memory import Memory
from tests.support.service_calls import (
    DANGER,
    ENGLISH_RELATIONSHIPS,
    ENGLISH_SUICIDE,
    MANDARIN_SUICIDE,
    call_in,
    offer_in,
    rung,
    state_of,
)


def test_a_mandarin_caller_on_suicide_rings_the_mandarin_suicide_counselor(
    memory: Memory, on_call: dict[str, str]
) -> None:
    runtime = memory.runtime
    call = call_in(runtime, "+14155550311", *MANDARIN_SUICIDE)
    assert memory.jobs.names() == ["dispatch"], "joining the queue asks for a dispatch"
    memory.jobs.drain()  # the worker's own dispatch job
    assert rung(memory.phone) == ["Li"], "not Ana (idle longer, no Mandarin), not Zhang"
    assert state_of(runtime, on_call["Li"]) == CounselorState.RINGING
    offered = CallStore(runtime.redis).get(call.call_id)
    assert offered is not None and offered.stage == "offered"
    heard = whisper_for(runtime, offer_in(memory.phone))
    assert heard is not None and heard.say_language == "cmn-CN"
    assert "普通话" in heard.text and "4155550311" not in heard.text


def test_one_free_counselor_is_offered_one_caller_however_often_dispatch_runs(
    memory: Memory, on_call: dict[str, str]
) -> None:
    runtime = memory.runtime
    for name in ("Li", "Zhang"):
        Presence(runtime.redis).set_state(on_call[name], CounselorState.AWAY, 0, force=True)
    first = call_in(runtime, "+14155550312", *ENGLISH_SUICIDE)
    second = call_in(runtime, "+14155550313", *ENGLISH_SUICIDE)
    assert memory.jobs.names() == ["dispatch", "dispatch"]
    memory.jobs.drain()
    for _ in range(3):
        assert dispatch(runtime).offered == []
    assert rung(memory.phone) == ["Ana"], "Ana's phone rings once, for one caller"
    offer = Offers(runtime.redis).for_counselor(on_call["Ana"])
    assert offer is not None and offer.call_id == first.call_id, "the first in line"
    assert Offers(runtime.redis).for_call(second.call_id) is None
    still = CallStore(runtime.redis).get(second.call_id)
    assert still is not None and still.stage == "queued", "the second caller keeps waiting"


def test_a_caller_in_danger_is_offered_before_one_who_waited_longer(
    memory: Memory, on_call: dict[str, str]
) -> None:
    runtime = memory.runtime
    for name in ("Li", "Zhang"):
        Presence(runtime.redis).set_state(on_call[name], CounselorState.AWAY, 0, force=True)
    calm = call_in(runtime, "+14155550314", *ENGLISH_RELATIONSHIPS)  # in line first
    danger = call_in(runtime, "+14155550315", *DANGER)
    memory.jobs.drain()
    offer = Offers(runtime.redis).for_counselor(on_call["Ana"])
    assert offer is not None and offer.call_id == danger.call_id
    assert LiveQueue(runtime.redis).get(calm.call_id) is not None, "the other still waits"


def test_a_counselor_who_does_not_answer_is_passed_over_and_the_caller_keeps_their_place(
    memory: Memory, on_call: dict[str, str]
) -> None:
    runtime = memory.runtime
    call = call_in(runtime, "+14155550316", *ENGLISH_SUICIDE)
    entered = LiveQueue(runtime.redis).get(call.call_id)
    memory.jobs.drain()
    assert rung(memory.phone) == ["Ana"]
    offer = offer_in(memory.phone)
    counselor_leg_status(runtime, offer_id=offer, counselor_id=on_call["Ana"], status="no-answer")
    assert state_of(runtime, on_call["Ana"]) == CounselorState.AVAILABLE, "one miss: still on"
    assert memory.jobs.names() == ["dispatch"]
    memory.jobs.drain()
    assert rung(memory.phone) == ["Ana", "Li"], "the next counselor who can take the call"
    waiting = LiveQueue(runtime.redis).get(call.call_id)
    assert waiting is not None and entered is not None
    assert waiting.entered_at == entered.entered_at, "the caller kept their place"


def test_a_counselor_who_misses_too_many_offers_is_set_away(
    memory: Memory, on_call: dict[str, str]
) -> None:
    runtime = memory.runtime
    for name in ("Li", "Zhang"):
        Presence(runtime.redis).set_state(on_call[name], CounselorState.AWAY, 0, force=True)
    call_in(runtime, "+14155550317", *ENGLISH_SUICIDE)
    for _ in range(runtime.rules.offer.max_no_answer):
        memory.jobs.drain()
        pending = Offers(runtime.redis).get(offer_in(memory.phone))
        assert pending is not None and pending.counselor_id == on_call["Ana"]
        missed(runtime, pending)  # she pressed another key, or never picked up
        runtime.jobs.enqueue("dispatch")
    assert state_of(runtime, on_call["Ana"]) == CounselorState.AWAY
    memory.jobs.drain()
    assert len(memory.phone.calls) == runtime.rules.offer.max_no_answer, "not rung again"


@pytest.mark.parametrize(("keys", "tier"), [(DANGER, "imminent"), (ENGLISH_SUICIDE, "urgent")])
def test_the_counselor_is_rung_for_as_long_as_the_callers_tier_says(
    memory: Memory, on_call: dict[str, str], keys: tuple[str, ...], tier: str
) -> None:
    runtime = memory.runtime
    ring_for = runtime.rules.ring_timeout_for(tier)
    assert (ring_for < 20) == (tier == "imminent"), "the shipped rules ring short for danger"
    at_once = runtime.rules.tier_for(tier).ring_at_once
    call = call_in(runtime, "+14155550331", *keys)
    memory.jobs.drain()
    assert rung(memory.phone)[0] == "Ana" and len(rung(memory.phone)) == at_once
    assert all(c["timeout"] == ring_for for c in memory.phone.calls), "Twilio stops then"
    offer = Offers(runtime.redis).for_call(call.call_id)
    assert offer is not None and offer.expires_at == offer.created_at + ring_for + CLAIM_GRACE
    gone = offer.expires_at + ACCEPT_GRACE

    def swept(at: float) -> int:
        return sweep(runtime.redis, now=at, call_exists=lambda _: True).expired_offers

    assert swept(gone - 0.5) == 0, "an accept may still come"
    assert swept(gone) == at_once, "the offers are released and the caller waits for the next"
    assert LiveQueue(runtime.redis).get(call.call_id) is not None


def test_a_caller_in_danger_rings_two_counselors_and_the_first_key_takes_the_call(
    memory: Memory, on_call: dict[str, str]
) -> None:
    """The shipped rules ring two at once for a caller in danger: whoever presses the key
    first is put through; the other phone stops, that counselor is free again at once and
    is told a colleague answered, not that the caller left."""
    runtime = memory.runtime
    assert runtime.rules.tier_for("imminent").ring_at_once == 2
    call = call_in(runtime, "+14155550341", *DANGER)
    memory.jobs.drain()
    first, second = rung(memory.phone)
    assert first != second
    lead, companion = offer_in(memory.phone, 0), offer_in(memory.phone, 1)
    answered = answer_offer(runtime, companion, runtime.rules.offer.accept_key)
    assert answered.outcome == "accepted" and answered.call is not None
    assert answered.call.counselor_id == on_call[second]
    assert memory.phone.hang_ups == [memory.phone.calls[0]["sid"]], "the other phone stops"
    assert state_of(runtime, on_call[first]) == CounselorState.AVAILABLE
    assert state_of(runtime, on_call[second]) == CounselorState.ON_CALL
    late = answer_offer(runtime, lead, runtime.rules.offer.accept_key)
    assert late.outcome == "taken", "a colleague answered: the caller did not leave"
    counselor_leg_status(
        runtime,
        offer_id=lead,
        counselor_id=on_call[first],
        status="completed",
        call_id=call.call_id,
    )
    assert state_of(runtime, on_call[first]) == CounselorState.AVAILABLE, "no wrap-up"
    connected = CallStore(runtime.redis).get(call.call_id)
    assert connected is not None and connected.stage == "connected"
    assert connected.counselor_leg == memory.phone.calls[1]["sid"]


def test_a_ring_that_goes_unanswered_leaves_the_caller_with_the_other_still_ringing(
    memory: Memory, on_call: dict[str, str]
) -> None:
    runtime = memory.runtime
    call = call_in(runtime, "+14155550342", *DANGER)
    memory.jobs.drain()
    _, second = rung(memory.phone)
    lead = Offers(runtime.redis).get(offer_in(memory.phone, 0))
    assert lead is not None
    missed(runtime, lead)
    memory.jobs.drain()
    assert rung(memory.phone)[2:] == [], "still ringing the other: nobody else is rung"
    assert LiveQueue(runtime.redis).waiting() == []
    ringing = CallStore(runtime.redis).get(call.call_id)
    assert ringing is not None and ringing.stage == "offered"
    assert ringing.counselor_id == on_call[second]
