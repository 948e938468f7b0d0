"""<Dial> to numbers (with a whisper), conferences and queues: who was bridged with whom."""

from __future__ import annotations

import pytest
from twilio.rest import Client

from hotline.devdouble.twilio import Caller, Line, Phone, TwilioSim
from tests.devdouble.apps import TwimlApp, twiml
from tests.devdouble.conftest import SID, TOKEN

COUNSELOR = "+14155550105"
CALLER = "+14155550177"
BACKUP = "+12025550100"
WHISPER = twiml(
    '<Gather action="/whisper/key" numDigits="1" timeout="5">'
    "<Say>Urgent call, Mandarin. Press 1 to accept.</Say></Gather>",
    "<Hangup/>",
)


def _accept_on_1(form: dict[str, str]) -> str:
    return twiml() if form.get("Digits") == "1" else twiml("<Hangup/>")


def _dial_with_whisper(app: TwimlApp, sim: TwilioSim) -> None:
    app.routes["/voice/incoming"] = twiml(
        '<Dial action="/dialled" timeout="20" answerOnBridge="true">'
        f'<Number url="/whisper">{COUNSELOR}</Number></Dial>',
        "<Say>Never reached with an action.</Say>",
    )
    app.routes["/whisper"] = WHISPER
    app.routes["/whisper/key"] = _accept_on_1
    app.routes["/dialled"] = twiml("<Say>The call has ended.</Say>")
    sim.service_url = app.base


def test_dial_number_whisper_accept_bridges_caller_and_counselor(
    app: TwimlApp, sim: TwilioSim
) -> None:
    _dial_with_whisper(app, sim)
    sim.add_phone(Phone(COUNSELOR, accept_key="1", answer_after=4, hang_up_after=12))
    call = sim.place_call(Caller(CALLER))
    sim.wait_for(lambda: all(leg.finished for leg in sim.calls), timeout=10)
    assert (call.outcome, call.bridged_with, call.errors) == ("answered", COUNSELOR, [])
    (counselor,) = [leg for leg in sim.calls if leg.parent_sid == call.sid]
    assert (counselor.direction, counselor.outcome, counselor.bridged_with) == (
        "outbound-dial",
        "answered",
        CALLER,
    )
    assert [s.text for s in counselor.said] == ["Urgent call, Mandarin. Press 1 to accept."]
    (dialled,) = app.posted("/dialled")
    assert dialled["DialCallStatus"] == "completed" and dialled["DialCallSid"] == counselor.sid
    assert 11 <= int(dialled["DialCallDuration"]) <= 60  # 12 s of talk, plus scheduling
    assert dialled["CallStatus"] == "completed", "the caller hung up when the counselor did"
    assert call.said == [], "what the action answers is not played to a caller who left"


@pytest.mark.parametrize(
    ("phone", "status"),
    [
        (Phone(COUNSELOR, accept_key="2"), "no-answer"),
        (Phone(COUNSELOR, accept_key=None), "no-answer"),
        (Phone(COUNSELOR, hang_up_at_prompt=True), "no-answer"),
        (Phone(COUNSELOR, busy=True), "busy"),
        (Phone(COUNSELOR, answer=False), "no-answer"),
    ],
)
def test_dial_number_not_accepted(app: TwimlApp, sim: TwilioSim, phone: Phone, status: str) -> None:
    _dial_with_whisper(app, sim)
    sim.add_phone(phone)
    call = sim.place_call(Caller(CALLER))
    sim.wait_for(lambda: all(leg.finished for leg in sim.calls), timeout=10)
    assert app.posted("/dialled")[0]["DialCallStatus"] == status
    assert [s.text for s in call.said] == ["The call has ended."]
    assert (call.outcome, call.bridged_with) == ("ended", None)


def test_a_caller_who_stays_hears_what_the_dial_action_answers(
    app: TwimlApp, sim: TwilioSim
) -> None:
    _dial_with_whisper(app, sim)
    sim.add_phone(Phone(COUNSELOR, hang_up_after=3))
    call = sim.place_call(Caller(CALLER, stay_after_bridge=True))
    sim.wait_for(lambda: all(leg.finished for leg in sim.calls), timeout=10)
    assert app.posted("/dialled")[0]["CallStatus"] == "in-progress"
    assert [s.text for s in call.said] == ["The call has ended."]
    assert (call.outcome, call.ended_by) == ("answered", "service")


def test_an_unknown_number_is_an_external_line_and_busy_lines_fall_through(
    app: TwimlApp, sim: TwilioSim
) -> None:
    app.routes["/voice/incoming"] = twiml(
        '<Dial timeout="30">+12025550199</Dial>', f'<Dial timeout="30">{BACKUP}</Dial>'
    )
    sim.service_url = app.base
    sim.add_line(Line("+12025550199", pick_up="busy"))
    call = sim.place_call(Caller(CALLER, stay_after_bridge=True))
    sim.wait_for(lambda: call.finished, timeout=10)
    results = [e.data["DialCallStatus"] for e in call.events("dial_result")]
    assert results == ["busy", "completed"]
    assert (call.outcome, call.bridged_with) == ("overflowed", BACKUP)


