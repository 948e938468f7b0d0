"""Long calls are noticed, never cut: past offer.talk_reminder_after (45 minutes) the
counselor's console shows the talk time and a reminder, and the dashboard marks the call."""

from __future__ import annotations

from typing import Any

from flask import Flask
from flask.testing import FlaskClient

from hotline.live.calls import CallStore
from hotline.routing.rules import parse_rules
from tests.conftest import ROOT
from tests.integration.web_support import signed_in_client
from tests.support.caller import Caller
from tests.support.console import answered_call, console_client
from tests.support.desk import Desk


def _talked_for(desk: Desk, caller: Caller, seconds: float) -> str:
    """The call's caller and counselor were bridged `seconds` ago."""
    store = CallStore(desk.runtime.redis)
    call = desk.live(caller)
    assert call.connected_at is not None
    call.connected_at -= seconds
    store.save(call)
    return call.call_id


def _card(console: FlaskClient) -> str:
    state: dict[str, Any] = console.get("/console/state.json").get_json()
    return str(state["card_html"])


def test_the_console_shows_talk_time_and_reminds_past_45_minutes(app: Flask, desk: Desk) -> None:
    assert desk.runtime.rules.offer.talk_reminder_after == 2700
    console = console_client(app, desk)
    caller, _ = answered_call(desk)
    _talked_for(desk, caller, 12 * 60 + 5)
    card = _card(console)
    assert 'id="talk-time">12 min<' in card
    assert "talk-reminder" not in card

    _talked_for(desk, caller, 34 * 60)  # 46 minutes and 5 seconds in all
    card = _card(console)
    assert 'class="talk-time long" id="talk-time">46 min<' in card
    assert "This call has lasted over 45 minutes." in card
    assert desk.live(caller).ended_at is None, "nothing cuts the call"


def test_the_dashboard_marks_calls_past_the_reminder(app: Flask, desk: Desk) -> None:
    supervisor = signed_in_client(app, desk.runtime, "sam", "supervisor")
    caller, _ = answered_call(desk)
    panel = supervisor.get("/supervisor/live.json").get_json()["panels"]["calls"]
    assert "long-call" not in panel and "long-calls" not in panel
    call_id = _talked_for(desk, caller, 2700)
    live = supervisor.get("/supervisor/live.json").get_json()
    assert "1 call has gone past 45 minutes: noticed, never cut." in live["panels"]["calls"]
    assert f'<tr data-call="{call_id}" class="long-call">' in live["panels"]["calls"]
    assert [c["long"] for c in live["in_progress"]] == [True]


def test_the_reminder_time_is_a_rule(app: Flask, desk: Desk) -> None:
    text = (ROOT / "routing_rules.yaml").read_text()
    shorter = parse_rules(text.replace("talk_reminder_after: 2700", "talk_reminder_after: 600"))
    assert shorter.offer.talk_reminder_after == 600
    desk.runtime.book.publish(shorter)
    console = console_client(app, desk)
    caller, _ = answered_call(desk)
    _talked_for(desk, caller, 11 * 60)
    assert "This call has lasted over 10 minutes." in _card(console)
