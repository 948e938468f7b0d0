"""Ringing a caller back: a person who answers talks with the counselor and the number is
erased; a machine's answer is a failed attempt, tried again after the rules' backoff; after
the last attempt the callback is given up and the number erased."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select

from hotline.callbacks import answered, leg_ended
from hotline.calls.hold import ask_callback, callback_choice
from hotline.live.calls import LiveCall, now
from hotline.live.presence import Presence
from hotline.queue.dispatch import accept, dispatch
from hotline.records.models import Callback, CallbackVault
from hotline.routing.snapshot import CounselorState
from hotline.runtime import Runtime
from tests.conftest import PUBLIC_URL
from tests.support.memory import Memory
from tests.support.service_calls import ENGLISH_SUICIDE, call_in, offer_in, waited
from tests.support.zones import number_open_now


def _callback(runtime: Runtime) -> Callback:
    with runtime.sessions() as session:
        [row] = session.scalars(select(Callback)).all()
    return row


def _vault_entry(runtime: Runtime, vault_id: str) -> CallbackVault:
    with runtime.sessions() as session:
        entry = session.get(CallbackVault, vault_id)
    assert entry is not None
    return entry


def _ring_back(memory: Memory, on_call: dict[str, str], number: str) -> LiveCall:
    """A callback asked for from the queue (everyone busy), then Ana free: she accepts,
    and the caller's phone is rung."""
    runtime = memory.runtime
    presence = Presence(runtime.redis)
    for counselor_id in on_call.values():
        presence.set_state(counselor_id, CounselorState.WRAP_UP, now(), force=True)
    call = waited(
        runtime,
        call_in(runtime, number, *ENGLISH_SUICIDE),
        runtime.rules.overflow.callback_offer_after + 1,
    )
    assert ask_callback(runtime, call, callback_choice(runtime, call, number)) == "arranged"
    presence.set_state(on_call["Ana"], CounselorState.AVAILABLE, now(), force=True)
    dispatch(runtime)
    accepted = accept(runtime, offer_in(memory.phone))
    assert accepted is not None
    memory.jobs.drain()  # the worker's ring_caller job among them
    assert memory.phone.calls[-1]["to"] == number
    memory.jobs.pending.clear()
    return accepted


def test_a_person_who_answers_talks_and_the_number_is_erased(
    memory: Memory, on_call: dict[str, str]
) -> None:
    runtime = memory.runtime
    call = _ring_back(memory, on_call, number_open_now(runtime.rules.callbacks, 371))
    live, person = answered(runtime, call.call_id, "human")
    assert live is not None and person
    leg_ended(runtime, call.call_id, "completed")
    cb = _callback(runtime)
    assert (cb.status, cb.attempts) == ("done", 1)
    entry = _vault_entry(runtime, cb.vault_id)
    assert entry.ciphertext is None and entry.status == "done"
    assert memory.jobs.names() == ["record"], "the call back gets its anonymous record"


def test_a_machine_is_tried_again_after_the_backoff_and_the_counselor_is_told(
    memory: Memory, on_call: dict[str, str]
) -> None:
    runtime = memory.runtime
    call = _ring_back(memory, on_call, number_open_now(runtime.rules.callbacks, 372))
    _live, person = answered(runtime, call.call_id, "machine_end_beep")
    assert not person
    before = now()
    leg_ended(runtime, call.call_id, "completed")
    cb = _callback(runtime)
    assert (cb.status, cb.last_outcome, cb.attempts) == ("scheduled", "voicemail", 1)
    backoff = runtime.rules.callbacks.delay_after(1)
    due = cb.due_at.replace(tzinfo=dt.UTC).timestamp()
    assert due >= before + backoff, "not before the rules' backoff"
    assert _vault_entry(runtime, cb.vault_id).ciphertext is not None, "kept for the retry"
    assert memory.phone.redirects[-1] == (
        call.counselor_leg,
        f"{PUBLIC_URL}/voice/callback/unreached",
    ), "the counselor waiting in the room hears the caller was not reached"


def test_after_the_last_attempt_the_callback_is_given_up_and_the_number_erased(
    memory: Memory, on_call: dict[str, str]
) -> None:
    runtime = memory.runtime
    call = _ring_back(memory, on_call, number_open_now(runtime.rules.callbacks, 373))
    with runtime.sessions.begin() as session:  # this was the last attempt allowed
        row = session.get(Callback, call.callback_id)
        assert row is not None
        row.attempts = runtime.rules.callbacks.max_attempts
    leg_ended(runtime, call.call_id, "no-answer")
    cb = _callback(runtime)
    assert (cb.status, cb.last_outcome) == ("failed", "no-answer")
    entry = _vault_entry(runtime, cb.vault_id)
    assert entry.ciphertext is None and entry.status == "expired"
