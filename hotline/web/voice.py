"""Twilio's voice webhooks. Each is signed, thin, and answers a caller with TwiML, never a 5xx."""

from __future__ import annotations

import logging

import redis
from flask import Blueprint, Response, current_app, request, url_for
from werkzeug.exceptions import HTTPException

from hotline import callbacks
from hotline.calls import hold as hold_service
from hotline.calls import menus as calls
from hotline.calls import status as status_callbacks
from hotline.ivr.steps import OVERFLOW, Ask, Prompt, Transfer
from hotline.live.calls import LiveCall
from hotline.queue import dispatch
from hotline.runtime import Runtime
from hotline.supervision import supervise as supervision
from hotline.telephony import twiml
from hotline.web.security import twilio_signed

log = logging.getLogger(__name__)
bp = Blueprint("voice", __name__, url_prefix="/voice")


def _twiml(body: str) -> Response:
    return Response(body, mimetype="text/xml")


def _backup() -> Response:
    runtime = current_app.extensions["hotline"]
    after = url_for("voice.dialled", then="backup")  # one more try, then words
    return _twiml(twiml.dial_backup(runtime.backup_number, runtime.rules.default_language, after))


def _transfer(runtime: Runtime, number: str, prompts: tuple[Prompt, ...]) -> Response:
    then = "end" if number == runtime.backup_number else "backup"
    return _twiml(twiml.transfer(number, prompts, url_for("voice.dialled", then=then)))


@bp.post("/dialled")
@twilio_signed
def dialled() -> Response:
    """After a dial to an overflow or backup line. Needs neither Redis nor the database."""
    runtime = current_app.extensions["hotline"]
    answered = request.form.get("DialCallStatus") == "completed"
    retry = runtime.backup_number if request.args.get("then") == "backup" else None
    return _twiml(twiml.after_dial(answered, retry, url_for("voice.dialled", then="end")))


_MENUS = ("/voice/incoming", "/voice/ivr")  # no live state yet: see calls.answer
# Hold turns a caller keeps holding while Redis does not answer (a restart of a Redis that
# persists takes seconds, and their place comes back with it); after that, the backup line.
HOLD_THROUGH = 2


def _hold_through_outage() -> Response | None:
    """A hold turn without Redis: the caller hears they are still in line (in the hotline's
    default language: theirs is in Redis) and the loop goes on, counted in the URL."""
    runtime = current_app.extensions["hotline"]
    call_id, turns = request.args.get("call", ""), request.args.get("outage", "0")
    turn = int(turns) + 1 if turns.isdigit() else HOLD_THROUGH + 1
    if not call_id or turn > HOLD_THROUGH:
        return None
    log.warning("hold turn without Redis; caller keeps holding", extra={"call_id": call_id})
    words = runtime.scripts.current.message(runtime.rules.default_language, "hold")
    here = f"{_url('voice.hold', call_id)}&outage={turn}"  # the hold loop's URL, counted
    return _twiml(twiml.hold(words, here))


@bp.errorhandler(Exception)
def _never_drop(error: Exception) -> Response | HTTPException:
    """Whatever broke, the caller is dialled through to the backup line."""
    if isinstance(error, HTTPException):
        return error
    if isinstance(error, redis.RedisError | OSError):
        current_app.extensions["hotline"].redis_watch.failed()
        if request.path == "/voice/hold" and (held := _hold_through_outage()) is not None:
            return held
    if request.path.startswith(("/voice/offer", "/voice/callback/unreached", "/voice/supervise")):
        # A counselor's leg: never dial the backup line from their phone. The offer
        # expires and the caller, who kept their place, is offered again.
        log.exception("counselor webhook failed", extra={"path": request.path})
        return _twiml(twiml.goodbye("Sorry, something went wrong. The call will be passed on."))
    log.exception(
        "webhook failed; caller sent to the backup line",
        extra={"path": request.path, "call_sid": request.form.get("CallSid", "")},
    )
    if isinstance(error, redis.ConnectionError) and request.path in _MENUS:
        # Redis unreachable before the caller left the menus: nothing of the call was
        # written there, and its record says it was sent on to the backup line.
        status_callbacks.overflowed_from_the_menus(
            current_app.extensions["hotline"],
            call_sid=request.form.get("CallSid", ""),
            from_number=request.form.get("From"),
        )
    return _backup()


