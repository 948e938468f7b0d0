"""Status callbacks: a leg has ended, so the queue, the offers and the counselor move on.

Twilio may deliver a callback twice or late: the caller's leg is guarded by its
SequenceNumber, and every step below is idempotent.
"""

from __future__ import annotations

import contextlib
import logging
import time

import redis
from sqlalchemy.exc import SQLAlchemyError

from hotline.call_records.record import build_record, record_now
from hotline.calls.menus import lost_call
from hotline.live.calls import CallStore, LiveCall, now
from hotline.queue.dispatch import missed, stop_ringing
from hotline.records.calls import save_record
from hotline.runtime import Runtime
from hotline.telephony.client import TelephonyError

log = logging.getLogger(__name__)

REDIS_GRACE = 5.0  # seconds a status callback waits for Redis to come back (see _find)


ENDED = frozenset({"completed", "busy", "no-answer", "failed", "canceled"})


def counselor_leg_status(
    runtime: Runtime, *, offer_id: str, counselor_id: str, status: str, call_id: str = ""
) -> None:
    if status not in ENDED:
        return
    pending = runtime.offers.get(offer_id)
    if pending is not None:  # the leg ended before the accept key: a miss
        missed(runtime, pending)
    elif runtime.offers.taken_by_another(offer_id):
        pass  # rung beside the counselor who took the call: already available again
    elif counselor_id:
        counselor_done(runtime, counselor_id)
        if call_id:
            _not_alone(runtime, call_id, counselor_id)
    runtime.jobs.enqueue("dispatch")


def caller_leg_status(
    runtime: Runtime,
    *,
    call_sid: str,
    status: str,
    sequence: str,
    from_number: str | None = None,
    duration: str = "",
    ended_at: float | None = None,
) -> None:
    """The caller's leg: only its end matters here; duplicates and late arrivals do nothing.
    `ended_at`: when the call ended, if it was learnt later than that (else now)."""
    store = runtime.calls
    call, reachable = _find(runtime, store, call_sid)
    if call is None:
        if call_sid and status in ENDED:
            _lost(runtime, call_sid, status, from_number, duration, redis_up=reachable)
        return
    seq = int(sequence) if sequence.isdigit() else None
    if seq is not None and seq <= call.last_status_seq:
        return
    if seq is not None:
        call.last_status_seq = seq
    ending = status in ENDED and call.ended_at is None
    if ending:
        call_ended(runtime, call)
        call.ended_at, call.end_status = ended_at or now(), status
        log.info("call ended", extra={"call_id": call.call_id, "stage": call.stage})
    store.save(call)
    if ending:
        record_now(runtime, call)


def _find(runtime: Runtime, store: CallStore, call_sid: str) -> tuple[LiveCall | None, bool]:
    """The live call (or None) and whether Redis answered. A Redis that persists comes back
    from a restart with the call in it within a second or two: the callback (which no
    caller waits on) asks again for REDIS_GRACE seconds before recording what it can."""
    deadline = time.monotonic() + REDIS_GRACE
    while True:
        try:
            return (store.by_sid(call_sid) if call_sid else None), True
        except (redis.RedisError, OSError):
            runtime.redis_watch.failed()
            if time.monotonic() >= deadline:
                return None, False
            time.sleep(0.25)  # Redis is restarting: another process's event, not ours


def _lost(
    runtime: Runtime,
    call_sid: str,
    status: str,
    from_number: str | None,
    duration: str,
    *,
    redis_up: bool,
) -> None:
    """A call ended that Redis does not know: it hung up in the menus (a call has live
    state only from the queue on), or Redis restarted empty while it waited, or is down
    now. Still one record, as far as the end of the call can tell; its id comes from the
    CallSid, so a repeated callback writes nothing twice."""

    seconds = int(duration) if duration.isdigit() else 0
    call = lost_call(runtime, call_sid, from_number, started_at=now() - seconds)
    call.ended_at, call.end_status, call.last_status_seq = now(), status, 1 << 30
    if redis_up:
        store = runtime.calls
        since = store.live_since()
        if since is not None and since <= call.started_at:
            call.stage = "ivr"  # Redis held live state all through the call: never queued
        if not store.create_once(call):
            return  # a repeated callback: this call is already recorded
    if call.stage == "lost":
        log.warning("call ended with its live state lost", extra={"call_id": call.call_id})
    else:
        log.info("call ended in the menus", extra={"call_id": call.call_id})
    record_now(runtime, call)


def overflowed_from_the_menus(runtime: Runtime, *, call_sid: str, from_number: str | None) -> None:
    """A caller in the menus was dialled through to the backup line because Redis could not
    be reached: the call never had live state, so its record says so now (overflowed), under
    the id its status callback will look for; that callback then finds it written. Without
    this, the end of the call could not tell a caller sent on from one who hung up."""
    if not call_sid:
        return
    call = lost_call(runtime, call_sid, from_number, started_at=now())
    call.stage, call.ended_at = "overflowed", now()
    try:
        save_record(runtime.sessions, build_record(call))
    except SQLAlchemyError:  # the database too: the status callback records it as it can
        log.warning("overflow record deferred", extra={"call_id": call.call_id})
        return
    log.info("call overflowed from the menus", extra={"call_id": call.call_id})


def call_ended(runtime: Runtime, call: LiveCall) -> None:
    """The caller hung up: leave the queue; a counselor being rung for them is freed."""
    removal = runtime.queue.remove_with_offer(call.call_id)
    for offer in removal.offers:  # else each ring times out by itself
        stop_ringing(runtime, offer)


def _not_alone(runtime: Runtime, call_id: str, counselor_id: str) -> None:
    """The counselor left the room. Unless they brought someone in to stay with the caller,
    the call is over: hang up the caller's leg rather than leave them alone in the room."""
    call = runtime.calls.get(call_id)
    if call is None or call.counselor_id != counselor_id or call.ended_at is not None:
        return
    if call.stage != "connected" or call.transfer_leg or not call.call_sid:
        return
    with contextlib.suppress(TelephonyError):
        runtime.telephony.hang_up(call.call_sid)


def counselor_done(runtime: Runtime, counselor_id: str) -> None:
    """A counselor's call ended: wrap-up (with what was left of one that call paused), then
    back to available when it is over."""
    runtime.presence.wrap_up(counselor_id, now=now(), seconds=runtime.rules.offer.wrap_up)
