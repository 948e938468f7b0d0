"""Twilio's voice webhooks. Each is signed, thin, and answers a caller with TwiML, never a 5xx."""

from __future__ import annotations

import logging

from flask import Blueprint, Response, current_app, request
from werkzeug.exceptions import HTTPException

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
    return _backup()


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
