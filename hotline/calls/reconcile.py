"""Calls that ended without our hearing of it: Twilio sends a leg's end once, and does not
send it again if the web process that took it died before answering (a crash, an OOM kill).
Such a caller would stay in the queue, a counselor would be rung for nobody, the dashboard
would show a call in progress that is over, and no record would be written.

The same holds for a counselor's leg: its lost end would leave the counselor "on a call"
for good, and never rung again.

So, once a minute, every live call older than a minute is looked up in Twilio's call log;
one that has ended there is ended here as its status callback would have ended it, with
the time Twilio gives for its end; and so is the leg of each counselor still on a call
whose caller's call is over. The status callbacks' own paths do the work, so a callback
that arrives after all changes nothing (the end is already known).
"""

from __future__ import annotations

import logging

from hotline.calls.status import ENDED, caller_leg_status, counselor_done
from hotline.live.calls import LiveCall, now
from hotline.routing.snapshot import CounselorState
from hotline.runtime import Runtime
from hotline.telephony.client import CallState, TelephonyError

log = logging.getLogger(__name__)

CHECK_AFTER = 60.0  # seconds: younger calls' callbacks are still to be expected


def reconcile(runtime: Runtime, *, at: float | None = None) -> int:
    """End the live calls, and the counselors' legs, that Twilio says have ended; returns
    how many of each together."""
    moment = now() if at is None else at
    ended = 0
    for call in runtime.calls.unfinished():
        if not call.call_sid or moment - call.started_at < CHECK_AFTER:
            continue
        state = _state(runtime, call.call_sid, call.call_id)
        if state is None or state.status not in ENDED:
            continue
        caller_leg_status(
            runtime, call_sid=call.call_sid, status=state.status, sequence="",
            ended_at=state.ended_at,
        )  # fmt: skip
        log.warning(
            "call ended without its status callback",
            extra={"call_id": call.call_id, "status": state.status},
        )
        ended += 1
    return ended + _counselors(runtime)


def _counselors(runtime: Runtime) -> int:
    """Counselors still on a call whose caller's call is over, and whose own leg Twilio
    says has ended: to wrap-up, as their leg's status callback would have."""
    freed = 0
    for counselor in runtime.presence.all():
        if counselor.state is not CounselorState.ON_CALL:
            continue
        call_id = runtime.calls.current_of(counselor.counselor_id)
        call = runtime.calls.get(call_id) if call_id else None
        if call is None or call.ended_at is None or not _leg_over(runtime, call):
            continue
        counselor_done(runtime, counselor.counselor_id)
        log.warning(
            "counselor's leg ended without its status callback",
            extra={"call_id": call.call_id, "counselor": counselor.counselor_id},
        )
        freed += 1
    return freed


def _leg_over(runtime: Runtime, call: LiveCall) -> bool:
    if not call.counselor_leg:
        return False
    state = _state(runtime, call.counselor_leg, call.call_id)
    return state is not None and state.status in ENDED


def _state(runtime: Runtime, sid: str, call_id: str) -> CallState | None:
    try:
        return runtime.telephony.call_state(sid)
    except TelephonyError as exc:
        log.warning("call state unknown", extra={"call_id": call_id, "error": str(exc)})
        return None
