"""The counselor's console through the Flask test client, on a real dispatch desk: the card
of the call offered and in progress, the wrap-up saved onto the record, the follow-up."""

from __future__ import annotations

import datetime as dt
import re

from flask import Flask
from sqlalchemy import delete, select

from hotline.call_records.record import record_call
from hotline.live.wrapup import WrapUps
from hotline.queue.dispatch import dispatch
from hotline.records.models import AuditEvent, Callback, CallRecord
from hotline.routing.snapshot import CounselorState
from tests.integration.web_support import csrf_token, signed_in_client
from tests.support.caller import Caller
from tests.support.console import (
    answered_call,
    console_client,
    file_wrap_up,
    hang_up_call,
    only_ana,
)
from tests.support.desk import PHONES, Desk


def _local(hours: int) -> str:
    """A datetime-local field value, `hours` from now (the roster's zone is UTC)."""
    return (dt.datetime.now(dt.UTC) + dt.timedelta(hours=hours)).strftime("%Y-%m-%dT%H:%M")


def test_the_card_follows_the_call_and_never_shows_the_number(app: Flask, desk: Desk) -> None:
    console = console_client(app, desk)
    assert console.get("/console/state.json").get_json()["card"] is None
    caller = desk.caller("1", "1")
    dispatch(desk.runtime)
    offered = console.get("/console/state.json").get_json()
    assert offered["state"] == "ringing" and offered["card"]["stage"] == "offered"
    html = offered["card_html"]
    assert "Urgent" in html or "Standard" in html or "Imminent" in html
    assert "English" in html and "suicidal thoughts or self-harm" in html
    leg = Caller(desk.client, number=PHONES["Ana"])
    leg.give(leg.post(desk.offer_path()), "1")
    connected = console.get("/console/state.json").get_json()
    assert connected["state"] == "on_call" and connected["card"]["stage"] == "connected"
    hang_up_call(caller, leg, desk)
    ended = console.get("/console/state.json").get_json()
    assert ended["state"] == "wrap_up" and ended["card"]["stage"] == "ended"
    assert 0 < ended["wrap_up_left"] <= desk.runtime.rules.offer.wrap_up
    page = console.get("/console/").get_data(as_text=True)
    listed = page.split('id="wrapup-list"')[1]
    assert f'data-call="{ended["card"]["call_id"]}"' in listed, "its wrap-up form is listed"
    assert f'name="call_id" value="{ended["card"]["call_id"]}"' in listed
    for shown in (offered, connected, ended):
        assert "4155550177" not in str(shown) and caller.number not in str(shown)


def test_a_repeat_caller_is_marked_with_their_count_this_week(app: Flask, desk: Desk) -> None:
    console = console_client(app, desk)
    only_ana(desk)
    for _ in range(3):  # three earlier calls from the same number, with records
        caller, leg = answered_call(desk)
        hang_up_call(caller, leg, desk)
        record_call(desk.runtime, desk.live(caller).call_id)
        file_wrap_up(console, desk.live(caller).call_id)
        desk.phone.calls.clear()
    desk.caller("1", "1")
    dispatch(desk.runtime)
    card = console.get("/console/state.json").get_json()["card_html"]
    assert "4th call this week" in card


def test_a_wrap_up_before_the_record_is_written_keeps_the_form(app: Flask, desk: Desk) -> None:
    console = console_client(app, desk)
    caller, leg = answered_call(desk)
    hang_up_call(caller, leg, desk)
    call_id = desk.live(caller).call_id
    # As when the database refused the record at hang-up: a worker will write it later.
    with desk.runtime.sessions.begin() as session:
        session.execute(delete(CallRecord).where(CallRecord.id == call_id))
    early = file_wrap_up(console, call_id)
    assert early.status_code == 409
    page = early.get_data(as_text=True)
    assert "Still saving the call, try again in a moment." in page
    assert re.search(r'value="high" checked', page) and re.search(
        r'value="safety_plan" checked', page
    )
    assert desk.state("Ana") == CounselorState.WRAP_UP

    record_call(desk.runtime, call_id)
    saved = file_wrap_up(console, call_id)
    assert saved.status_code == 302
    assert "Wrap-up saved for the call at " in console.get("/console/").get_data(as_text=True)
    with desk.runtime.sessions() as session:
        record = session.get(CallRecord, call_id)
        audit = list(session.scalars(select(AuditEvent).where(AuditEvent.actor == "ana")))
    assert record is not None
    assert record.disposition == ["support_given", "safety_plan"]
    assert (record.risk_level, record.emergency_contacted, record.referral_given) == (
        "high",
        True,
        False,
    )
    assert [a.action for a in audit] == ["wrap_up.filed"]
    assert audit[0].detail["call_id"] == call_id
    assert desk.state("Ana") == CounselorState.AVAILABLE, "filing ends the wrap-up early"
    assert WrapUps(desk.runtime.redis).due(float("inf")) == []