@bp.post("/incoming")
@twilio_signed
def incoming() -> Response:
    """The number's Voice URL: a new call starts the IVR."""
    runtime = current_app.extensions["hotline"]
    turn = calls.answer(
        runtime, call_sid=request.form.get("CallSid", ""), from_number=request.form.get("From")
    )
    return _render(runtime, turn)


@bp.post("/ivr")
@twilio_signed
def ivr() -> Response:
    """One menu turn: a key, a few words, or silence (no Digits)."""
    runtime = current_app.extensions["hotline"]
    turn = calls.respond(
        runtime,
        call_id=request.args.get("call"),
        call_sid=request.form.get("CallSid", ""),
        digits=request.form.get("Digits"),
        speech=request.form.get("SpeechResult"),
        from_number=request.form.get("From"),
        token=request.args.get("s"),
    )
    return _render(runtime, turn)


@bp.post("/hold")
@twilio_signed
def hold() -> Response:
    """The hold loop: the caller hears they are not forgotten, until answered or overflowed."""
    runtime = current_app.extensions["hotline"]
    answer = hold_service.hold(
        runtime,
        call_id=request.args.get("call"),
        call_sid=request.form.get("CallSid", ""),
        from_number=request.form.get("From"),
        digits=request.form.get("Digits"),
    )
    if answer.action == "overflow":
        assert answer.number is not None
        return _transfer(runtime, answer.number, answer.words)
    assert answer.call is not None
    if answer.action == "connect":
        return _connect_caller(runtime, answer.call)
    if answer.action == "arranged":
        return _twiml(twiml.farewell(answer.words))
    here = _url("voice.hold", answer.call.call_id)
    if answer.offer:
        return _twiml(twiml.hold_or_callback(answer.words, answer.offer, here))
    return _twiml(twiml.hold(answer.words, here))


@bp.post("/connect")
@twilio_signed
def connect() -> Response:
    """The caller's leg, redirected here once a counselor accepted: into the call's room."""
    runtime = current_app.extensions["hotline"]
    call = runtime.calls.get(request.args.get("call", ""))
    if call is None or call.stage != "connected":
        return _backup()
    return _connect_caller(runtime, call)


def _connect_caller(runtime: Runtime, call: LiveCall, message: str = "transfer") -> Response:
    """The caller into the call's room, after a few words in their language."""
    words = runtime.scripts.get(call.script_version).message(call.language, message)
    return _twiml(twiml.conference(twiml.room(call.call_id), words))


GONE = "This caller is no longer waiting. Thank you."
TAKEN = "Another counselor has answered this caller. Thank you."


def _offer_gone(runtime: Runtime, offer_id: str) -> str:
    """What a counselor hears of an offer that is no more (`dispatch.why_gone`)."""
    return TAKEN if dispatch.why_gone(runtime, offer_id) == "taken" else GONE


@bp.post("/offer")
@twilio_signed
def offer() -> Response:
    """A counselor answered our call: whisper who is waiting and ask for the accept key."""
    runtime = current_app.extensions["hotline"]
    offer_id = request.args.get("offer", "")
    said = dispatch.whisper_for(runtime, offer_id)
    if said is None:
        return _twiml(twiml.goodbye(_offer_gone(runtime, offer_id)))
    action = url_for("voice.offer_answer", offer=offer_id)
    return _twiml(twiml.whisper(said.text, action, said.say_language))


@bp.post("/offer/answer")
@twilio_signed
def offer_answer() -> Response:
    """The accept key bridges the counselor in; anything else passes the call on."""
    runtime = current_app.extensions["hotline"]
    answered = dispatch.answer_offer(
        runtime, request.args.get("offer", ""), request.form.get("Digits", "")
    )
    if answered.outcome == "passed":
        return _twiml(twiml.goodbye("The call has been passed on. Thank you."))
    if answered.outcome == "taken":
        return _twiml(twiml.goodbye(TAKEN))
    call = answered.call
    if call is None:
        return _twiml(twiml.goodbye(GONE))
    room = twiml.room(call.call_id)
    if call.callback_id is not None:
        notice = "Ringing the caller now. Please stay on the line."
        return _twiml(twiml.conference(room, (), notice=notice, ends=False))
    return _twiml(twiml.conference(room, (), ends=False))