def test_dispatch_pattern_rest_offer_whisper_key_and_conference(
    app: TwimlApp, sim: TwilioSim
) -> None:
    """What the service's dispatch will do: ring the counselor through the REST API with a
    whisper; on the accept key, redirect the holding caller into a conference and put the
    counselor in the same conference."""
    rest = Client(SID, TOKEN)
    rest.api.base_url = sim.api_url
    waiting: dict[str, str] = {}
    app.routes["/voice/incoming"] = twiml("<Redirect>/voice/hold</Redirect>")
    app.routes["/voice/hold"] = twiml(
        "<Say>Still in line.</Say>", '<Pause length="20"/>', "<Redirect>/voice/hold</Redirect>"
    )
    app.routes["/offer"] = WHISPER.replace("/whisper/key", "/offer/key")

    def accepted(form: dict[str, str]) -> str:
        if form.get("Digits") != "1":
            return twiml("<Hangup/>")
        rest.calls(waiting["caller"]).update(url=app.url("/join"), method="POST")
        return twiml(
            '<Dial><Conference endConferenceOnExit="true" beep="false" statusCallback="/conf"'
            ' statusCallbackEvent="join leave end">call-1</Conference></Dial>'
        )

    app.routes["/offer/key"] = accepted
    app.routes["/join"] = twiml(
        '<Dial><Conference beep="false" statusCallback="/conf"'
        ' statusCallbackEvent="join leave end">call-1</Conference></Dial>'
    )
    sim.service_url = app.base
    sim.add_phone(Phone(COUNSELOR, answer_after=5, hang_up_after=30))
    call = sim.place_call(Caller(CALLER))
    sim.wait_for(lambda: len(call.events("pause")) >= 2, timeout=10)
    waiting["caller"] = call.sid
    offer = rest.calls.create(
        to=COUNSELOR, from_="+15005550006", url=app.url("/offer"), status_callback=app.url("/st")
    )
    sim.wait_for(lambda: all(leg.finished for leg in sim.calls), timeout=10)
    counselor = sim.call(offer.sid)
    assert counselor is not None
    assert (call.outcome, call.bridged_with, call.errors) == ("answered", COUNSELOR, [])
    assert (counselor.outcome, counselor.bridged_with, counselor.errors) == ("answered", CALLER, [])
    assert counselor.ended_by == "party" and call.ended_by == "party"
    assert call.events("redirected") and app.posted("/join")
    sim.wait_for(lambda: bool(app.posted("/st")), timeout=5)
    assert app.posted("/st")[0]["CallStatus"] == "completed"
    assert 30 <= int(app.posted("/st")[0]["CallDuration"]) <= 120
    sim.wait_for(lambda: len(app.posted("/conf")) == 5, timeout=5)
    conference = sorted(f["StatusCallbackEvent"] for f in app.posted("/conf"))
    assert conference == ["conference-end"] + ["participant-join"] * 2 + ["participant-leave"] * 2
    (end,) = [f for f in app.posted("/conf") if f["StatusCallbackEvent"] == "conference-end"]
    assert (end["FriendlyName"], end["CallSidEndingConference"]) == ("call-1", counselor.sid)
    assert end["ReasonConferenceEnded"] == "participant-with-end-conference-on-exit-left"


def test_enqueue_waits_on_wait_url_until_a_dial_queue_takes_the_call(
    app: TwimlApp, sim: TwilioSim
) -> None:
    app.routes["/voice/incoming"] = twiml(
        '<Enqueue waitUrl="/wait" action="/left">support</Enqueue>', "<Say>Not reached.</Say>"
    )
    app.routes["/wait"] = twiml("<Say>Still waiting.</Say>", '<Pause length="5"/>')
    sim.service_url = app.base
    sim.add_phone(Phone(COUNSELOR, hang_up_after=5))
    call = sim.place_call(Caller(CALLER))
    sim.wait_for(lambda: len(app.posted("/wait")) >= 2, timeout=10)
    rest = Client(SID, TOKEN)
    rest.api.base_url = sim.api_url
    rest.calls.create(
        to=COUNSELOR,
        from_="+15005550006",
        twiml="<Response><Dial><Queue>support</Queue></Dial></Response>",
    )
    sim.wait_for(lambda: all(leg.finished for leg in sim.calls), timeout=10)
    assert (call.outcome, call.bridged_with) == ("answered", COUNSELOR)
    assert app.posted("/wait")[0]["QueuePosition"] == "1"
    assert app.posted("/left")[0]["QueueResult"] == "bridged"


def test_leave_in_the_wait_document_goes_on_after_enqueue(app: TwimlApp, sim: TwilioSim) -> None:
    app.routes["/voice/incoming"] = twiml(
        '<Enqueue waitUrl="/wait">support</Enqueue>', "<Say>You left the queue.</Say>"
    )
    app.routes["/wait"] = twiml("<Leave/>")
    sim.service_url = app.base
    call = sim.place_call(Caller(CALLER))
    sim.wait_for(lambda: call.finished, timeout=10)
    assert [s.text for s in call.said] == ["You left the queue."]
    assert sim.queues.get("support") == []
