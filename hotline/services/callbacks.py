"""Callbacks: asked for from the queue, or agreed with a counselor at wrap-up.

A callback is a waiting call whose caller is not on the line. It sits in the live queue
like any other (a caller who asks from the queue keeps their place), is matched by the
same rules, and rings the counselor first; only once the counselor has pressed the
accept key is the caller rung, with machine detection: a voicemail hears the rules'
neutral message (or nothing) and the attempt counts as failed. Failed attempts are
retried with the rules' backoff, inside the caller's local window, up to max_attempts.

The caller's number is only ever in the vault (`records/vault.py`), read by the step
that rings the caller (audited), and erased when the callback is done, given up or
forgotten. The `callbacks` table is the durable truth: a Redis restart or a killed
worker loses no callback, because `release_due` rebuilds the queue from it.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import logging
import secrets
from dataclasses import dataclass

import phonenumbers
from phonenumbers import timezone as number_zones
from sqlalchemy import select

from hotline.live.calls import CallStore, LiveCall, new_call_id, now
from hotline.live.counters import count
from hotline.live.offers import Offers
from hotline.live.queue import LiveQueue
from hotline.phone_numbers import to_e164
from hotline.records import vault
from hotline.records.models import AuditEvent, Callback
from hotline.records.retention import audit
from hotline.routing.snapshot import WaitingCall
from hotline.routing.windows import closes_within, is_open, next_open
from hotline.runtime import Runtime
from hotline.services.dispatch import public
from hotline.telephony.client import TelephonyError

log = logging.getLogger(__name__)

RING_CALLER_FOR = 30  # seconds the caller's phone rings on a callback
STUCK_AFTER = 15 * 60  # a callback "calling" this long with no live call has failed
MACHINE = ("machine_start", "machine_end_beep", "machine_end_silence", "machine_end_other", "fax")
OPEN = ("scheduled", "queued", "calling")


@dataclass(frozen=True)
class FollowUp:
    """What agreeing to a follow-up did: scheduled (when) or not (and why, for the form)."""

    scheduled: bool
    reason: str
    callback_id: str | None = None
    due_at: dt.datetime | None = None


def _utc(moment: float | None = None) -> dt.datetime:
    return dt.datetime.fromtimestamp(now() if moment is None else moment, dt.UTC)


def _aware(value: dt.datetime) -> dt.datetime:
    """SQLite hands back naive datetimes; everything here is UTC."""
    return value if value.tzinfo else value.replace(tzinfo=dt.UTC)


def zones_for(e164: str | None) -> str:
    """The time zones a number's prefix may be in, comma-separated ("" when unknown)."""
    if not e164:
        return ""
    try:
        number = phonenumbers.parse(e164, None)
    except phonenumbers.NumberParseException:
        return ""
    zones = [z for z in number_zones.time_zones_for_number(number) if z != "Etc/Unknown"]
    return ",".join(zones)


def _zones(text: str) -> tuple[str, ...]:
    return tuple(z for z in text.split(",") if z)


def _audit(runtime: Runtime, action: str, actor: str, **detail: object) -> None:
    audit(runtime.sessions, actor=actor, action=action, detail=detail)


# --- From the queue. ---------------------------------------------------------------------


def may_offer(runtime: Runtime, call: LiveCall, e164: str | None) -> bool:
    """Whether the hold loop offers the callback key now: the caller has waited long enough,
    has a number we can ring, and the window is open (and stays open an hour) where they
    are, and their tier is one the rules' `callbacks.offer_to` names. At night the caller
    keeps waiting or overflows to a person instead: a callback promised for the morning is
    no help to someone in crisis now."""
    if e164 is None or call.stage != "queued" or call.queued_at is None:
        return False
    own = runtime.rules_for(call.rules_version)
    if own.tier_for(call.tier or "").name not in own.callbacks.offer_to:
        return False  # a caller in danger is kept on the line, unless the rules say so
    if now() - call.queued_at < runtime.rules.overflow.callback_offer_after:
        return False
    policy = runtime.rules.callbacks
    return not closes_within(_utc(), 3600, _zones(zones_for(e164)), policy)


