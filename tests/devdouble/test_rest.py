"""The official twilio client, pointed at the sim, creates, fetches, redirects and ends calls."""

from __future__ import annotations

import time

import pytest
from twilio.base.exceptions import TwilioRestException
from twilio.rest import Client

from hotline.devdouble.twilio import Line, Phone, TwilioSim
from tests.devdouble.apps import TwimlApp, twiml
from tests.devdouble.conftest import SID, TOKEN

COUNSELOR = "+14155550105"
HOTLINE = "+15005550006"
EVENTS = ["initiated", "ringing", "answered", "completed"]


def client(sim: TwilioSim, token: str = TOKEN) -> Client:
    made = Client(SID, token)
    made.api.base_url = sim.api_url
    return made


def test_create_rings_a_phone_that_accepts_with_its_key(app: TwimlApp, sim: TwilioSim) -> None:
    sim.add_phone(Phone(COUNSELOR, accept_key="1", answer_after=3))
    app.routes["/offer"] = twiml(
        '<Gather action="/accepted" numDigits="1" timeout="5"><Say>Urgent call. Press 1.</Say>'
        "</Gather>",
        "<Say>No key pressed.</Say>",
    )
    app.routes["/accepted"] = lambda form: twiml(f"<Say>You pressed {form['Digits']}.</Say>")
    call = client(sim).calls.create(
        to=COUNSELOR,
        from_=HOTLINE,
        url=app.url("/offer"),
        status_callback=app.url("/status"),
        status_callback_event=EVENTS,
        timeout=20,
    )
    assert call.sid.startswith("CA") and len(call.sid) == 34
    assert (call.status, call.direction, call.to) == ("queued", "outbound-api", COUNSELOR)
    leg = sim.call(call.sid)
    assert leg is not None
    sim.wait_for(lambda: leg.finished and len(app.posted("/status")) == 4, timeout=10)
    assert app.posted("/accepted")[0]["Digits"] == "1"
    assert [s.text for s in leg.said] == ["Urgent call. Press 1.", "You pressed 1."]
    assert all(hit.signed for hit in app.hits), "every request carries a valid signature"
    statuses = [f["CallStatus"] for f in app.posted("/status")]
    assert statuses == ["initiated", "ringing", "in-progress", "completed"]
    assert [f["SequenceNumber"] for f in app.posted("/status")] == ["0", "1", "2", "3"]
    assert leg.errors == [] and leg.outcome == "ended"
    fetched = client(sim).calls(call.sid).fetch()
    assert fetched.status == "completed" and fetched.duration is not None
    sent = sim.rest_requests[0]
    assert sent.params["StatusCallbackEvent"] == " ".join(EVENTS)


@pytest.mark.parametrize(
    ("phone", "status"),
    [
        (Phone(COUNSELOR, busy=True), "busy"),
        (Phone(COUNSELOR, answer=False), "no-answer"),
        (Phone(COUNSELOR, answer_after=30), "no-answer"),
    ],
)
def test_unanswered_calls_end_busy_or_no_answer(
    app: TwimlApp, sim: TwilioSim, phone: Phone, status: str
) -> None:
    sim.add_phone(phone)
    call = client(sim).calls.create(
        to=COUNSELOR,
        from_=HOTLINE,
        url=app.url("/offer"),
        status_callback=app.url("/st"),
        timeout=20,
    )
    sim.wait_for(lambda: bool(app.posted("/st")), timeout=10)
    assert [f["CallStatus"] for f in app.posted("/st")] == [status]
    assert app.posted("/offer") == [], "an unanswered call fetches no TwiML"
    assert sim.call(call.sid).outcome == "unanswered"  # type: ignore[union-attr]


def test_update_redirects_a_holding_call_at_once(app: TwimlApp, sim: TwilioSim) -> None:
    app.routes["/hold"] = twiml("<Say>Please hold.</Say>", '<Pause length="3000"/>')
    app.routes["/moved"] = twiml("<Say>Moved.</Say>", "<Hangup/>")
    call = client(sim).calls.create(to="+14155550199", from_=HOTLINE, url=app.url("/hold"))
    leg = sim.call(call.sid)
    assert leg is not None
    sim.wait_for(lambda: bool(leg.events("pause")), timeout=10)
    updated = client(sim).calls(call.sid).update(url=app.url("/moved"), method="POST")
    assert updated.sid == call.sid
    sim.wait_for(lambda: leg.finished, timeout=5)  # the 30 s pause was cut short
    assert [s.text for s in leg.said] == ["Please hold.", "Moved."]
    assert leg.events("redirected") and leg.ended_by == "service"


