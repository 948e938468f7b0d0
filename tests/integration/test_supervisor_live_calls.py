"""The dashboard lists calls in progress (never a number) and rings a supervisor's phone
into one to listen, coach or barge; its live feed carries every panel, danger first; a
counselor gets no such page."""

from __future__ import annotations

from flask import Flask

from hotline.live.calls import CallStore, LiveCall, new_call_id, now
from hotline.live.presence import Presence
from hotline.live.queue import LiveQueue
from hotline.routing.snapshot import CounselorState, WaitingCall
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
    assert f'data-call="{call.call_id}"' in page
    assert ">Cantonese<" in page and ">Youth<" in page, "by their names, not yue or youth"
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


def test_the_live_feed_carries_every_panel_and_puts_danger_first(
    app: Flask, runtime: Runtime
) -> None:
    client = signed_in_client(app, runtime, "sam", "supervisor")
    quiet = client.get("/supervisor/live.json").get_json()
    assert set(quiet["panels"]) == {
        "head", "waiting", "counselors", "calls", "service", "today", "volume"
    }  # fmt: skip
    assert quiet["alarm"] == "" and "alarm" not in quiet["panels"]["head"]
    assert "No call is in progress." in quiet["panels"]["calls"]

    call = _talking(runtime)
    queue = LiveQueue(runtime.redis)
    queue.enqueue(WaitingCall("in-danger", "imminent", now() - 95, "yue", "suicide"))
    queue.enqueue(WaitingCall("later", "urgent", now() - 70, "en", "general"))
    presence = Presence(runtime.redis)
    presence.upsert("7", languages=["en"], specialties=[])
    presence.set_state("7", CounselorState.AVAILABLE, now())
    busy = client.get("/supervisor/live.json").get_json()
    assert f'data-call="{call.call_id}"' in busy["panels"]["calls"]
    assert ">Listen</button>" in busy["panels"]["calls"]
    assert busy["alarm"].startswith("A caller in danger has waited 1:3")  # 95 s, and a poll
    assert "(answer within 0:20)" in busy["alarm"]
    assert '<header class="dash-head alarm">' in busy["panels"]["head"]
    assert busy["alarm"] in busy["panels"]["head"]
    # Both tiers are late; the one served first is marked the most.
    waiting = busy["panels"]["waiting"]
    assert '<tr data-tier="imminent" class="late late-0">' in waiting
    assert '<tr data-tier="urgent" class="late late-1">' in waiting
    assert waiting.index('data-tier="imminent"') < waiting.index('data-tier="urgent"')
    # Nobody available speaks Cantonese: that caller's count is marked; English is not.
    assert '<td class="num gap" data-language="yue"' in waiting
    assert '<td class="num" data-language="en">1</td>' in waiting
    imminent = next(t for t in busy["tiers"] if t["tier"] == "imminent")
    assert imminent["by_language"] == {"yue": 1}
    assert busy["today"]["imminent"]["queued"] == 1 and busy["today"][""]["waiting"] == 2

    queue.remove("in-danger")
    ended = CallStore(runtime.redis).get(call.call_id)
    assert ended is not None
    ended.ended_at = now()
    CallStore(runtime.redis).save(ended)
    after = client.get("/supervisor/live.json").get_json()
    assert after["alarm"] == "" and f'data-call="{call.call_id}"' not in after["panels"]["calls"]
    assert '<tr data-tier="urgent" class="late late-1">' in after["panels"]["waiting"]


def test_the_alarm_in_chinese(app: Flask, runtime: Runtime) -> None:
    client = signed_in_client(app, runtime, "mei", "supervisor", locale="zh_Hans")
    LiveQueue(runtime.redis).enqueue(WaitingCall("a", "imminent", now() - 40, "zh", "suicide"))
    LiveQueue(runtime.redis).enqueue(WaitingCall("b", "imminent", now() - 10, "en", "suicide"))
    live = client.get("/supervisor/live.json").get_json()
    assert live["alarm"].startswith("2 位身处危险的来电者在等待，最久已等 0:4")
    assert ">普通话<" in live["panels"]["waiting"]


def test_a_counselor_cannot_join_calls(app: Flask, runtime: Runtime) -> None:
    runtime.telephony = phone = FakeTelephony()
    call = _talking(runtime)
    client = signed_in_client(app, runtime, "cora", "counselor")
    response = client.post(
        f"/supervisor/calls/{call.call_id}/join",
        data={"phone": "+14155550150", "mode": "listen", "csrf_token": csrf_token(client)},
    )
    assert response.status_code == 403 and phone.calls == []
