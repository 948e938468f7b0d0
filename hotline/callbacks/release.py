"""Due callbacks join the queue in the caller's place; a shut window or a lost live call
is put right by the periodic pass (idempotent)."""

from __future__ import annotations

import datetime as dt
import logging

from sqlalchemy import select

from hotline.callbacks.attempts import attempt_failed
from hotline.callbacks.common import STUCK_AFTER, audit_event, aware, update, utc, zones_of
from hotline.live.calls import LiveCall, new_call_id, now
from hotline.records import vault
from hotline.records.models import Callback
from hotline.routing.snapshot import WaitingCall
from hotline.routing.windows import is_open, next_open
from hotline.runtime import Runtime

log = logging.getLogger(__name__)


def due_ids(runtime: Runtime, *, within: float = 0.0) -> list[tuple[str, dt.datetime]]:
    """Scheduled callbacks due by now + `within` seconds, soonest first."""
    horizon = utc(now() + within)
    with runtime.sessions() as session:
        rows = session.execute(
            select(Callback.id, Callback.due_at)
            .where(Callback.status == "scheduled", Callback.due_at <= horizon)
            .order_by(Callback.due_at)
        ).all()
    return [(row[0], aware(row[1])) for row in rows]


def release_due(runtime: Runtime, at: float | None = None) -> int:
    """Every periodic pass: due callbacks join the queue, waiting ones whose window shut
    leave it, and ones lost from Redis (a restart) or stuck are put right. Idempotent."""
    moment = now() if at is None else at
    released = 0
    for callback_id, _due in due_ids(runtime):
        released += release(runtime, callback_id, at=moment)
    with runtime.sessions() as session:
        waiting = session.scalars(
            select(Callback).where(Callback.status.in_(("queued", "calling")))
        ).all()
    store = runtime.calls
    policy = runtime.rules.callbacks
    for cb in waiting:
        live = store.get(cb.live_call_id) if cb.live_call_id else None
        stale = (moment - aware(cb.updated_at).timestamp()) > STUCK_AFTER
        if cb.status == "queued":
            if live is None or runtime.queue.get(live.call_id) is None:
                if live is None or live.stage in ("queued", "offered"):
                    # Lost with a Redis restart: back in line, in the same place.
                    update(runtime, cb.id, status="scheduled", live_call_id=None)
                    released += release(runtime, cb.id, at=moment)
                elif live.stage == "connected" and stale:
                    attempt_failed(runtime, cb.id, "lost", at=moment)
            elif (
                not cb.urgent
                and not is_open(utc(moment), zones_of(cb.zones), policy)
                and live.stage == "queued"
                and runtime.queue.remove(live.call_id)
            ):
                opens = next_open(utc(moment), zones_of(cb.zones), policy)
                update(runtime, cb.id, status="scheduled", live_call_id=None, due_at=opens)
                log.info("callback waits for the window", extra={"callback_id": cb.id})
        elif live is None and stale:
            attempt_failed(runtime, cb.id, "lost", at=moment)
    return released


def release(runtime: Runtime, callback_id: str, *, at: float | None = None) -> int:
    """A scheduled callback that is due joins the live queue (or waits for its window)."""
    moment = now() if at is None else at
    rules = runtime.rules
    with runtime.sessions.begin() as session:
        cb = session.get(Callback, callback_id, with_for_update=True)
        if cb is None or cb.status != "scheduled" or aware(cb.due_at).timestamp() > moment:
            return 0
        if cb.not_after is not None and aware(cb.not_after).timestamp() < moment:
            cb.status, cb.last_outcome, cb.updated_at = "failed", "window_passed", utc(moment)
            vault_id = cb.vault_id
            expired = True
        else:
            expired = False
            if not cb.urgent and not is_open(utc(moment), zones_of(cb.zones), rules.callbacks):
                cb.due_at = next_open(utc(moment), zones_of(cb.zones), rules.callbacks)
                cb.updated_at = utc(moment)
                return 0
            live = LiveCall(
                call_id=new_call_id(),
                call_sid="",
                started_at=moment,
                script_version=runtime.scripts.current.version,
                rules_version=rules.version,
                caller_key=cb.caller_key,
                stage="queued",
                queued_at=aware(cb.entered_at).timestamp(),
                language=cb.language,
                topic=cb.topic,
                tier=cb.tier if cb.tier in rules.tiers else rules.tier_order[0],
                callback_id=cb.id,
            )
            cb.status, cb.live_call_id, cb.updated_at = "queued", live.call_id, utc(moment)
            preferred = cb.counselor_id
    if expired:
        vault.close(runtime.sessions, vault_id, "expired")
        audit_event(
            runtime, "callback.gave_up", "system", callback_id=callback_id, why="window_passed"
        )
        return 0
    runtime.calls.create(live)
    assert live.tier and live.language and live.topic and live.queued_at is not None
    runtime.queue.enqueue(
        WaitingCall(
            call_id=live.call_id,
            tier=live.tier,
            entered_at=live.queued_at,
            language=live.language,
            topic=live.topic,
            preferred_counselor=preferred,
            rules_version=live.rules_version,
            callback=True,
        )
    )
    runtime.jobs.enqueue("dispatch")
    log.info("callback queued", extra={"call_id": live.call_id, "callback_id": callback_id})
    return 1