def request_from_queue(runtime: Runtime, call: LiveCall, e164: str) -> bool:
    """The caller pressed the callback key on hold: keep their number in the vault, and
    put a callback in their place in line (same tier, same time entered)."""
    if call.stage != "queued" or call.queued_at is None or not call.tier:
        return False
    if Offers(runtime.redis).for_call(call.call_id) is not None:
        return False  # a counselor is being rung for them right now: let it connect
    moment = _utc()
    callback_id = secrets.token_urlsafe(12)
    vault_id = vault.store_number(
        runtime.sessions,
        runtime.settings,
        call_id=call.call_id,
        caller_key=call.caller_key,
        e164=e164,
    )
    with runtime.sessions.begin() as session:
        session.add(
            Callback(
                id=callback_id,
                call_id=call.call_id,
                vault_id=vault_id,
                caller_key=call.caller_key,
                source="queue",
                language=call.language or runtime.rules.default_language,
                topic=call.topic or "general",
                tier=call.tier,
                zones=zones_for(e164),
                counselor_id=None,
                urgent=False,
                entered_at=_utc(call.queued_at),
                due_at=moment,
                not_after=None,
                attempts=0,
                status="scheduled",
                created_at=moment,
                updated_at=moment,
            )
        )
        session.add(
            AuditEvent(
                actor="caller",
                action="callback.requested",
                detail={"callback_id": callback_id, "call_id": call.call_id, "source": "queue"},
            )
        )
    LiveQueue(runtime.redis).remove(call.call_id)
    call.stage = "callback"
    CallStore(runtime.redis).save(call)
    count(runtime.redis, "callbacks_requested")
    log.info("callback requested", extra={"call_id": call.call_id, "callback_id": callback_id})
    release(runtime, callback_id)
    return True


# --- Agreed at wrap-up. --------------------------------------------------------------------


def agree_follow_up(
    runtime: Runtime,
    *,
    call_id: str,
    counselor_id: str,
    earliest: dt.datetime,
    latest: dt.datetime | None,
    urgent: bool,
    actor: str,
) -> FollowUp:
    """Schedule the follow-up a caller agreed to (with consent) on a call.

    The number is fetched from Twilio's own log of that call now, at the moment of
    consent, and goes straight into the vault: nothing of it was kept before. The
    counselor who agreed it is preferred when on call. Outside the caller's window it
    waits for the window to open, unless marked urgent.
    """
    rules = runtime.rules
    live = CallStore(runtime.redis).get(call_id)
    if live is None or not live.call_sid:
        return FollowUp(False, "This call is no longer known here, so no call back can be made.")
    with runtime.sessions() as session:
        taken = session.scalar(
            select(Callback.id).where(Callback.call_id == call_id, Callback.status.in_(OPEN))
        )
    if taken:
        return FollowUp(False, "A call back is already arranged for this call.")
    try:
        fetched = runtime.telephony.caller_number(live.call_sid)
    except TelephonyError:
        return FollowUp(False, "Twilio could not be reached to arrange the call back; try again.")
    e164 = to_e164(fetched)
    if e164 is None:
        return FollowUp(False, "The caller's number was withheld, so no call back can be made.")
    zones = zones_for(e164)
    moment = _utc()
    due = max(_aware(earliest), moment)
    if not urgent:
        due = next_open(due, _zones(zones), rules.callbacks)
    end = _aware(latest) if latest else None
    if end is not None and due > end:
        window = rules.callbacks
        return FollowUp(
            False,
            f"The time you chose falls outside the caller's calling hours "
            f"({window.window_from:%H:%M} to {window.window_to:%H:%M} their time). "
            f"Choose a later time, or mark it urgent.",
        )
    vault_id = vault.store_number(
        runtime.sessions, runtime.settings, call_id=call_id, caller_key=live.caller_key, e164=e164
    )
    callback_id = secrets.token_urlsafe(12)
    tier = live.tier if live.tier in rules.tiers else rules.tier_order[-1]
    with runtime.sessions.begin() as session:
        session.add(
            Callback(
                id=callback_id,
                call_id=call_id,
                vault_id=vault_id,
                caller_key=live.caller_key,
                source="follow_up",
                language=live.language or rules.default_language,
                topic=live.topic or "general",
                tier=tier,
                zones=zones,
                counselor_id=counselor_id or None,
                urgent=urgent,
                entered_at=due,
                due_at=due,
                not_after=end,
                attempts=0,
                status="scheduled",
                created_at=moment,
                updated_at=moment,
            )
        )
        session.add(
            AuditEvent(
                actor=actor,
                action="callback.agreed",
                detail={
                    "callback_id": callback_id,
                    "call_id": call_id,
                    "due_at": due.isoformat(),
                    "urgent": urgent,
                },
            )
        )
    count(runtime.redis, "callbacks_agreed")
    log.info("follow-up agreed", extra={"call_id": call_id, "callback_id": callback_id})
    return FollowUp(True, "", callback_id, due)


