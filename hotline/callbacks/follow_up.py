"""A follow-up agreed on a call, with the caller's consent, at the counselor's wrap-up."""

from __future__ import annotations

import datetime as dt
import logging
import secrets
from dataclasses import dataclass

from sqlalchemy import select

from hotline.callbacks.common import OPEN, aware, keep, utc, zones_for, zones_of
from hotline.live.calls import LiveCall
from hotline.phone_numbers import to_e164
from hotline.platform.counters import count
from hotline.records import vault
from hotline.records.models import Callback
from hotline.routing.policy import CallbackPolicy, Rules
from hotline.routing.windows import next_open
from hotline.runtime import Runtime
from hotline.telephony.client import TelephonyError

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class FollowUp:
    """What agreeing to a follow-up did: scheduled (when) or not (and why, for the form)."""

    scheduled: bool
    reason: str
    callback_id: str | None = None
    due_at: dt.datetime | None = None


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
    live = runtime.calls.get(call_id)
    refused = _refused(runtime, live, call_id)
    if refused:
        return FollowUp(False, refused)
    assert live is not None
    e164, refused = _caller_number(runtime, live)
    if e164 is None:
        return FollowUp(False, refused)
    zones, moment = zones_for(e164), utc()
    due = max(aware(earliest), moment)
    if not urgent:
        due = next_open(due, zones_of(zones), runtime.rules.callbacks)
    end = aware(latest) if latest else None
    if end is not None and due > end:
        return FollowUp(False, _outside_hours(runtime.rules.callbacks))
    vault_id = vault.store_number(
        runtime.sessions, runtime.settings, call_id=call_id, caller_key=live.caller_key, e164=e164
    )
    callback_id = secrets.token_urlsafe(12)
    keep(
        runtime,
        moment,
        actor=actor,
        action="callback.agreed",
        id=callback_id,
        call_id=call_id,
        vault_id=vault_id,
        source="follow_up",
        zones=zones,
        counselor_id=counselor_id or None,
        urgent=urgent,
        entered_at=due,
        due_at=due,
        not_after=end,
        **_as_the_call_was(runtime.rules, live),
    )
    count(runtime.redis, "callbacks_agreed")
    log.info("follow-up agreed", extra={"call_id": call_id, "callback_id": callback_id})
    return FollowUp(True, "", callback_id, due)


def _caller_number(runtime: Runtime, live: LiveCall) -> tuple[str | None, str]:
    """The caller's number (E.164) from Twilio's log of the call, or None and why not."""
    try:
        e164 = to_e164(runtime.telephony.caller_number(live.call_sid))
    except TelephonyError:
        return None, "Twilio could not be reached to arrange the call back; try again."
    if e164 is None:
        return None, "The caller's number was withheld, so no call back can be made."
    return e164, ""


def _outside_hours(window: CallbackPolicy) -> str:
    return (
        f"The time you chose falls outside the caller's calling hours "
        f"({window.window_from:%H:%M} to {window.window_to:%H:%M} their time). "
        f"Choose a later time, or mark it urgent."
    )


def _as_the_call_was(rules: Rules, live: LiveCall) -> dict[str, object]:
    """The callback's caller, language, topic and tier, as the call had them (an unknown tier
    as the most urgent one)."""
    return {
        "caller_key": live.caller_key,
        "language": live.language or rules.default_language,
        "topic": live.topic or "general",
        "tier": live.tier if live.tier in rules.tiers else rules.tier_order[-1],
    }


def _refused(runtime: Runtime, live: LiveCall | None, call_id: str) -> str | None:
    """Why no follow-up can be agreed for this call, or None."""
    if live is None or not live.call_sid:
        return "This call is no longer known here, so no call back can be made."
    with runtime.sessions() as session:
        taken = session.scalar(
            select(Callback.id).where(Callback.call_id == call_id, Callback.status.in_(OPEN))
        )
    return "A call back is already arranged for this call." if taken else None
