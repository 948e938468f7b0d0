"""A call's way from the first ring to the queue: the IVR turns and the hold loop.

The caller's number is turned into an anonymous caller key here, at once, and is
never kept. Anything unexpected (an unknown call id, a lost Redis key, a garbled
state) takes the flow's safe default: the queue, with topic general, tier urgent.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import logging
import re
from dataclasses import dataclass

from hotline.calls.url_state import read_token, state_token
from hotline.ivr.flow import CallerInput, CallState, advance, safe_default, start
from hotline.ivr.script import Script
from hotline.ivr.steps import Ask, Enqueue, OfferCallback, Step, Transfer
from hotline.live.calls import LiveCall, new_call_id, now
from hotline.phone_numbers import coarse_region, e164_of, parse_number
from hotline.privacy import caller_key
from hotline.queue.dispatch import enqueue_call
from hotline.runtime import Runtime

log = logging.getLogger(__name__)
_DIGITS = re.compile(r"^[0-9*#]{1,20}$")
CALL_ID = re.compile(r"^[A-Za-z0-9_-]{8,40}$")
MAX_SPEECH = 300  # characters of a SpeechResult looked at; the words are never stored


@dataclass(frozen=True)
class Turn:
    call: LiveCall
    step: Step
    token: str | None = None  # the menu state for the next action URL (see state_token)


# --- The menu state rides in the action URL. ---------------------------------------------
#
# Until the caller joins the queue, a call needs only its IVR state, so that travels in
# the <Gather action> URL, MACed with SECRET_KEY (Twilio's own signature covers the URL as
# well), with the call's random id and the moment it began: the menus read and write
# nothing in Redis. The live call is written once, when the caller joins the queue
# (`CallStore.join`, which also maps the CallSid). A token that is missing, altered or for
# another call falls back to the state in Redis, and without that to the safe default.


def clean_input(digits: str | None, speech: str | None) -> CallerInput:
    """What the caller gave, as the flow expects it; anything odd is an invalid key."""
    if digits is not None and digits != "" and not _DIGITS.match(digits):
        digits = "?"  # not a key on any phone: the flow treats it as an invalid key
    speech = (speech or "").strip()[:MAX_SPEECH] or None
    return CallerInput(digits=digits or None, speech=speech)


def answer(runtime: Runtime, *, call_sid: str, from_number: str | None) -> Turn:
    """A new call: its first menu. Nothing is written yet (see state_token): the live call
    is made when the caller joins the queue. If Redis failed lately, it is asked first, so
    that while it is down a caller goes straight to the backup line, not through the menus."""
    script = runtime.scripts.current  # looks for published versions (and at Redis) every ~2 s
    runtime.redis_watch.check(runtime.redis)
    state, step = start(script)
    started = now()
    call = LiveCall(new_call_id(), call_sid, started, script.version, runtime.rules.version)
    token = state_token(runtime, call.call_id, state, started) if isinstance(step, Ask) else None
    log.info("call answered", extra={"call_id": call.call_id, "script": script.version})
    if token is not None:
        call.ivr = state.to_dict()
        return Turn(call, step, token)
    call = _new_call(runtime, script, call_sid, from_number, call_id=call.call_id, started=started)
    return _apply(runtime, call, state, step, created=True)


def _new_call(
    runtime: Runtime,
    script: Script,
    call_sid: str,
    from_number: str | None,
    *,
    call_id: str | None = None,
    started: float | None = None,
) -> LiveCall:
    """A live call (under a new random id unless given): the number becomes a key and a
    region, and is gone."""
    hash_key = runtime.settings.hash_key.reveal().encode() if runtime.settings.hash_key else b""
    number = parse_number(from_number)  # the raw number lives only in this frame
    e164 = e164_of(number)
    return LiveCall(
        call_id=call_id or new_call_id(),
        call_sid=call_sid,
        started_at=started or now(),
        script_version=script.version,
        rules_version=runtime.rules.version,
        caller_key=caller_key(e164, hash_key),
        region=coarse_region(number),
    )


def lost_call(
    runtime: Runtime, call_sid: str, from_number: str | None, *, started_at: float
) -> LiveCall:
    """A stand-in for a call whose live state is gone: its id derived from the CallSid
    (the same for every callback about it), its caller key and region from `From`."""
    secret = runtime.settings.secret_key.reveal() if runtime.settings.secret_key else ""
    digest = hmac.new(secret.encode(), b"lost:" + call_sid.encode(), hashlib.sha256).digest()
    call = _new_call(runtime, runtime.scripts.current, call_sid, from_number)
    call.call_id = base64.urlsafe_b64encode(digest[:12]).decode()
    call.started_at, call.stage = started_at, "lost"
    return call


def respond(
    runtime: Runtime,
    *,
    call_id: str | None,
    call_sid: str,
    digits: str | None,
    speech: str | None,
    from_number: str | None = None,
    token: str | None = None,
) -> Turn:
    """One caller turn at a menu. Always returns a step the caller can follow."""
    carried = read_token(runtime, token, call_id) if token else None
    if carried is not None and call_id:
        script = runtime.scripts.get(carried.state.script_version)
        given = clean_input(digits, speech)
        state, step = advance(script, carried.state, given)
        if given.speech is not None:
            log.info("speech given", extra={"call_id": call_id, "node": state.node})
        if not isinstance(step, Enqueue | OfferCallback | Transfer):
            light = LiveCall(call_id, call_sid, 0.0, state.script_version, "", ivr={})
            return Turn(light, step, state_token(runtime, call_id, state, carried.started_at))
        joining = _new_call(
            runtime, script, call_sid, from_number, call_id=call_id, started=carried.started_at
        )
        return _join(runtime, joining, state, step)
    store = runtime.calls
    call = store.get(call_id) if call_id and CALL_ID.match(call_id) else None
    if call is None and call_sid:
        call = store.by_sid(call_sid)
    if call is None:
        return _recover(runtime, call_sid, from_number)
    script = runtime.scripts.get(call.script_version)
    given = clean_input(digits, speech)
    try:
        state = CallState.from_dict(call.ivr)
    except ValueError:
        log.warning("garbled IVR state; safe default", extra={"call_id": call.call_id})
        state, step = safe_default(script)
    else:
        state, step = advance(script, state, given)
    if given.speech is not None:
        log.info("speech given", extra={"call_id": call.call_id, "node": state.node})
    return _apply(runtime, call, state, step, created=False)


def _recover(runtime: Runtime, call_sid: str, from_number: str | None) -> Turn:
    """No live state for this call (expired, lost with a Redis restart): to the queue."""
    script = runtime.scripts.current
    state, step = safe_default(script)
    call = _new_call(runtime, script, call_sid, from_number)
    log.warning("unknown call; safe default to the queue", extra={"call_id": call.call_id})
    return _apply(runtime, call, state, step, created=True)


def _join(runtime: Runtime, call: LiveCall, state: CallState, step: Step) -> Turn:
    """The menus are done: the live call is written now, unless this CallSid has one
    already (a repeated webhook, or the caller hung up and the end was recorded first)."""
    store = runtime.calls
    call.ivr = state.to_dict()
    if not isinstance(step, Enqueue | OfferCallback):  # a transfer: no queue to join
        store.create(call)
        return Turn(call, step)
    _queued(runtime, call, step)
    known = store.join(call)
    if known is None:
        _enqueue(runtime, call)
        return Turn(call, step)
    earlier = store.get(known)
    if earlier is None or earlier.ended_at is not None:
        log.info("call ended before it could join the queue", extra={"call_id": known})
        return Turn(earlier or call, step)
    return _apply(runtime, earlier, state, step, created=False)


def _apply(
    runtime: Runtime, call: LiveCall, state: CallState, step: Step, *, created: bool
) -> Turn:
    call.ivr = state.to_dict()
    joins_queue = isinstance(step, Enqueue | OfferCallback) and call.stage == "ivr"
    if joins_queue:
        assert isinstance(step, Enqueue | OfferCallback)
        _queued(runtime, call, step)
    store = runtime.calls
    if created:
        store.create(call)
    else:
        store.save(call)
    if joins_queue:
        _enqueue(runtime, call)
    return Turn(call, step, state_token(runtime, call.call_id, state, call.started_at))


def _queued(runtime: Runtime, call: LiveCall, step: Enqueue | OfferCallback) -> None:
    call.stage = "queued"
    call.queued_at = now()
    call.language, call.topic, call.tier = step.language, step.topic, step.tier
    call.speech_used = step.speech_used
    call.rules_version = runtime.rules.version  # the rules it waits, relaxes and overflows by


def _enqueue(runtime: Runtime, call: LiveCall) -> None:

    enqueue_call(runtime, call)
    runtime.jobs.enqueue("dispatch")
    log.info(
        "call queued",
        extra={
            "call_id": call.call_id,
            "tier": call.tier,
            "language": call.language,
            "topic": call.topic,
            "speech_used": call.speech_used,
        },
    )
