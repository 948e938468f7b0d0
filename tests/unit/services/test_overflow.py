"""Overflow: a caller nobody could take in time is dialled through to the backup line for
their language; never while a counselor's phone rings for them, never a callback."""

from __future__ import annotations

from hotline.calls.hold import hold_turn
from hotline.live.calls import CallStore, now
from hotline.live.presence import Presence
from hotline.live.queue import LiveQueue
from hotline.queue.dispatch import dispatch, overflow
from hotline.routing.snapshot import CounselorState
from hotline.runtime import Runtime
from tests.conftest import PUBLIC_URL
from tests.support.memory import Memory
from tests.support.service_calls import ENGLISH_SUICIDE, MANDARIN_SUICIDE, call_in, waited


def _all_busy(runtime: Runtime, on_call: dict[str, str]) -> None:
    for counselor_id in on_call.values():
        Presence(runtime.redis).set_state(counselor_id, CounselorState.ON_CALL, now(), force=True)


def test_past_max_wait_the_caller_goes_to_the_backup_line_for_their_language(
    memory: Memory, on_call: dict[str, str]
) -> None:
    runtime = memory.runtime
    _all_busy(runtime, on_call)
    call = call_in(runtime, "+14155550331", *MANDARIN_SUICIDE)
    max_wait = runtime.rules.tiers["urgent"].max_wait
    entered = call.queued_at or 0.0
    assert dispatch(runtime, at=entered + max_wait - 1).overflowed == [], "still inside"
    assert dispatch(runtime, at=entered + max_wait + 1).overflowed == [call.call_id]
    assert memory.phone.redirects == [
        (call.call_sid, f"{PUBLIC_URL}/voice/hold?call={call.call_id}")
    ]
    assert LiveQueue(runtime.redis).get(call.call_id) is None
    turn = hold_turn(runtime, call_id=call.call_id, call_sid=call.call_sid)
    assert turn.action == "overflow"
    assert turn.number == runtime.rules.overflow_number("zh") == "+12025550102"


def test_the_hold_loop_itself_overflows_a_caller_past_max_wait(
    memory: Memory, on_call: dict[str, str]
) -> None:
    runtime = memory.runtime
    _all_busy(runtime, on_call)
    call = call_in(runtime, "+14155550332", *ENGLISH_SUICIDE)
    max_wait = runtime.rules.tiers["urgent"].max_wait
    assert hold_turn(runtime, call_id=call.call_id, call_sid=call.call_sid).action == "hold"
    waited(runtime, call, max_wait + 1)
    turn = hold_turn(runtime, call_id=call.call_id, call_sid=call.call_sid)
    assert (turn.action, turn.number) == ("overflow", "+12025550101")
    stored = CallStore(runtime.redis).get(call.call_id)
    assert stored is not None and stored.stage == "overflowed"


def test_a_caller_whose_counselor_is_ringing_is_not_sent_away(
    memory: Memory, on_call: dict[str, str]
) -> None:
    runtime = memory.runtime
    call = call_in(runtime, "+14155550333", *ENGLISH_SUICIDE)
    memory.jobs.drain()
    assert len(memory.phone.calls) == 1, "a counselor is being rung"
    assert overflow(runtime, call.call_id) is False
    stored = CallStore(runtime.redis).get(call.call_id)
    assert stored is not None and stored.stage == "offered"
    assert memory.phone.redirects == []
