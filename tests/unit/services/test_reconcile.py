"""A call whose status callback never arrived (the web process that took it died first)
is still ended: the caller leaves the queue, the dashboard stops showing the call, and
its record is written, with the end Twilio's call log gives. A callback that arrives
after all writes nothing twice. A counselor whose leg's end was lost is not left "on a
call" for good."""

from __future__ import annotations

from hotline.calls.reconcile import CHECK_AFTER, reconcile
from hotline.calls.status import caller_leg_status
from hotline.live.calls import CallStore, LiveCall, now
from hotline.live.queue import LiveQueue
from hotline.queue.dispatch import dispatch
from hotline.records.models import CallRecord
from hotline.routing.snapshot import CounselorState
from hotline.runtime import Runtime
from hotline.telephony.client import CallState
from tests.support.memory import Memory
from tests.support.service_calls import ENGLISH_SUICIDE, call_in, state_of, talking


def _record(runtime: Runtime, call_id: str) -> CallRecord | None:
    with runtime.sessions() as session:
        return session.get(CallRecord, call_id)


def _started(runtime: Runtime, call: LiveCall, seconds_ago: float) -> None:
    call.started_at = now() - seconds_ago
    CallStore(runtime.redis).save(call)


def test_a_talk_whose_end_was_never_heard_of_is_ended_and_recorded(
    memory: Memory, on_call: dict[str, str]
) -> None:
    runtime, phone = memory.runtime, memory.phone
    call = talking(runtime, phone, "+14155550361", *ENGLISH_SUICIDE)
    _started(runtime, call, 600)
    ended = now() - 30  # Twilio's log: the caller hung up 30 s ago
    phone.states[call.call_sid] = CallState("completed", ended)
    assert [c.call_id for c in CallStore(runtime.redis).connected()] == [call.call_id]

    assert reconcile(runtime) == 1
    assert CallStore(runtime.redis).connected() == [], "the dashboard no longer shows it"
    record = _record(runtime, call.call_id)
    assert record is not None and record.outcome == "answered"
    stored = CallStore(runtime.redis).get(call.call_id)
    assert stored is not None and stored.ended_at == ended, "ended when Twilio says"

    # The lost callback arrives after all, or the next pass runs: nothing changes.
    caller_leg_status(runtime, call_sid=call.call_sid, status="completed", sequence="9")
    assert reconcile(runtime) == 0
    with runtime.sessions() as session:
        assert session.query(CallRecord).count() == 1


def test_a_caller_gone_from_the_queue_is_no_longer_offered_to_anyone(
    memory: Memory, on_call: dict[str, str]
) -> None:
    runtime, phone = memory.runtime, memory.phone
    for counselor_id in on_call.values():  # everyone busy: the caller waits
        runtime.presence.set_state(counselor_id, CounselorState.ON_CALL, now(), force=True)
    call = call_in(runtime, "+14155550362", *ENGLISH_SUICIDE)
    _started(runtime, call, CHECK_AFTER + 5)
    phone.states[call.call_sid] = CallState("completed", now() - 1)

    assert reconcile(runtime) == 1
    assert LiveQueue(runtime.redis).get(call.call_id) is None
    record = _record(runtime, call.call_id)
    assert record is not None and record.outcome == "hung_up_queue"
    rings = len(phone.calls)
    dispatch(runtime)
    assert len(phone.calls) == rings, "nobody is rung for a caller who has gone"


def test_young_calls_calls_going_on_and_an_unreachable_twilio_are_left_alone(
    memory: Memory, on_call: dict[str, str]
) -> None:
    runtime, phone = memory.runtime, memory.phone
    young = talking(runtime, phone, "+14155550363", *ENGLISH_SUICIDE)
    phone.states[young.call_sid] = CallState("completed", now())  # its callback may yet come
    going_on = talking(runtime, phone, "+14155550364", *ENGLISH_SUICIDE)
    _started(runtime, going_on, 600)
    phone.states[going_on.call_sid] = CallState("in-progress", None)
    assert reconcile(runtime) == 0

    phone.states[going_on.call_sid] = CallState("completed", now())
    phone.fail = True  # Twilio cannot be reached: the next pass will do it
    assert reconcile(runtime) == 0
    phone.fail = False
    assert reconcile(runtime) == 1
    assert [c.call_id for c in CallStore(runtime.redis).connected()] == [young.call_id]


def test_a_counselor_whose_legs_end_was_lost_goes_to_wrap_up(
    memory: Memory, on_call: dict[str, str]
) -> None:
    runtime, phone = memory.runtime, memory.phone
    call = talking(runtime, phone, "+14155550365", *ENGLISH_SUICIDE)
    counselor = call.counselor_id
    assert counselor is not None and call.counselor_leg is not None
    caller_leg_status(runtime, call_sid=call.call_sid, status="completed", sequence="9")
    assert state_of(runtime, counselor) is CounselorState.ON_CALL  # their leg's end was lost

    phone.states[call.counselor_leg] = CallState("in-progress", None)  # still on the line
    assert reconcile(runtime) == 0
    assert state_of(runtime, counselor) is CounselorState.ON_CALL

    phone.states[call.counselor_leg] = CallState("completed", now())
    assert reconcile(runtime) == 1
    assert state_of(runtime, counselor) is CounselorState.WRAP_UP
    assert reconcile(runtime) == 0
