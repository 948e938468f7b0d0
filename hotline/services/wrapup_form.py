"""The console's view of a counselor's call, and filing its wrap-up.

The card shows what the whisper says (tier, language, topic, time waited, calls this
week), never the number. The wrap-up is written onto the call's anonymous record, which
an RQ job writes shortly after the caller's leg ends: until it exists the form is kept and
the counselor is asked to try again. Filing it ends the counselor's wrap-up early, and a
follow-up agreed with consent is handed to the callbacks service.
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass, field
from typing import Literal

from sqlalchemy import select
from sqlalchemy.exc import SQLAlchemyError

from hotline.live.calls import CallStore, LiveCall, now
from hotline.live.offers import Offers
from hotline.live.presence import Presence
from hotline.live.queue import LiveQueue
from hotline.live.wrapup import WrapUps
from hotline.records.calls import calls_since
from hotline.records.models import AuditEvent, CallRecord
from hotline.records.notes import MAX_NOTE, NoteError, save_note
from hotline.routing.snapshot import CounselorState
from hotline.runtime import Runtime
from hotline.services.callbacks import agree_follow_up

log = logging.getLogger(__name__)

# Fixed ids, like the rules' tiers and topics: the console names them in each language.
DISPOSITIONS = (
    "support_given",
    "safety_plan",
    "crisis_intervention",
    "information",
    "referral",
    "third_party",
    "silent",
    "hung_up",
    "abusive",
    "wrong_number",
)
RISK_LEVELS = ("none", "low", "moderate", "high", "imminent")
FOLLOW_UP_WITHIN = dt.timedelta(days=14)  # the latest a follow-up may be set for
UNFILED_FOR = dt.timedelta(hours=2)  # an unfiled call this recent is offered for wrap-up
FOLLOW_UP_FAILED = "Something went wrong while arranging the call back; tell a supervisor."


@dataclass(frozen=True)
class CallCard:
    call_id: str
    stage: Literal["offered", "connected", "ended"]
    tier: str | None
    language: str | None
    topic: str | None
    waited_seconds: int | None
    calls_this_week: int  # this call included; 1 when unknown
    frequent: bool
    callback: bool
    wrap_up_left: int | None = None  # seconds of wrap-up left, once the call has ended


@dataclass(frozen=True)
class Desk:
    """What the console shows: my state and the call it is about (if any)."""

    state: str | None  # None: no live presence (not on the roster, or not synced yet)
    card: CallCard | None


def desk(runtime: Runtime, counselor_id: str, remembered: str | None) -> Desk:
    """My state and card. Once an offer is accepted the offer is gone from Redis: the call
    is the one the counselor last accepted (`CallStore.current_of`), else `remembered`, the
    call the console last showed. A call needing a wrap-up is also found in the records."""
    presence = Presence(runtime.redis).get(counselor_id)
    state = presence.state.value if presence else None
    offer = Offers(runtime.redis).for_counselor(counselor_id)
    if offer is not None:
        return Desk(state, _offered_card(runtime, offer.call_id))
    store = CallStore(runtime.redis)
    remembered = store.current_of(counselor_id) or remembered
    live = store.get(remembered) if remembered else None
    if live is not None and live.counselor_id == counselor_id and live.stage == "connected":
        if live.ended_at is None:
            return Desk(state, _card(runtime, live, "connected"))
        if not _filed(runtime, live.call_id):
            return Desk(state, _card(runtime, live, "ended"))
        return Desk(state, None)
    if state == CounselorState.WRAP_UP.value:
        unfiled = latest_unfiled(runtime, counselor_id)
        found = store.get(unfiled) if unfiled else None
        if found is not None:
            return Desk(state, _card(runtime, found, "ended"))
    return Desk(state, None)


def _offered_card(runtime: Runtime, call_id: str) -> CallCard | None:
    waiting = LiveQueue(runtime.redis).get(call_id)
    live = CallStore(runtime.redis).get(call_id)
    if waiting is None:
        return None
    weekly = _calls_this_week(runtime, live)
    return CallCard(
        call_id=call_id,
        stage="offered",
        tier=waiting.tier,
        language=waiting.language,
        topic=waiting.topic,
        waited_seconds=max(0, int(now() - waiting.entered_at)),
        calls_this_week=weekly,
        frequent=_frequent(runtime, weekly),
        callback=bool(live and live.callback_id),
    )


def _card(runtime: Runtime, live: LiveCall, stage: Literal["connected", "ended"]) -> CallCard:
    waited = None
    if live.queued_at is not None:
        waited = int((live.connected_at or live.ended_at or now()) - live.queued_at)
    left = None
    if stage == "ended":
        ended = live.ended_at or now()
        left = max(0, int(ended + runtime.rules.offer.wrap_up - now()))
    weekly = _calls_this_week(runtime, live)
    return CallCard(
        call_id=live.call_id,
        stage=stage,
        tier=live.tier,
        language=live.language,
        topic=live.topic,
        waited_seconds=max(0, waited) if waited is not None else None,
        calls_this_week=weekly,
        frequent=_frequent(runtime, weekly),
        callback=live.callback_id is not None,
        wrap_up_left=left,
    )


def _calls_this_week(runtime: Runtime, live: LiveCall | None) -> int:
    """As the whisper counts them: records of this caller key in 7 days, plus this call
    (whose own record, once written, is not counted twice)."""
    if live is None or live.caller_key is None:
        return 1
    since = dt.datetime.fromtimestamp(now() - 7 * 24 * 3600, dt.UTC)
    try:
        count = calls_since(runtime.sessions, live.caller_key, since)
        with runtime.sessions() as session:
            own = session.get(CallRecord, live.call_id) is not None
    except SQLAlchemyError:
        return 1
    return count + (0 if own else 1)


def _frequent(runtime: Runtime, weekly: int) -> bool:
    policy = runtime.rules.frequent_callers
    return weekly >= policy.threshold and "flag" in policy.actions


def _filed(runtime: Runtime, call_id: str) -> bool:
    try:
        with runtime.sessions() as session:
            record = session.get(CallRecord, call_id)
            return record is not None and record.disposition is not None
    except SQLAlchemyError:
        return False


def latest_unfiled(runtime: Runtime, counselor_id: str) -> str | None:
    """The counselor's most recent answered call of the last two hours with no wrap-up."""
    if not counselor_id.isdigit():
        return None
    since = dt.datetime.now(dt.UTC) - UNFILED_FOR
    try:
        with runtime.sessions() as session:
            return session.scalar(
                select(CallRecord.id)
                .where(
                    CallRecord.counselor_id == int(counselor_id),
                    CallRecord.started_at >= since,
                    CallRecord.disposition.is_(None),
                )
                .order_by(CallRecord.started_at.desc())
                .limit(1)
            )
    except SQLAlchemyError:
        return None


