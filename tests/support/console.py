"""The console's side of the dispatch desk: Ana's console, a call she answered, a wrap-up
filed for a call. Shared by the console's integration tests."""

from __future__ import annotations

from flask import Flask
from flask.testing import FlaskClient

from hotline.live.calls import now
from hotline.live.presence import Presence
from hotline.queue.dispatch import dispatch
from hotline.routing.snapshot import CounselorState
from tests.integration.web_support import csrf_token, signed_in_client
from tests.support.caller import Caller
from tests.support.desk import PHONES, Desk

WRAP_UP = {
    "disposition": ["support_given", "safety_plan"],
    "risk_level": "high",
    "emergency_contacted": "1",
}


def console_client(app: Flask, desk: Desk) -> FlaskClient:
    return signed_in_client(app, desk.runtime, "ana", "counselor", counselor="Ana")


def only_ana(desk: Desk) -> None:
    """Li and Zhang on a break: Ana takes every call, however briefly she was idle."""
    for other in ("Li", "Zhang"):
        Presence(desk.runtime.redis).set_state(desk.ids[other], CounselorState.AWAY, now())


def answered_call(desk: Desk) -> tuple[Caller, Caller]:
    """A caller in English about suicide, taken by Ana (idle longest), then hung up."""
    caller = desk.caller("1", "1")
    dispatch(desk.runtime)
    assert desk.rung() == ["Ana"]
    leg = Caller(desk.client, number=PHONES["Ana"])
    leg.give(leg.post(desk.offer_path()), "1")
    return caller, leg


def hang_up_call(caller: Caller, leg: Caller, desk: Desk) -> None:
    caller.post("/voice/status", {"CallStatus": "completed", "SequenceNumber": "5"})
    leg.post(desk.status_path(), {"CallStatus": "completed"})


def file_wrap_up(console: FlaskClient, call_id: str, **fields: object):  # type: ignore[no-untyped-def]
    data = {**WRAP_UP, **fields, "call_id": call_id, "csrf_token": csrf_token(console)}
    return console.post("/console/wrapup", data=data)


def only_ana_after_a_call(desk: Desk) -> Caller:
    """Ana alone on call; she answers an English caller, who then hangs up: wrap-up."""
    presence = Presence(desk.runtime.redis)
    for name in ("Li", "Zhang"):
        presence.set_state(desk.ids[name], CounselorState.OFF_SHIFT, now(), force=True)
    first = desk.caller("1", "1")
    dispatch(desk.runtime)
    leg = Caller(desk.client, number=PHONES["Ana"])
    leg.give(leg.post(desk.offer_path()), "1")
    leg.post(desk.status_path(), {"CallStatus": "completed"})
    assert desk.state("Ana") is CounselorState.WRAP_UP
    return first
