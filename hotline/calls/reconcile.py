"""Calls that ended without our hearing of it: Twilio sends a leg's end once, and does not
send it again if the web process that took it died before answering (a crash, an OOM kill).
Such a caller would stay in the queue, a counselor would be rung for nobody, the dashboard
would show a call in progress that is over, and no record would be written.

So, once a minute, every live call older than a minute is looked up in Twilio's call log;
one that has ended there is ended here as its status callback would have ended it, with
the time Twilio gives for its end. The status callback's own path does the work, so a
callback that arrives after all changes nothing (its end is already known).
"""

from __future__ import annotations

import logging

from hotline.calls.status import ENDED, caller_leg_status
from hotline.live.calls import now
from hotline.runtime import Runtime
from hotline.telephony.client import TelephonyError

log = logging.getLogger(__name__)

CHECK_AFTER = 60.0  # seconds: younger calls' callbacks are still to be expected


def reconcile(runtime: Runtime, *, at: float | None = None) -> int:
    """End the live calls that Twilio says have ended; returns how many."""
    moment = now() if at is None else at
    ended = 0
    for call in runtime.calls.unfinished():
        if not call.call_sid or moment - call.started_at < CHECK_AFTER:
            continue
        try:
            state = runtime.telephony.call_state(call.call_sid)
        except TelephonyError as exc:
            log.warning("call state unknown", extra={"call_id": call.call_id, "error": str(exc)})
            continue
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
    return ended