@bp.post("/callback")
@twilio_signed
def callback_answered() -> Response:
    """The caller's phone answered a callback: a person joins the counselor; a machine
    hears only the rules' neutral words, which name neither the hotline nor the topic."""
    runtime = current_app.extensions["hotline"]
    call, person = callbacks.answered(
        runtime, request.args.get("call", ""), request.form.get("AnsweredBy", "")
    )
    if call is None:
        return _backup()  # we lost this callback, but a person picked up: a person answers
    if not person:
        return _twiml(twiml.voicemail(runtime.rules.callbacks.voicemail_message))
    return _connect_caller(runtime, call, "callback_hello")


@bp.post("/callback/status")
@twilio_signed
def callback_status() -> Response:
    """The caller's leg of a callback: done when they talked, else a failed attempt."""
    runtime = current_app.extensions["hotline"]
    status = request.form.get("CallStatus", "")
    if status in status_callbacks.ENDED:
        callbacks.leg_ended(runtime, request.args.get("call", ""), status)
        runtime.jobs.enqueue("dispatch")
    return _twiml(twiml.empty())


@bp.post("/supervise")
@twilio_signed
def supervise() -> Response:
    """A supervisor's phone (listen, coach, barge) or a third party brought in by the
    counselor (transfer) answered: into the call's room, if the call is still on."""
    runtime = current_app.extensions["hotline"]
    found = supervision.room_for(runtime, request.args.get("call", ""))
    mode = request.args.get("mode", "listen")
    if found is None or mode not in (*supervision.MODES, "transfer"):
        return _twiml(twiml.goodbye("This call has ended. Thank you."))
    room, counselor_leg = found
    return _twiml(twiml.supervise(room, mode, counselor_leg))


@bp.post("/supervise/status")
@twilio_signed
def supervise_status() -> Response:
    """A supervisor's or third party's leg: nothing to do (the room goes on without them)."""
    return _twiml(twiml.empty())


@bp.post("/callback/unreached")
@twilio_signed
def callback_unreached() -> Response:
    """The counselor's leg, waiting in the room, when the caller could not be reached."""
    return _twiml(
        twiml.goodbye("The caller could not be reached. We will try again later. Thank you.")
    )


@bp.post("/offer/status")
@twilio_signed
def offer_status() -> Response:
    """Status of a counselor's leg: no answer or a hang-up before accepting is a miss."""
    runtime = current_app.extensions["hotline"]
    status_callbacks.counselor_leg_status(
        runtime,
        offer_id=request.args.get("offer", ""),
        counselor_id=request.args.get("counselor", ""),
        status=request.form.get("CallStatus", ""),
        call_id=request.args.get("call", ""),
    )
    return _twiml(twiml.empty())


_PATHS = {"voice.ivr": "/voice/ivr", "voice.hold": "/voice/hold"}


def _url(endpoint: str, call_id: str) -> str:
    """A relative URL Twilio resolves against the current one; call ids are URL-safe."""
    return f"{_PATHS[endpoint]}?call={call_id}"


def _render(runtime: Runtime, turn: calls.Turn) -> Response:
    step, call_id = turn.step, turn.call.call_id
    if isinstance(step, Ask):
        action = _url("voice.ivr", call_id)
        if turn.token:
            action += f"&s={turn.token}"  # base64url and ".": safe in a query as it is
        return _twiml(twiml.ask(step, action))
    if isinstance(step, Transfer):
        number = step.number
        if number == OVERFLOW:
            number = runtime.rules.overflow_number(step.language)
        return _transfer(runtime, number, step.prompts)
    # Enqueue, and OfferCallback until callbacks land: the caller keeps a place in line.
    return _twiml(twiml.to_hold(step.prompts, _url("voice.hold", call_id)))


@bp.post("/fallback")
@twilio_signed
def fallback() -> Response:
    """Twilio's fallback URL: needs neither Redis nor the database, only the rules in memory."""
    log.warning("fallback URL used", extra={"call_sid": request.form.get("CallSid", "")})
    return _backup()


@bp.post("/status")
@twilio_signed
def status() -> Response:
    """Status of a caller's leg: a finished call leaves the queue and frees its counselor."""
    runtime = current_app.extensions["hotline"]
    status_callbacks.caller_leg_status(
        runtime,
        call_sid=request.form.get("CallSid", ""),
        status=request.form.get("CallStatus", ""),
        sequence=request.form.get("SequenceNumber", ""),
        from_number=request.form.get("From"),
        duration=request.form.get("CallDuration", ""),
    )
    return _twiml(twiml.empty())
