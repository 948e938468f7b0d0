"""The anonymous record of a finished call, built from its live state."""

from __future__ import annotations

import datetime as dt
import logging

from sqlalchemy.exc import SQLAlchemyError

from hotline.live.calls import LiveCall
from hotline.records.calls import NewRecord, save_record
from hotline.runtime import Runtime

log = logging.getLogger(__name__)


def outcome(call: LiveCall) -> str:
    if call.callback_id is not None:
        return "called_back" if call.connected_at is not None else "callback_not_reached"
    if call.connected_at is not None:
        return "answered"
    if call.stage == "overflowed":
        return "overflowed"
    if call.stage == "lost":
        return "state_lost"
    if call.stage == "callback":
        return "callback_requested"
    if call.end_status == "failed":
        return "failed"
    return "hung_up_queue" if call.queued_at is not None else "hung_up_ivr"


def build_record(call: LiveCall) -> NewRecord:
    ended = call.ended_at or call.started_at

    def seconds(start: float | None, end: float | None) -> int | None:
        return None if start is None or end is None else max(0, round(end - start))

    queue_end = call.connected_at or ended
    return NewRecord(
        id=call.call_id,
        caller_key=call.caller_key,
        region=call.region,
        started_at=dt.datetime.fromtimestamp(call.started_at, dt.UTC),
        ended_at=dt.datetime.fromtimestamp(ended, dt.UTC) if call.ended_at else None,
        language=call.language,
        topic=call.topic,
        tier=call.tier,
        speech_used=call.speech_used,
        ivr_seconds=seconds(call.started_at, call.queued_at or ended),
        queue_seconds=seconds(call.queued_at, queue_end) if call.queued_at else None,
        talk_seconds=seconds(call.connected_at, ended) if call.connected_at else None,
        outcome=outcome(call),
        counselor_id=int(call.counselor_id)
        if call.counselor_id and call.counselor_id.isdigit() and call.connected_at
        else None,
        rules_version=call.rules_version,
        script_version=call.script_version,
    )


def record_call(runtime: Runtime, call_id: str) -> bool:
    """Write the call's record once; a second run (or a duplicate callback) writes nothing."""
    call = runtime.calls.get(call_id)
    if call is None:
        log.error("live call gone before its record was written", extra={"call_id": call_id})
        return False
    written = save_record(runtime.sessions, build_record(call))
    log.info("call record", extra={"call_id": call_id, "written": written})
    return written


def record_now(runtime: Runtime, call: LiveCall) -> None:
    """Write the record of a call that just ended, from the webhook that learnt it ended:
    nothing waits in Redis where a restart could lose it. Only if the database refuses is
    it left to a worker, with retries (the live call stays in Redis for it)."""

    try:
        written = save_record(runtime.sessions, build_record(call))
    except SQLAlchemyError:
        log.warning("record deferred: database unavailable", extra={"call_id": call.call_id})
        runtime.jobs.enqueue("record", call.call_id)
        return
    log.info("call record", extra={"call_id": call.call_id, "written": written})