def test_update_with_twiml_and_status_completed(app: TwimlApp, sim: TwilioSim) -> None:
    app.routes["/hold"] = twiml('<Pause length="3000"/>')
    calls = client(sim).calls
    first = calls.create(to="+14155550198", from_=HOTLINE, url=app.url("/hold"))
    second = calls.create(to="+14155550197", from_=HOTLINE, url=app.url("/hold"))
    legs = [sim.call(first.sid), sim.call(second.sid)]
    sim.wait_for(lambda: all(leg and leg.events("pause") for leg in legs), timeout=10)
    calls(first.sid).update(twiml="<Response><Say>Inline.</Say></Response>")
    calls(second.sid).update(status="completed")
    sim.wait_for(lambda: all(leg and leg.finished for leg in legs), timeout=5)
    assert [s.text for s in legs[0].said] == ["Inline."]  # type: ignore[union-attr]
    assert legs[1].ended_by == "rest" and legs[1].status == "completed"  # type: ignore[union-attr]


def test_wrong_credentials_and_unknown_calls_are_refused(app: TwimlApp, sim: TwilioSim) -> None:
    with pytest.raises(TwilioRestException) as refused:
        client(sim, token="wrong").calls.create(to=COUNSELOR, from_=HOTLINE, url=app.url("/x"))
    assert refused.value.status == 401
    with pytest.raises(TwilioRestException) as missing:
        client(sim).calls("CA" + "0" * 32).fetch()
    assert missing.value.status == 404 and missing.value.code == 20404
    with pytest.raises(TwilioRestException) as bad:
        client(sim).calls.create(to=COUNSELOR, from_=HOTLINE)
    assert bad.value.status == 400
    assert sim.calls == []
    assert [r.status for r in sim.rest_requests] == [401, 404, 400]


def test_cancel_while_ringing_and_redirect_after_the_end(app: TwimlApp, sim: TwilioSim) -> None:
    sim.add_phone(Phone(COUNSELOR, answer_after=50))
    calls = client(sim).calls
    ringing = calls.create(to=COUNSELOR, from_=HOTLINE, url=app.url("/x"), timeout=60)
    leg = sim.call(ringing.sid)
    assert leg is not None
    sim.wait_for(lambda: leg.status == "ringing", timeout=5)
    assert calls(ringing.sid).update(status="canceled").sid == ringing.sid
    sim.wait_for(lambda: leg.finished, timeout=5)
    assert (leg.status, leg.outcome, app.hits) == ("canceled", "unanswered", [])
    with pytest.raises(TwilioRestException) as late:
        calls(ringing.sid).update(url=app.url("/x"))
    assert (late.value.status, late.value.code) == (400, 21220)


def test_machine_detection_reports_who_answered(app: TwimlApp, sim: TwilioSim) -> None:
    sim.add_line(Line("+14155550190", answered_by="machine_start"))
    app.routes["/amd"] = twiml("<Hangup/>")
    call = client(sim).calls.create(
        to="+14155550190", from_=HOTLINE, url=app.url("/amd"), machine_detection="Enable"
    )
    sim.wait_for(lambda: bool(app.posted("/amd")), timeout=5)
    assert app.posted("/amd")[0]["AnsweredBy"] == "machine_start"
    sim.wait_for(lambda: sim.call(call.sid).finished, timeout=5)  # type: ignore[union-attr]
    assert client(sim).calls(call.sid).fetch().answered_by == "machine_start"


def test_the_service_reads_a_calls_number_back_from_twilio(app: TwimlApp, sim: TwilioSim) -> None:
    """A follow-up agreed with consent fetches the caller's number from Twilio's call log."""
    from hotline.config import Secret, Settings
    from hotline.telephony.client import TwilioTelephony

    settings = Settings(
        mode="local",
        twilio_account_sid=SID,
        twilio_auth_token=Secret(TOKEN),
        twilio_number=HOTLINE,
        twilio_api_url=sim.api_url,
    )
    sim.add_line(Line("+14155550191"))
    app.routes["/hello"] = twiml("<Hangup/>")
    call = client(sim).calls.create(to="+14155550191", from_=HOTLINE, url=app.url("/hello"))
    telephony = TwilioTelephony(settings)
    assert telephony.caller_number(call.sid) == HOTLINE  # this leg's "from"
    assert telephony.caller_number("CA" + "0" * 32) is None

    # And whether, and when, a call ended: how a call whose status callback was lost ends.
    sim.wait_for(lambda: sim.call(call.sid).finished, timeout=5)  # type: ignore[union-attr]
    state = telephony.call_state(call.sid)
    assert state is not None and state.status == "completed"
    assert state.ended_at is not None and abs(state.ended_at - time.time()) < 10
    assert telephony.call_state("CA" + "0" * 32) is None