def test_missing_answers_are_named_and_nothing_is_saved(app: Flask, desk: Desk) -> None:
    console = console_client(app, desk)
    caller, leg = answered_call(desk)
    hang_up_call(caller, leg, desk)
    call_id = desk.live(caller).call_id
    record_call(desk.runtime, call_id)
    refused = file_wrap_up(console, call_id, disposition=[], risk_level="sky-high")
    assert refused.status_code == 400
    assert refused.get_data(as_text=True).count("Please fill this in.") == 2
    with desk.runtime.sessions() as session:
        record = session.get(CallRecord, call_id)
        assert record is not None and record.disposition is None and record.risk_level is None


def test_another_counselors_call_cannot_be_wrapped_up(app: Flask, desk: Desk) -> None:
    caller, leg = answered_call(desk)
    hang_up_call(caller, leg, desk)
    call_id = desk.live(caller).call_id
    record_call(desk.runtime, call_id)
    li = signed_in_client(app, desk.runtime, "li", "counselor", counselor="Li")
    refused = file_wrap_up(li, call_id)
    assert refused.status_code == 403
    assert "This wrap-up is for a call that was not yours, so it was not saved." in (
        refused.get_data(as_text=True)
    )
    with desk.runtime.sessions() as session:
        record = session.get(CallRecord, call_id)
        assert record is not None and record.disposition is None and record.risk_level is None


def test_a_follow_up_with_consent_is_arranged_and_a_withheld_number_is_explained(
    app: Flask, desk: Desk
) -> None:
    console = console_client(app, desk)
    follow = {
        "follow_up_agreed": "1",
        "follow_up_consent": "1",
        "earliest": _local(hours=2),
        "latest": _local(hours=72),
    }
    caller, leg = answered_call(desk)
    hang_up_call(caller, leg, desk)
    call_id = desk.live(caller).call_id
    record_call(desk.runtime, call_id)
    withheld = file_wrap_up(console, call_id, **follow)  # FakeTelephony knows no number for it
    assert withheld.status_code == 200
    assert "The caller&#39;s number was withheld" in withheld.get_data(as_text=True)
    assert desk.state("Ana") == CounselorState.WRAP_UP, "stays to choose, or untick"

    desk.phone.numbers[desk.live(caller).call_sid] = caller.number
    arranged = file_wrap_up(console, call_id, **follow)
    assert arranged.status_code == 302
    assert "The follow-up call is arranged." in console.get("/console/").get_data(as_text=True)
    with desk.runtime.sessions() as session:
        callbacks = list(session.scalars(select(Callback)))
        record = session.get(CallRecord, call_id)
    assert [(c.call_id, c.source, c.counselor_id) for c in callbacks] == [
        (call_id, "follow_up", desk.ids["Ana"])
    ]
    assert record is not None and record.follow_up_agreed and record.follow_up_consent
    assert desk.state("Ana") == CounselorState.AVAILABLE


def test_a_follow_up_window_that_ends_before_it_starts_is_refused(app: Flask, desk: Desk) -> None:
    console = console_client(app, desk)
    caller, leg = answered_call(desk)
    hang_up_call(caller, leg, desk)
    record_call(desk.runtime, desk.live(caller).call_id)
    refused = file_wrap_up(
        console,
        desk.live(caller).call_id,
        follow_up_agreed="1",
        follow_up_consent="1",
        earliest=_local(hours=26),
        latest=_local(hours=2),
    )
    assert refused.status_code == 400
    assert "The latest time must come after the earliest." in refused.get_data(as_text=True)


def test_available_and_away_from_theconsole_client(app: Flask, desk: Desk) -> None:
    console = console_client(app, desk)
    token = csrf_token(console)
    console.post("/console/state", data={"state": "away", "csrf_token": token})
    assert desk.state("Ana") == CounselorState.AWAY
    console.post("/console/state", data={"state": "available", "csrf_token": token})
    assert desk.state("Ana") == CounselorState.AVAILABLE
    only_ana(desk)
    answered_call(desk)
    refused = console.post(
        "/console/state", data={"state": "away", "csrf_token": token}, follow_redirects=True
    )
    assert "cannot change while your phone rings or you are on a call" in refused.get_data(
        as_text=True
    )
    assert desk.state("Ana") == CounselorState.ON_CALL
