"""Callers and counselors through the services themselves (no webhook, no HTTP), for the
unit tier: a caller dials in and presses keys as the voice webhooks would have them do,
is put through, hangs up; a counselor agrees a follow-up."""

from __future__ import annotations

import datetime as dt
import secrets
from urllib.parse import parse_qs, urlsplit
from zoneinfo import ZoneInfo

from hotline.callbacks import FollowUp, agree_follow_up
from hotline.calls.menus import answer, respond
from hotline.calls.status import caller_leg_status, counselor_leg_status
from hotline.live.calls import CallStore, LiveCall, now
from hotline.live.presence import Presence
from hotline.queue.dispatch import accept, dispatch
from hotline.routing.snapshot import CounselorState
from hotline.runtime import Runtime
from hotline.telephony.client import FakeTelephony
from tests.support.desk import PHONES

ENGLISH_SUICIDE = ("1", "1")  # tier urgent
MANDARIN_SUICIDE = ("2", "1")  # tier urgent
ENGLISH_RELATIONSHIPS = ("1", "3")  # tier standard
DANGER = ("9",)  # tier imminent
LA = ZoneInfo("America/Los_Angeles")
LA_NUMBER = "+14155550341"  # a caller in Los Angeles


def call_in(runtime: Runtime, number: str, *keys: str) -> LiveCall:
    """A caller dials in and presses `keys` at the menus; they are in the queue after."""
    sid = "CA" + secrets.token_hex(16)
    turn = answer(runtime, call_sid=sid, from_number=number)
    for key in keys:
        turn = respond(
            runtime,
            call_id=turn.call.call_id,
            call_sid=sid,
            digits=key,
            speech=None,
            from_number=number,
            token=turn.token,
        )
    call = CallStore(runtime.redis).get(turn.call.call_id)
    assert call is not None and call.stage == "queued", "the caller reached the queue"
    return call


def waited(runtime: Runtime, call: LiveCall, seconds: float) -> LiveCall:
    """The caller has been holding for `seconds` (their entry moved back in time)."""
    call.queued_at = now() - seconds
    CallStore(runtime.redis).save(call)
    return call


def state_of(runtime: Runtime, counselor_id: str) -> CounselorState:
    counselor = Presence(runtime.redis).get(counselor_id)
    assert counselor is not None
    return counselor.state


def rung(phone: FakeTelephony) -> list[str]:
    """Whom the service rang, by counselor name (a caller's number shows as itself)."""
    by_phone = {v: k for k, v in PHONES.items()}
    return [by_phone.get(str(c["to"]), str(c["to"])) for c in phone.calls]


def offer_in(phone: FakeTelephony, index: int = -1) -> str:
    """The offer id in the whisper URL of a counselor's ring."""
    query = parse_qs(urlsplit(str(phone.calls[index]["url"])).query)
    return query["offer"][0]


def talking(runtime: Runtime, phone: FakeTelephony, number: str, *keys: str) -> LiveCall:
    """A caller put through to the counselor the dispatch picks (who accepts at once);
    Twilio's log of the call knows the caller's number, as it does for a real call."""
    call = call_in(runtime, number, *keys)
    dispatch(runtime)
    bridged = accept(runtime, offer_in(phone))
    assert bridged is not None and bridged.call_id == call.call_id
    phone.numbers[call.call_sid] = number
    return bridged


def hang_up(runtime: Runtime, phone: FakeTelephony, call: LiveCall) -> None:
    """Both legs end, as their status callbacks say: the record is written and the
    counselor goes to wrap-up."""
    caller_leg_status(runtime, call_sid=call.call_sid, status="completed", sequence="9")
    ring = next(c for c in phone.calls if c["sid"] == call.counselor_leg)
    query = parse_qs(urlsplit(str(ring["status_callback"])).query)
    counselor_leg_status(
        runtime,
        offer_id=query["offer"][0],
        counselor_id=query["counselor"][0],
        status="completed",
        call_id=call.call_id,
    )


def next_3am_in_la() -> dt.datetime:
    """Tomorrow 03:00 in Los Angeles: outside the callback window there."""
    local = dt.datetime.now(LA).replace(hour=3, minute=0, second=0, microsecond=0)
    return local + dt.timedelta(days=1)


def agree(
    runtime: Runtime,
    call_id: str,
    counselor_id: str,
    earliest: dt.datetime,
    *,
    latest: dt.datetime | None = None,
    urgent: bool = False,
) -> FollowUp:
    """The counselor agrees a follow-up with the caller at wrap-up."""
    return agree_follow_up(
        runtime,
        call_id=call_id,
        counselor_id=counselor_id,
        earliest=earliest,
        latest=latest,
        urgent=urgent,
        actor="counselor:test",
    )
