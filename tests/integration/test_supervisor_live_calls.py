"""The dashboard lists calls in progress (never a number) and rings a supervisor's phone
into one to listen, coach or barge; a counselor gets no such page."""

from __future__ import annotations

from flask import Flask

from hotline.live.calls import CallStore, LiveCall, new_call_id, now
from hotline.runtime import Runtime
from hotline.telephony.client import FakeTelephony
from tests.integration.web_support import csrf_token, signed_in_client


def _talking(runtime: Runtime) -> LiveCall:
    call = LiveCall(
        call_id=new_call_id(),
        call_sid="CA" + "5" * 32,
        started_at=now() - 400,
        script_version="v",
        rules_version=runtime.rules.version,
        caller_key="k" * 64,
        stage="connected",
        queued_at=now() - 300,
        language="yue",
        topic="youth",
        tier="urgent",
        counselor_id="1",
        counselor_leg="CA" + "6" * 32,
        connected_at=now() - 125,
    )
    CallStore(runtime.redis).create(call)
    return call


def test_a_supervisor_sees_calls_in_progress_and_joins_one(app: Flask, runtime: Runtime) -> None:
    runtime.telephony = phone = FakeTelephony()
    call = _talking(runtime)
    client = signed_in_client(app, runtime, "sam", "supervisor")
    page = client.get("/supervisor/").get_data(as_text=True)
    assert f'data-call="{call.call_id}"' in page and "youth" in page
    assert "kkkk" not in page, "never the caller key"
    response = client.post(
        f"/supervisor/calls/{call.call_id}/join",
        data={"phone": "+1 415 555 0150", "mode": "coach", "csrf_token": csrf_token(client)},
    )
    assert response.status_code == 302
    [ring] = phone.calls
    assert ring["to"] == "+14155550150" and "mode=coach" in str(ring["url"])
    again = client.get("/supervisor/").get_data(as_text=True)
    assert 'value="+1 415 555 0150"' in again, "the phone is remembered for the next call"
    bad = client.post(
        f"/supervisor/calls/{call.call_id}/join",
        data={"phone": "nope", "mode": "listen", "csrf_token": csrf_token(client)},
        follow_redirects=True,
    )
    assert "international format" in bad.get_data(as_text=True) and len(phone.calls) == 1


def test_a_counselor_cannot_join_calls(app: Flask, runtime: Runtime) -> None:
    runtime.telephony = phone = FakeTelephony()
    call = _talking(runtime)
    client = signed_in_client(app, runtime, "cora", "counselor")
    response = client.post(
        f"/supervisor/calls/{call.call_id}/join",
        data={"phone": "+14155550150", "mode": "listen", "csrf_token": csrf_token(client)},
    )
    assert response.status_code == 403 and phone.calls == []
