"""The counselor is in the room: ring the caller (machine detection on), and learn from
their leg whether a person talked, a machine answered, or nobody did."""

from __future__ import annotations

import contextlib
import logging

from hotline.callbacks.attempts import attempt_failed
from hotline.callbacks.common import MACHINE, RING_CALLER_FOR, audit_event, utc
from hotline.live.calls import LiveCall, now
from hotline.platform.counters import count
from hotline.records import vault
from hotline.records.models import Callback
from hotline.runtime import Runtime
from hotline.telephony.client import TelephonyError

log = logging.getLogger(__name__)


def ring_caller(runtime: Runtime, call: LiveCall) -> None:
    """Called once the counselor is in the room: ring the caller (machine detection on)."""

    assert call.callback_id is not None
    with runtime.sessions.begin() as session:
        cb = session.get(Callback, call.callback_id, with_for_update=True)
        if cb is None or cb.status != "queued" or cb.live_call_id != call.call_id:
            return
        cb.status, cb.attempts, cb.updated_at = "calling", cb.attempts + 1, utc()
        vault_id, attempt = cb.vault_id, cb.attempts
    number = vault.read_number(
        runtime.sessions,
        runtime.settings,
        vault_id,
        actor="callback",
        purpose=f"callback {call.callback_id} attempt {attempt}",
    )
    if number is None:
        attempt_failed(runtime, call.callback_id, "number_gone")
        _release_counselor(runtime, call)
        return
    try:
        leg = runtime.telephony.call(
            to=number,
            url=runtime.public("/voice/callback", call=call.call_id),
            status_callback=runtime.public("/voice/callback/status", call=call.call_id),
            timeout=RING_CALLER_FOR,
            machine_detection=True,
        )
    except TelephonyError:
        log.warning("could not ring the caller back", extra={"call_id": call.call_id})
        attempt_failed(runtime, call.callback_id, "failed")
        _release_counselor(runtime, call)
        return
    store = runtime.calls
    fresh = store.get(call.call_id) or call
    fresh.call_sid = leg
    store.create(fresh)  # maps the new leg's CallSid to this call
    audit_event(
        runtime,
        "callback.attempt",
        "callback",
        callback_id=call.callback_id,
        call_id=call.call_id,
        attempt=attempt,
    )
    log.info("ringing the caller back", extra={"call_id": call.call_id, "attempt": attempt})


def answered(runtime: Runtime, call_id: str, answered_by: str) -> tuple[LiveCall | None, bool]:
    """The caller's phone answered: (the call, whether a person did). A machine's
    answer ends the attempt as failed once its leg ends."""
    store = runtime.calls
    call = store.get(call_id)
    if call is None or call.callback_id is None:
        return None, False
    person = answered_by not in MACHINE
    call.answered_by = answered_by or "unknown"
    if person and call.connected_at is None:
        call.connected_at = now()
    store.save(call)
    return call, person


def leg_ended(runtime: Runtime, call_id: str, status: str) -> None:
    """The caller's leg of a callback ended: done if they talked, else a failed attempt."""
    store = runtime.calls
    call = store.get(call_id)
    if call is None or call.callback_id is None or call.ended_at is not None:
        return
    call.ended_at, call.end_status = now(), status
    store.save(call)
    talked = call.connected_at is not None and call.answered_by not in MACHINE
    if talked:
        with runtime.sessions.begin() as session:
            cb = session.get(Callback, call.callback_id)
            if cb is None or cb.status != "calling":
                return
            cb.status, cb.last_outcome, cb.updated_at = "done", "talked", utc()
            vault_id = cb.vault_id
        vault.close(runtime.sessions, vault_id, "done")
        audit_event(runtime, "callback.done", "callback", callback_id=call.callback_id)
        count(runtime.redis, "callbacks_done")
        runtime.jobs.enqueue("record", call.call_id)
        log.info("callback done", extra={"call_id": call_id})
        return
    outcome = "voicemail" if call.answered_by in MACHINE else status or "failed"
    attempt_failed(runtime, call.callback_id, outcome)
    _release_counselor(runtime, call)


def _release_counselor(runtime: Runtime, call: LiveCall) -> None:
    """The caller was not reached: tell the counselor waiting in the room, and end their leg."""

    runtime.queue.remove(call.call_id)
    if call.counselor_leg:
        with contextlib.suppress(TelephonyError):
            runtime.telephony.redirect(
                call.counselor_leg, runtime.public("/voice/callback/unreached")
            )
