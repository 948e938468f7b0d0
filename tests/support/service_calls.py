"""Callers and counselors through the services themselves (no webhook, no HTTP), for the
unit tier: a caller dials in and presses keys as the voice webhooks would have them do;
the dispatch desk's counselors go on call."""

from __future__ import annotations

import secrets
from urllib.parse import parse_qs, urlsplit

from hotline.live.calls import CallStore, LiveCall, now
from hotline.live.presence import Presence
from hotline.routing.snapshot import CounselorState
from hotline.runtime import Runtime
from hotline.services.calls import answer, respond
from hotline.services.presence import sync_roster
from hotline.telephony.client import FakeTelephony
from tests.support.desk import PHONES, ROSTER, save_test_roster

ENGLISH_SUICIDE = ("1", "1")  # tier urgent
MANDARIN_SUICIDE = ("2", "1")  # tier urgent
ENGLISH_RELATIONSHIPS = ("1", "3")  # tier standard
DANGER = ("9",)  # tier imminent


def desk_on_call(runtime: Runtime) -> dict[str, str]:
    """Ana (en, suicide), Li (zh+en, suicide) and Zhang (zh, youth) available; Ana has been
    idle longest, Li shortest. Their counselor ids by name."""
    ids = save_test_roster(runtime, ROSTER)
    sync_roster(runtime, at=now() - 600)
    presence = Presence(runtime.redis)
    for order, name in enumerate(["Ana", "Zhang", "Li"]):
        presence.set_state(ids[name], CounselorState.OFF_SHIFT, now())
        presence.set_state(ids[name], CounselorState.AVAILABLE, now() - 300 + order)
    return ids


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