# --- Due callbacks join the queue. ---------------------------------------------------------


def due_ids(runtime: Runtime, *, within: float = 0.0) -> list[tuple[str, dt.datetime]]:
    """Scheduled callbacks due by now + `within` seconds, soonest first."""
    horizon = _utc(now() + within)
    with runtime.sessions() as session:
        rows = session.execute(
            select(Callback.id, Callback.due_at)
            .where(Callback.status == "scheduled", Callback.due_at <= horizon)
            .order_by(Callback.due_at)
        ).all()
    return [(row[0], _aware(row[1])) for row in rows]


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
    store = CallStore(runtime.redis)
    policy = runtime.rules.callbacks
    for cb in waiting:
        live = store.get(cb.live_call_id) if cb.live_call_id else None
        stale = (moment - _aware(cb.updated_at).timestamp()) > STUCK_AFTER
        if cb.status == "queued":
            if live is None or LiveQueue(runtime.redis).get(live.call_id) is None:
                if live is None or live.stage in ("queued", "offered"):
                    # Lost with a Redis restart: back in line, in the same place.
                    _set(runtime, cb.id, status="scheduled", live_call_id=None)
                    released += release(runtime, cb.id, at=moment)
                elif live.stage == "connected" and stale:
                    attempt_failed(runtime, cb.id, "lost", at=moment)
            elif (
                not cb.urgent
                and not is_open(_utc(moment), _zones(cb.zones), policy)
                and live.stage == "queued"
                and LiveQueue(runtime.redis).remove(live.call_id)
            ):
                opens = next_open(_utc(moment), _zones(cb.zones), policy)
                _set(runtime, cb.id, status="scheduled", live_call_id=None, due_at=opens)
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
        if cb is None or cb.status != "scheduled" or _aware(cb.due_at).timestamp() > moment:
            return 0
        if cb.not_after is not None and _aware(cb.not_after).timestamp() < moment:
            cb.status, cb.last_outcome, cb.updated_at = "failed", "window_passed", _utc(moment)
            vault_id = cb.vault_id
            expired = True
        else:
            expired = False
            if not cb.urgent and not is_open(_utc(moment), _zones(cb.zones), rules.callbacks):
                cb.due_at = next_open(_utc(moment), _zones(cb.zones), rules.callbacks)
                cb.updated_at = _utc(moment)
                return 0
            live = LiveCall(
                call_id=new_call_id(),
                call_sid="",
                started_at=moment,
                script_version=runtime.scripts.current.version,
                rules_version=rules.version,
                caller_key=cb.caller_key,
                stage="queued",
                queued_at=_aware(cb.entered_at).timestamp(),
                language=cb.language,
                topic=cb.topic,
                tier=cb.tier if cb.tier in rules.tiers else rules.tier_order[0],
                callback_id=cb.id,
            )
            cb.status, cb.live_call_id, cb.updated_at = "queued", live.call_id, _utc(moment)
            preferred = cb.counselor_id
    if expired:
        vault.close(runtime.sessions, vault_id, "expired")
        _audit(runtime, "callback.gave_up", "system", callback_id=callback_id, why="window_passed")
        return 0
    CallStore(runtime.redis).create(live)
    assert live.tier and live.language and live.topic and live.queued_at is not None
    LiveQueue(runtime.redis).enqueue(
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


def _set(runtime: Runtime, callback_id: str, **values: object) -> None:
    with runtime.sessions.begin() as session:
        cb = session.get(Callback, callback_id)
        if cb is None:
            return
        for name, value in values.items():
            setattr(cb, name, value)
        cb.updated_at = _utc()


# --- The counselor accepted: ring the caller. ------------------------------------------------


def ring_caller(runtime: Runtime, call: LiveCall) -> None:
    """Called once the counselor is in the room: ring the caller (machine detection on)."""

    assert call.callback_id is not None
    with runtime.sessions.begin() as session:
        cb = session.get(Callback, call.callback_id, with_for_update=True)
        if cb is None or cb.status != "queued" or cb.live_call_id != call.call_id:
            return
        cb.status, cb.attempts, cb.updated_at = "calling", cb.attempts + 1, _utc()
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
            url=public(runtime, "/voice/callback", call=call.call_id),
            status_callback=public(runtime, "/voice/callback/status", call=call.call_id),
            timeout=RING_CALLER_FOR,
            machine_detection=True,
        )
    except TelephonyError:
        log.warning("could not ring the caller back", extra={"call_id": call.call_id})
        attempt_failed(runtime, call.callback_id, "failed")
        _release_counselor(runtime, call)
        return
    store = CallStore(runtime.redis)
    fresh = store.get(call.call_id) or call
    fresh.call_sid = leg
    store.create(fresh)  # maps the new leg's CallSid to this call
    _audit(
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
    store = CallStore(runtime.redis)
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
    store = CallStore(runtime.redis)
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
            cb.status, cb.last_outcome, cb.updated_at = "done", "talked", _utc()
            vault_id = cb.vault_id
        vault.close(runtime.sessions, vault_id, "done")
        _audit(runtime, "callback.done", "callback", callback_id=call.callback_id)
        count(runtime.redis, "callbacks_done")
        runtime.jobs.enqueue("record", call.call_id)
        log.info("callback done", extra={"call_id": call_id})
        return
    outcome = "voicemail" if call.answered_by in MACHINE else status or "failed"
    attempt_failed(runtime, call.callback_id, outcome)
    _release_counselor(runtime, call)


def attempt_failed(
    runtime: Runtime, callback_id: str, outcome: str, *, at: float | None = None
) -> None:
    """Not reached: try again after the rules' backoff (inside the window), or give up."""
    moment = now() if at is None else at
    policy = runtime.rules.callbacks
    with runtime.sessions.begin() as session:
        cb = session.get(Callback, callback_id, with_for_update=True)
        if cb is None or cb.status not in ("queued", "calling"):
            return
        cb.last_outcome, cb.live_call_id, cb.updated_at = outcome, None, _utc(moment)
        if cb.attempts >= policy.max_attempts:
            cb.status = "failed"
            vault_id: str | None = cb.vault_id
            attempts = cb.attempts
            due = None
        else:
            vault_id = None
            due = _utc(moment + policy.delay_after(cb.attempts))
            if not cb.urgent:
                due = next_open(due, _zones(cb.zones), policy)
            cb.status, cb.due_at = "scheduled", due
            attempts = cb.attempts
    detail = {"callback_id": callback_id, "outcome": outcome, "attempts": attempts}
    if vault_id is not None:
        vault.close(runtime.sessions, vault_id, "expired")
        _audit(runtime, "callback.gave_up", "callback", **detail)
        count(runtime.redis, "callbacks_failed")
        log.warning("callback given up", extra=detail)
    else:
        assert due is not None
        _audit(runtime, "callback.retry", "callback", due_at=due.isoformat(), **detail)
        log.info("callback will be retried", extra=detail)


def _release_counselor(runtime: Runtime, call: LiveCall) -> None:
    """The caller was not reached: tell the counselor waiting in the room, and end their leg."""

    LiveQueue(runtime.redis).remove(call.call_id)
    if call.counselor_leg:
        with contextlib.suppress(TelephonyError):
            runtime.telephony.redirect(
                call.counselor_leg, public(runtime, "/voice/callback/unreached")
            )


def cancel_for_key(runtime: Runtime, caller_key: str) -> int:
    """A data-subject request: every open callback of this caller is cancelled."""
    with runtime.sessions.begin() as session:
        rows = session.scalars(
            select(Callback).where(Callback.caller_key == caller_key, Callback.status.in_(OPEN))
        ).all()
        for cb in rows:
            cb.status, cb.updated_at, cb.caller_key = "cancelled", _utc(), None
        live_ids = [cb.live_call_id for cb in rows if cb.live_call_id]
    for live_id in live_ids:
        LiveQueue(runtime.redis).remove(live_id)
    return len(rows)