@dataclass
class WrapUp:
    """The form, parsed. `errors` maps a field to an error code (the console words it)."""

    call_id: str
    disposition: list[str] = field(default_factory=list)
    risk_level: str = ""
    referral_given: bool = False
    emergency_contacted: bool = False
    follow_up_agreed: bool = False
    follow_up_consent: bool = False
    earliest: dt.datetime | None = None
    latest: dt.datetime | None = None
    urgent: bool = False
    note: str = ""
    after: Literal["available", "away"] = "available"
    errors: dict[str, str] = field(default_factory=dict)


def parse(form: dict[str, list[str]], *, zone: dt.tzinfo, at: dt.datetime) -> WrapUp:
    """Read and check the submitted form; times are local to `zone` (the counselor's)."""

    def one(name: str) -> str:
        return (form.get(name) or [""])[0].strip()

    def flag(name: str) -> bool:
        return one(name) in ("1", "on", "yes", "true")

    wrap = WrapUp(
        call_id=one("call_id")[:40],
        disposition=[d for d in dict.fromkeys(form.get("disposition", [])) if d in DISPOSITIONS],
        risk_level=one("risk_level"),
        referral_given=flag("referral_given"),
        emergency_contacted=flag("emergency_contacted"),
        follow_up_agreed=flag("follow_up_agreed"),
        follow_up_consent=flag("follow_up_consent"),
        urgent=flag("urgent"),
        note=one("note"),
        after="away" if one("after") == "away" else "available",
    )
    if not wrap.call_id:
        wrap.errors["call_id"] = "no_call"
    if not wrap.disposition:
        wrap.errors["disposition"] = "required"
    if wrap.risk_level not in RISK_LEVELS:
        wrap.errors["risk_level"] = "required"
    if len(wrap.note) > MAX_NOTE:
        wrap.errors["note"] = "too_long"
    wrap.earliest = _local(one("earliest"), zone)
    wrap.latest = _local(one("latest"), zone)
    if wrap.follow_up_agreed and wrap.follow_up_consent:
        if wrap.earliest is None:
            wrap.errors["earliest"] = "required" if not one("earliest") else "bad_time"
        if wrap.latest is None and one("latest"):
            wrap.errors["latest"] = "bad_time"
        if wrap.earliest and wrap.latest and wrap.latest <= wrap.earliest:
            wrap.errors["latest"] = "before_earliest"
        elif wrap.latest and wrap.latest <= at:
            wrap.errors["latest"] = "past"
        if wrap.earliest and wrap.earliest > at + FOLLOW_UP_WITHIN:
            wrap.errors["earliest"] = "too_far"
    return wrap


def _local(text: str, zone: dt.tzinfo) -> dt.datetime | None:
    """A datetime-local field ("2026-11-22T21:30") in the counselor's zone, as UTC."""
    if not text:
        return None
    try:
        naive = dt.datetime.fromisoformat(text)
    except ValueError:
        return None
    if naive.tzinfo is not None:
        return naive.astimezone(dt.UTC)
    return naive.replace(tzinfo=zone).astimezone(dt.UTC)


