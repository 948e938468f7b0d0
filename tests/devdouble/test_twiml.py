"""The sim follows TwiML as Twilio does: gathers, redirects, fallbacks, hang-ups, rejects."""

from __future__ import annotations

import pytest

from hotline.devdouble.twilio import SILENCE, Caller, Speech, TwilioSim
from tests.devdouble.apps import TwimlApp, twiml

MENU = twiml(
    '<Gather action="turn?step=1" input="dtmf speech" numDigits="1" timeout="4">'
    '<Say language="en-US">Press or speak.</Say><Pause length="1"/></Gather>',
    '<Redirect method="POST">../voice/silence</Redirect>',
)


def test_gather_posts_digits_speech_and_falls_through_on_silence(
    app: TwimlApp, sim: TwilioSim
) -> None:
    app.routes["/voice/incoming"] = MENU
    app.routes["/voice/turn"] = MENU
    app.routes["/voice/silence"] = twiml("<Say>Nothing heard.</Say><Hangup/>")
    sim.service_url = app.base
    call = sim.place_call(Caller("+14155550177", digits=["25", Speech("I need help"), SILENCE]))
    sim.wait_for(lambda: call.finished, timeout=10)
    turns = app.posted("/voice/turn")
    assert turns[0]["Digits"] == "2", "numDigits=1 keeps the first key"
    assert (turns[1]["SpeechResult"], turns[1]["Confidence"]) == ("I need help", "0.90")
    assert "Digits" not in turns[1]
    assert app.posted("/voice/silence"), "silence falls through to the <Redirect>"
    assert all(hit.signed for hit in app.hits)
    assert app.posted("/voice/incoming")[0]["CallStatus"] == "ringing"
    assert turns[0]["CallStatus"] == "in-progress"
    assert [e.data["kind"] for e in call.events("input")] == ["digits", "speech", "silence"]
    assert (call.outcome, call.ended_by, call.errors) == ("ended", "service", [])
    sim.wait_for(lambda: bool(app.posted("/voice/status")), timeout=5)
    final = app.posted("/voice/status")[0]
    assert (final["CallStatus"], final["SequenceNumber"]) == ("completed", "0")


def test_a_function_chooses_input_from_what_was_said(app: TwimlApp, sim: TwilioSim) -> None:
    app.routes["/voice/incoming"] = MENU
    app.routes["/voice/turn"] = twiml("<Hangup/>")
    sim.service_url = app.base
    heard: list[list[str]] = []
    call = sim.place_call(Caller("+14155550177", digits=lambda said: heard.append(said) or "7"))
    sim.wait_for(lambda: call.finished, timeout=10)
    assert heard == [["Press or speak."]]
    assert app.posted("/voice/turn")[0]["Digits"] == "7"


@pytest.mark.parametrize(
    ("answer", "code"),
    [
        (twiml("<Say>Hi</Say>", "<Gather><Dial>+15550100</Dial></Gather>"), "12100"),
        (twiml('<Say loop="[1, 2]">Hi</Say>'), "12100"),
        ("this is not XML", "12100"),
        (("<Response/>", 500), "11200"),
        (("Not found", 404), "11200"),
    ],
)
def test_a_bad_answer_is_an_error_and_sends_twilio_to_the_fallback_url(
    app: TwimlApp, sim: TwilioSim, answer: str | tuple[str, int], code: str
) -> None:
    app.routes["/voice/incoming"] = answer
    app.routes["/voice/fallback"] = twiml("<Say>Connecting you.</Say>", "<Hangup/>")
    sim.service_url = app.base
    call = sim.place_call(Caller("+14155550177"))
    sim.wait_for(lambda: call.finished, timeout=10)
    assert len(call.errors) == 1, call.errors
    fallback = app.posted("/voice/fallback")
    assert fallback and fallback[0]["ErrorCode"] == code
    assert fallback[0]["ErrorUrl"] == app.url("/voice/incoming")
    assert all(hit.signed for hit in app.hits)
    assert [s.text for s in call.said] == ["Connecting you."]


def test_a_failing_fallback_ends_the_call_as_failed(app: TwimlApp, sim: TwilioSim) -> None:
    app.routes["/voice/incoming"] = ("boom", 500)
    app.routes["/voice/fallback"] = ("boom", 503)
    sim.service_url = app.base
    call = sim.place_call(Caller("+14155550177"))
    sim.wait_for(lambda: call.finished, timeout=10)
    assert call.outcome == "failed" and len(call.errors) == 2


def test_patience_runs_out_on_hold_and_hang_up_after_in_the_menu(
    app: TwimlApp, sim: TwilioSim
) -> None:
    app.routes["/voice/incoming"] = MENU
    app.routes["/voice/turn"] = twiml("<Say>Please hold.</Say>", "<Redirect>/hold</Redirect>")
    app.routes["/hold"] = twiml('<Pause length="20"/>', "<Redirect>/hold</Redirect>")
    sim.service_url = app.base
    holder = sim.place_call(Caller("+14155550177", digits=["1"], patience=50))
    quitter = sim.place_call(Caller("+14155550178", hang_up_after=2))
    sim.wait_for(lambda: holder.finished and quitter.finished, timeout=10)
    assert (holder.outcome, holder.hung_up_in) == ("hung_up", "hold")
    assert 2 <= len(app.posted("/hold")) <= 3  # 20 + 20 + 10 of 50 seconds' patience
    assert (quitter.outcome, quitter.hung_up_in) == ("hung_up", "ivr")


def test_reject_ends_the_call_unanswered(app: TwimlApp, sim: TwilioSim) -> None:
    app.routes["/voice/incoming"] = twiml('<Reject reason="busy"/>', "<Say>never said</Say>")
    sim.service_url = app.base
    call = sim.place_call(Caller("+14155550177"))
    sim.wait_for(lambda: call.finished, timeout=10)
    assert (call.status, call.outcome, call.said) == ("busy", "unanswered", [])
