"""Twilio's voice webhooks. Each is signed, thin, and answers a caller with TwiML, never a 5xx."""

from __future__ import annotations

import logging

from flask import Blueprint, Response, current_app, request, url_for
from werkzeug.exceptions import HTTPException

from hotline.ivr.steps import OVERFLOW, Ask, Transfer
from hotline.runtime import Runtime
from hotline.services import calls
from hotline.telephony import twiml
from hotline.web.security import twilio_signed

log = logging.getLogger(__name__)
bp = Blueprint("voice", __name__, url_prefix="/voice")


def _twiml(body: str) -> Response:
    return Response(body, mimetype="text/xml")


def _backup() -> Response:
    runtime = current_app.extensions["hotline"]
    return _twiml(twiml.dial_backup(runtime.backup_number, runtime.rules.default_language))


@bp.errorhandler(Exception)
def _never_drop(error: Exception) -> Response | HTTPException:
    """Whatever broke, the caller is dialled through to the backup line."""
    if isinstance(error, HTTPException):
        return error
    log.exception(
        "webhook failed; caller sent to the backup line",
        extra={"path": request.path, "call_sid": request.form.get("CallSid", "")},
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
    )
    return _render(runtime, turn)


@bp.post("/hold")
@twilio_signed
def hold() -> Response:
    """The hold loop: the caller hears they are not forgotten, until answered or overflowed."""
    runtime = current_app.extensions["hotline"]
    turn = calls.hold_turn(
        runtime, call_id=request.args.get("call"), call_sid=request.form.get("CallSid", "")
    )
    prompts = calls.message(runtime.scripts.current, turn.language, "transfer")
    if turn.overflow_to is not None:
        return _twiml(twiml.transfer(turn.overflow_to, prompts, runtime.backup_number))
    assert turn.call is not None
    words = calls.message(runtime.scripts.get(turn.call.script_version), turn.language, "hold")
    return _twiml(twiml.hold(words, _url("voice.hold", turn.call.call_id)))


def _url(endpoint: str, call_id: str) -> str:
    return url_for(endpoint, call=call_id)


def _render(runtime: Runtime, turn: calls.Turn) -> Response:
    step, call_id = turn.step, turn.call.call_id
    if isinstance(step, Ask):
        return _twiml(twiml.ask(step, _url("voice.ivr", call_id)))
    if isinstance(step, Transfer):
        number = step.number
        if number == OVERFLOW:
            number = runtime.rules.overflow_number(step.language)
        return _twiml(twiml.transfer(number, step.prompts, runtime.backup_number))
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
    return _twiml(twiml.empty())