@dataclass(frozen=True)
class Filed:
    """What filing did. outcome: saved; not_yet (no record yet: keep the form and retry);
    not_yours (another counselor's call); invalid (see the form's errors)."""

    outcome: Literal["saved", "not_yet", "not_yours", "invalid"]
    follow_up_scheduled: bool = False
    follow_up_reason: str = ""  # why no follow-up was arranged, when one was asked for
    wrap_up_ended: bool = False


def file_wrap_up(runtime: Runtime, wrap: WrapUp, *, counselor_id: str, actor: str) -> Filed:
    """Write the wrap-up onto the call's record, audited; arrange the follow-up; end the
    counselor's wrap-up, unless a follow-up was asked for and could not be arranged (then
    the counselor stays in wrap-up to choose another time)."""
    if wrap.errors:
        return Filed("invalid")
    live = CallStore(runtime.redis).get(wrap.call_id)
    with runtime.sessions() as session:
        record = session.get(CallRecord, wrap.call_id)
        if record is None:
            return Filed("not_yet")
        mine = (record.counselor_id is not None and str(record.counselor_id) == counselor_id) or (
            live is not None and live.counselor_id == counselor_id
        )
        if not mine:
            return Filed("not_yours")
        corrected = record.disposition is not None
        record.disposition = wrap.disposition
        record.risk_level = wrap.risk_level
        record.referral_given = wrap.referral_given
        record.emergency_contacted = wrap.emergency_contacted
        record.follow_up_agreed = wrap.follow_up_agreed
        record.follow_up_consent = wrap.follow_up_consent
        session.add(
            AuditEvent(
                actor=actor,
                action="wrap_up.corrected" if corrected else "wrap_up.filed",
                detail={
                    "call_id": wrap.call_id,
                    "risk_level": wrap.risk_level,
                    "follow_up": wrap.follow_up_agreed and wrap.follow_up_consent,
                },
            )
        )
        session.commit()
    log.info("wrap-up filed", extra={"call_id": wrap.call_id, "counselor": counselor_id})
    if wrap.note and runtime.rules.retention.notes_enabled:
        try:
            save_note(
                runtime.sessions,
                runtime.settings,
                call_id=wrap.call_id,
                text=wrap.note,
                actor=actor,
                enabled=True,
            )
        except NoteError:
            log.warning("wrap-up note not saved", extra={"call_id": wrap.call_id})
    scheduled, reason = False, ""
    if wrap.follow_up_agreed and wrap.follow_up_consent and wrap.earliest is not None:
        try:
            result = agree_follow_up(
                runtime,
                call_id=wrap.call_id,
                counselor_id=counselor_id,
                earliest=wrap.earliest,
                latest=wrap.latest,
                urgent=wrap.urgent,
                actor=actor,
            )
            scheduled, reason = result.scheduled, result.reason
        except Exception:  # the wrap-up is saved: keep the form, never a 500 for this
            log.exception("follow-up not arranged", extra={"call_id": wrap.call_id})
            scheduled, reason = False, FOLLOW_UP_FAILED
        if not scheduled:
            return Filed("saved", False, reason, wrap_up_ended=False)
    ended = end_wrap_up(runtime, counselor_id, then=wrap.after)
    return Filed("saved", scheduled, reason, wrap_up_ended=ended)


def end_wrap_up(runtime: Runtime, counselor_id: str, *, then: str = "available") -> bool:
    """A counselor in wrap-up is done early: available again (a dispatch is requested, so a
    waiting caller is offered at once) or away for a break. True if their state changed."""
    presence = Presence(runtime.redis)
    current = presence.get(counselor_id)
    if current is None or current.state != CounselorState.WRAP_UP:
        return False
    target = CounselorState.AWAY if then == "away" else CounselorState.AVAILABLE
    moved = presence.set_state(counselor_id, target, now())
    if moved:
        WrapUps(runtime.redis).clear(counselor_id)
        runtime.jobs.enqueue("dispatch")
    return moved


def go(runtime: Runtime, counselor_id: str, state: str) -> bool:
    """The console's available / away switch. Ringing, on a call and wrap-up belong to the
    offers and the call (Presence.set_state refuses to undo them); going available from
    wrap-up ends it early. Returns whether the state is now the one asked for."""
    target = CounselorState.AVAILABLE if state == "available" else CounselorState.AWAY
    presence = Presence(runtime.redis)
    current = presence.get(counselor_id)
    if current is None:
        return False
    if current.state == CounselorState.WRAP_UP:
        return end_wrap_up(runtime, counselor_id, then=target.value)
    if current.state in (CounselorState.RINGING, CounselorState.ON_CALL):
        return False
    if current.state == target:
        return True
    moved = presence.set_state(counselor_id, target, now())
    if moved and target == CounselorState.AVAILABLE:
        runtime.jobs.enqueue("dispatch")
    return moved
