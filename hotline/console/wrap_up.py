"""Filing a counselor's wrap-up onto the one call it is about.

The wrap-up is written onto the call's anonymous record, which an RQ job writes shortly
after the caller's leg ends: until it exists the form is kept and the counselor is asked
to try again. A call that is not this counselor's is refused. Filing the call whose
wrap-up time is running ends that time early; filing an older unfiled call changes no
state. A follow-up agreed with consent is handed to the callbacks service.
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass, field
from typing import Literal

from hotline.callbacks import agree_follow_up
from hotline.console.desk import Unfiled, aware, is_current_wrap_up
from hotline.console.notes import MAX_NOTE, NoteError, save_note
from hotline.live.calls import now
from hotline.records.models import AuditEvent, CallRecord
from hotline.routing.snapshot import CounselorState
from hotline.runtime import Runtime

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
FOLLOW_UP_FAILED = "Something went wrong while arranging the call back; tell a supervisor."


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
    not_yours (another counselor's call, or no call at all); invalid (see the form's
    errors). wrap_up_ended: the counselor's running wrap-up time ended with it."""

    outcome: Literal["saved", "not_yet", "not_yours", "invalid"]
    follow_up_scheduled: bool = False
    follow_up_reason: str = ""  # why no follow-up was arranged, when one was asked for
    wrap_up_ended: bool = False
    call: Unfiled | None = None  # the call it was filed on (time, tier, language), once saved


def file_wrap_up(runtime: Runtime, wrap: WrapUp, *, counselor_id: str, actor: str) -> Filed:
    """Write the wrap-up onto the record of `wrap.call_id`, audited; arrange the follow-up;
    end the counselor's wrap-up time if it runs for this call, unless a follow-up was asked
    for and could not be arranged (then they stay in wrap-up to choose another time)."""
    if wrap.errors:
        return Filed("invalid")
    live = runtime.calls.get(wrap.call_id)
    talked = bool(live and live.counselor_id == counselor_id and live.connected_at)
    current = is_current_wrap_up(runtime, counselor_id, wrap.call_id)
    filed = _write_record(runtime, wrap, counselor_id=counselor_id, actor=actor, talked=talked)
    if filed.outcome != "saved":
        return filed
    log.info("wrap-up filed", extra={"call_id": wrap.call_id, "counselor": counselor_id})
    _save_note(runtime, wrap, actor=actor)
    scheduled, reason = False, ""
    if wrap.follow_up_agreed and wrap.follow_up_consent and wrap.earliest is not None:
        scheduled, reason = _arrange_follow_up(
            runtime, wrap, wrap.earliest, counselor_id=counselor_id, actor=actor
        )
        if not scheduled:
            return Filed("saved", False, reason, wrap_up_ended=False, call=filed.call)
    ended = current and end_wrap_up(runtime, counselor_id, then=wrap.after)
    return Filed("saved", scheduled, reason, wrap_up_ended=ended, call=filed.call)


def _write_record(
    runtime: Runtime, wrap: WrapUp, *, counselor_id: str, actor: str, talked: bool
) -> Filed:
    """The form onto the call's record, with its audit event, in one transaction: saved (with
    the call it was filed on), or not_yours / not_yet and nothing written."""
    with runtime.sessions() as session:
        record = session.get(CallRecord, wrap.call_id)
        mine = record is not None and str(record.counselor_id) == counselor_id
        if not (mine or talked):
            log.warning(
                "wrap-up refused: not this counselor's call",
                extra={"call_id": wrap.call_id, "counselor": counselor_id},
            )
            return Filed("not_yours")
        if record is None:
            return Filed("not_yet")
        corrected = record.disposition is not None
        record.disposition = wrap.disposition
        record.risk_level = wrap.risk_level
        record.referral_given = wrap.referral_given
        record.emergency_contacted = wrap.emergency_contacted
        record.follow_up_agreed = wrap.follow_up_agreed
        record.follow_up_consent = wrap.follow_up_consent
        call = Unfiled(record.id, aware(record.started_at), record.tier, record.language, None)
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
    return Filed("saved", call=call)


def _save_note(runtime: Runtime, wrap: WrapUp, *, actor: str) -> None:
    """The counselor's note, when the rules keep notes; a note refused leaves the wrap-up saved."""
    if not (wrap.note and runtime.rules.retention.notes_enabled):
        return
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


def _arrange_follow_up(
    runtime: Runtime, wrap: WrapUp, earliest: dt.datetime, *, counselor_id: str, actor: str
) -> tuple[bool, str]:
    """(scheduled, why not) for the follow-up agreed on the form; the wrap-up is already
    saved, so a failure here keeps the form for another time, never a 500."""
    try:
        result = agree_follow_up(
            runtime,
            call_id=wrap.call_id,
            counselor_id=counselor_id,
            earliest=earliest,
            latest=wrap.latest,
            urgent=wrap.urgent,
            actor=actor,
        )
    except Exception:  # the wrap-up is saved: keep the form, never a 500 for this
        log.exception("follow-up not arranged", extra={"call_id": wrap.call_id})
        return False, FOLLOW_UP_FAILED
    return result.scheduled, result.reason


def end_wrap_up(runtime: Runtime, counselor_id: str, *, then: str = "available") -> bool:
    """A counselor in wrap-up is done early: available again (a dispatch is requested, so a
    waiting caller is offered at once) or away for a break. True if their state changed."""
    presence = runtime.presence
    current = presence.get(counselor_id)
    if current is None or current.state != CounselorState.WRAP_UP:
        return False
    target = CounselorState.AWAY if then == "away" else CounselorState.AVAILABLE
    moved = presence.set_state(counselor_id, target, now())
    if moved:
        runtime.wrap_ups.clear(counselor_id)
        runtime.jobs.enqueue("dispatch")
    return moved


def go(runtime: Runtime, counselor_id: str, state: str) -> bool:
    """The console's available / away switch. Ringing, on a call and wrap-up belong to the
    offers and the call (Presence.set_state refuses to undo them); going available from
    wrap-up ends it early. Returns whether the state is now the one asked for."""
    target = CounselorState.AVAILABLE if state == "available" else CounselorState.AWAY
    presence = runtime.presence
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
