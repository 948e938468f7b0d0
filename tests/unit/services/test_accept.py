"""Accept: the counselor pressed the key; caller and counselor are bridged in the call's
room. A callback rings the caller only then, from the vault."""

from __future__ import annotations

from hotline.calls.hold import ask_callback, callback_choice
from hotline.live.calls import CallStore, now
from hotline.live.offers import Offers
from hotline.live.presence import Presence
from hotline.queue.dispatch import accept, dispatch, missed
from hotline.routing.snapshot import CounselorState
from hotline.telephony.twiml import room
from tests.conftest import PUBLIC_URL
from tests.support.memory import Memory
from tests.support.service_calls import (
    ENGLISH_SUICIDE,
    call_in,
    offer_in,
    rung,
    state_of,
    waited,
)
from tests.support.zones import number_open_now


def test_accepting_bridges_the_caller_and_the_counselor(
    memory: Memory, on_call: dict[str, str]
) -> None:
    runtime = memory.runtime
    call = call_in(runtime, "+14155550321", *ENGLISH_SUICIDE)
    memory.jobs.drain()
    assert rung(memory.phone) == ["Ana"]

    bridged = accept(runtime, offer_in(memory.phone))
    assert bridged is not None and bridged.call_id == call.call_id
    assert memory.phone.redirects == [
        (call.call_sid, f"{PUBLIC_URL}/voice/connect?call={call.call_id}")
    ], "the caller's leg is sent into the room"
    assert room(call.call_id) == f"hotline-{call.call_id}", "one room per call"
    live = CallStore(runtime.redis).get(call.call_id)
    assert live is not None and live.stage == "connected"
    assert live.counselor_id == on_call["Ana"] and live.connected_at is not None
    assert state_of(runtime, on_call["Ana"]) == CounselorState.ON_CALL
    assert CallStore(runtime.redis).current_of(on_call["Ana"]) == call.call_id, "her console"


def test_an_offer_accepted_twice_or_after_a_pass_bridges_nobody_again(
    memory: Memory, on_call: dict[str, str]
) -> None:
    runtime = memory.runtime
    call_in(runtime, "+14155550322", *ENGLISH_SUICIDE)
    memory.jobs.drain()
    offer_id = offer_in(memory.phone)
    assert accept(runtime, offer_id) is not None
    assert accept(runtime, offer_id) is None, "a repeated key press changes nothing"
    assert len(memory.phone.redirects) == 1

    call_in(runtime, "+14155550323", *ENGLISH_SUICIDE)
    memory.jobs.drain()
    assert rung(memory.phone) == ["Ana", "Li"]
    passed = Offers(runtime.redis).get(offer_in(memory.phone))
    assert passed is not None
    missed(runtime, passed)  # Li pressed another key
    assert accept(runtime, passed.offer_id) is None, "a passed offer cannot be taken back"
    assert state_of(runtime, on_call["Li"]) == CounselorState.AVAILABLE


def test_a_callback_accepted_rings_the_caller_at_the_number_in_the_vault(
    memory: Memory, on_call: dict[str, str]
) -> None:
    runtime = memory.runtime
    number = number_open_now(runtime.rules.callbacks, 324)
    call = waited(
        runtime,
        call_in(runtime, number, *ENGLISH_SUICIDE),
        runtime.rules.overflow.callback_offer_after + 1,
    )
    presence = Presence(runtime.redis)
    for counselor_id in on_call.values():  # everyone busy while the caller asks
        presence.set_state(counselor_id, CounselorState.WRAP_UP, now(), force=True)
    assert ask_callback(runtime, call, callback_choice(runtime, call, number)) == "arranged"
    memory.jobs.drain()
    assert memory.phone.calls == [], "nobody free yet"

    presence.set_state(on_call["Ana"], CounselorState.AVAILABLE, now(), force=True)
    dispatch(runtime)
    assert rung(memory.phone) == ["Ana"], "the counselor is rung first, not the caller"
    accepted = accept(runtime, offer_in(memory.phone))
    assert accepted is not None and accepted.callback_id is not None
    assert memory.phone.redirects == [], "nobody is on the caller's side yet"
    assert memory.jobs.names() == ["ring_caller"]
    memory.jobs.drain()
    ring = memory.phone.calls[-1]
    assert ring["to"] == number and ring["machine_detection"] is True
    assert ring["url"] == f"{PUBLIC_URL}/voice/callback?call={accepted.call_id}"
