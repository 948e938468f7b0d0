"""Supervisors on live calls, and warm transfers, through the call's conference room.

Every answered call is a per-call conference (`twiml.room`). A supervisor joins it
from their phone: to listen (muted, unheard), to coach (heard by the counselor only:
Twilio's <Conference coach>), or to barge (heard by both). A counselor brings a third
party in (emergency services, or a colleague who takes over): that party joins the same
room, and once someone has been brought in, the counselor may leave and the caller
stays with them. Every join is audited; no number is logged.
"""

from __future__ import annotations

import logging

import phonenumbers

from hotline.live.calls import LiveCall
from hotline.records.audit import audit
from hotline.runtime import Runtime
from hotline.telephony.client import TelephonyError
from hotline.telephony.twiml import room

log = logging.getLogger(__name__)
MODES = ("listen", "coach", "barge")
RING_FOR = 30


class SuperviseError(ValueError):
    """Not a live, answered call; not a phone number; or the phone could not be rung."""


def _valid(number: str) -> str:
    try:
        parsed = phonenumbers.parse(number, None)
    except phonenumbers.NumberParseException as exc:
        raise SuperviseError(
            "give the number in international format, e.g. +1 415 555 0100"
        ) from exc
    if not phonenumbers.is_valid_number(parsed):
        raise SuperviseError("that is not a valid phone number")
    return phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164)


def _live(runtime: Runtime, call_id: str) -> LiveCall:
    call = runtime.calls.get(call_id)
    if call is None or call.stage != "connected" or call.ended_at is not None:
        raise SuperviseError("this call is not in progress")
    return call


def _audit(runtime: Runtime, actor: str, action: str, call_id: str) -> None:
    audit(runtime.sessions, actor=actor, action=action, detail={"call_id": call_id})


def join(runtime: Runtime, *, call_id: str, phone: str, mode: str, actor: str) -> str:
    """Ring the supervisor's phone; on answer they join the call's room in `mode`."""
    if mode not in MODES:
        raise SuperviseError(f"mode must be one of {', '.join(MODES)}")
    call = _live(runtime, call_id)
    if mode == "coach" and not call.counselor_leg:
        raise SuperviseError("the counselor's leg is not known; listen or barge instead")
    try:
        leg = runtime.telephony.call(
            to=_valid(phone),
            url=runtime.public("/voice/supervise", call=call.call_id, mode=mode),
            status_callback=runtime.public("/voice/supervise/status", call=call.call_id),
            timeout=RING_FOR,
        )
    except TelephonyError as exc:
        raise SuperviseError("the phone could not be rung; try again") from exc
    _audit(runtime, actor, f"supervise.{mode}", call.call_id)
    log.info("supervisor joining", extra={"call_id": call.call_id, "mode": mode})
    return leg


def warm_transfer(runtime: Runtime, *, call_id: str, number: str, actor: str) -> str:
    """Bring a third party into the call; the caller may then stay with them alone."""
    call = _live(runtime, call_id)
    try:
        leg = runtime.telephony.call(
            to=_valid(number),
            url=runtime.public("/voice/supervise", call=call.call_id, mode="transfer"),
            status_callback=runtime.public("/voice/supervise/status", call=call.call_id),
            timeout=RING_FOR,
        )
    except TelephonyError as exc:
        raise SuperviseError("the number could not be rung; try again") from exc
    store = runtime.calls
    fresh = store.get(call.call_id) or call
    fresh.transfer_leg = leg
    store.save(fresh)
    _audit(runtime, actor, "call.warm_transfer", call.call_id)
    log.info("warm transfer", extra={"call_id": call.call_id})
    return leg


def room_for(runtime: Runtime, call_id: str) -> tuple[str, str | None] | None:
    """(the room, the counselor's leg to coach) for a joining party; None if the call ended."""

    call = runtime.calls.get(call_id)
    if call is None or call.stage != "connected" or call.ended_at is not None:
        return None
    return room(call.call_id), call.counselor_leg
