"""Status callbacks: a leg has ended, so the queue, the offers and the counselor move on.

Twilio may deliver a callback twice or late: the caller's leg is guarded by its
SequenceNumber, and every step below is idempotent.
"""

from __future__ import annotations

import contextlib
import logging

import redis

from hotline.live.calls import CallStore, LiveCall, now
from hotline.live.offers import Offers
from hotline.live.presence import Presence
from hotline.live.queue import LiveQueue
from hotline.runtime import Runtime
from hotline.services.calls import lost_call
from hotline.services.dispatch import missed
from hotline.services.records import record_now
from hotline.telephony.client import TelephonyError

log = logging.getLogger(__name__)


ENDED = frozenset({"completed", "busy", "no-answer", "failed", "canceled"})


def counselor_leg_status(
    runtime: Runtime, *, offer_id: str, counselor_id: str, status: str, call_id: str = ""
) -> None:
    if status not in ENDED:
        return
    pending = Offers(runtime.redis).get(offer_id)
    if pending is not None:  # the leg ended before the accept key: a miss
        missed(runtime, pending)
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
) -> None:
    """The caller's leg: only its end matters here; duplicates and late arrivals do nothing."""
    store = CallStore(runtime.redis)
    try:
        call = store.by_sid(call_sid) if call_sid else None
    except (redis.RedisError, OSError):
        runtime.redis_watch.failed()
        call, reachable = None, False
    else:
        reachable = True
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
        call.ended_at, call.end_status = now(), status
        log.info("call ended", extra={"call_id": call.call_id, "stage": call.stage})
    store.save(call)
    if ending:
        record_now(runtime, call)


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
        store = CallStore(runtime.redis)
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


def call_ended(runtime: Runtime, call: LiveCall) -> None:
    """The caller hung up: leave the queue; a counselor being rung for them is freed."""
    removal = LiveQueue(runtime.redis).remove_with_offer(call.call_id)
    if removal.offer is not None and call.counselor_leg:
        with contextlib.suppress(TelephonyError):  # else the ring times out by itself
            runtime.telephony.hang_up(call.counselor_leg)


def _not_alone(runtime: Runtime, call_id: str, counselor_id: str) -> None:
    """The counselor left the room. Unless they brought someone in to stay with the caller,
    the call is over: hang up the caller's leg rather than leave them alone in the room."""
    call = CallStore(runtime.redis).get(call_id)
    if call is None or call.counselor_id != counselor_id or call.ended_at is not None:
        return
    if call.stage != "connected" or call.transfer_leg or not call.call_sid:
        return
    with contextlib.suppress(TelephonyError):
        runtime.telephony.hang_up(call.call_sid)


def counselor_done(runtime: Runtime, counselor_id: str) -> None:
    """A counselor's call ended: wrap-up (with what was left of one that call paused), then
    back to available when it is over."""
    Presence(runtime.redis).wrap_up(counselor_id, now=now(), seconds=runtime.rules.offer.wrap_up)
