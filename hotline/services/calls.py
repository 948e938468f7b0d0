"""A call's way from the first ring to the queue: the IVR turns and the hold loop.

The caller's number is turned into an anonymous caller key here, at once, and is
never kept. Anything unexpected (an unknown call id, a lost Redis key, a garbled
state) takes the flow's safe default: the queue, with topic general, tier urgent.
"""

from __future__ import annotations

import base64
import contextlib
import dataclasses
import hashlib
import hmac
import json
import logging
import re
from dataclasses import dataclass
from typing import Literal

from sqlalchemy.exc import SQLAlchemyError

from hotline.ivr.flow import CallerInput, CallState, advance, safe_default, start
from hotline.ivr.script import Script
from hotline.ivr.steps import Ask, Enqueue, OfferCallback, Prompt, Say, Step, Transfer
from hotline.live.calls import CallStore, LiveCall, new_call_id, now
from hotline.live.presence import Presence
from hotline.live.queue import LiveQueue
from hotline.phone_numbers import coarse_region, e164_of, parse_number, to_e164
from hotline.privacy import caller_key
from hotline.records.calls import median_talk_since
from hotline.records.vault import VaultKeyError
from hotline.routing.wait import (
    SAY_NOTHING,
    Announcement,
    CallTimes,
    announce,
    expected_wait,
)
from hotline.runtime import Runtime
from hotline.services.callbacks import may_offer, request_from_queue
from hotline.services.dispatch import enqueue_call, overflow

log = logging.getLogger(__name__)
_DIGITS = re.compile(r"^[0-9*#]{1,20}$")
_CALL_ID = re.compile(r"^[A-Za-z0-9_-]{8,40}$")
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


@dataclass(frozen=True)
class Carried:
    state: CallState
    started_at: float | None  # None in a token from before the start time was carried


def state_token(
    runtime: Runtime, call_id: str, state: CallState, started_at: float | None = None
) -> str | None:
    key = runtime.settings.secret_key
    if key is None:
        return None
    body: list[object] = [call_id, state.to_dict()]
    if started_at is not None:
        body.append(round(started_at, 3))
    payload = base64.urlsafe_b64encode(json.dumps(body, separators=(",", ":")).encode()).rstrip(
        b"="
    )
    return f"{payload.decode()}.{_mac(key.reveal(), payload)}"


def _mac(secret: str, payload: bytes) -> str:
    digest = hmac.new(secret.encode(), b"ivr-state:" + payload, hashlib.sha256).digest()
    return base64.urlsafe_b64encode(digest[:18]).decode()


def read_token(runtime: Runtime, token: str | None, call_id: str | None) -> Carried | None:
    """The state a token carries, if it is ours, intact, and for this call."""
    key = runtime.settings.secret_key
    if not token or key is None or not call_id or len(token) > 2048 or "." not in token:
        return None
    payload, _, mac = token.rpartition(".")
    if not hmac.compare_digest(mac, _mac(key.reveal(), payload.encode())):
        return None
    try:
        raw = base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4))
        owner, state, *rest = json.loads(raw)
        if owner != call_id:
            return None
        started = float(rest[0]) if rest else None
        return Carried(CallState.from_dict(state), started)
    except (ValueError, TypeError):
        return None


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
        call = _new_call(
            runtime, script, call_sid, from_number, call_id=call_id, started=carried.started_at
        )
        return _join(runtime, call, state, step)
    store = CallStore(runtime.redis)
    call = store.get(call_id) if call_id and _CALL_ID.match(call_id) else None
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
    store = CallStore(runtime.redis)
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
    store = CallStore(runtime.redis)
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


@dataclass(frozen=True)
class HoldTurn:
    action: str  # "hold", "connect" or "overflow"
    call: LiveCall | None
    language: str
    number: str | None = None  # for overflow
    position: int | None = None  # place in line, for the hold message
    said: Announcement = SAY_NOTHING  # what the hold message may say about time


def hold_turn(runtime: Runtime, *, call_id: str | None, call_sid: str) -> HoldTurn:
    """Keep holding, join the counselor, or overflow (past max_wait, or the call is lost)."""

    store = CallStore(runtime.redis)
    call = store.get(call_id) if call_id and _CALL_ID.match(call_id) else None
    if call is None and call_sid:
        call = store.by_sid(call_sid)
    rules = runtime.rules
    if call is None or call.queued_at is None:
        return HoldTurn("overflow", call, rules.default_language, rules.overflow_number(None))
    language = call.language or rules.default_language
    if call.stage == "connected":
        return HoldTurn("connect", call, language)
    tier = runtime.rules_for(call.rules_version).tiers.get(call.tier or "")
    waited = now() - call.queued_at
    if call.stage == "queued" and (tier is None or waited >= tier.max_wait):
        overflow(runtime, call.call_id)
        call = store.get(call.call_id) or call
    if call.stage == "overflowed":
        return HoldTurn("overflow", call, language, rules.overflow_number(language))
    queue = LiveQueue(runtime.redis)
    position = queue.position(call.call_id, rules.tier_order)
    said = _time_to_say(runtime, call.call_id) if position else SAY_NOTHING
    return HoldTurn("hold", call, language, position=position, said=said)


_HANDLE: dict[int, tuple[float, float]] = {}  # per runtime: (talk seconds, until), every 10 min
DEFAULT_TALK = 20 * 60  # seconds, until the day's records say otherwise


def _time_to_say(runtime: Runtime, call_id: str) -> Announcement:
    """From live state (the queue, the counselors, their wrap-ups) and the records (talk
    time): see routing.wait. A caller being rung for right now hears nothing of time."""
    queue = LiveQueue(runtime.redis)
    me = queue.get(call_id)
    if me is None or queue.is_offered(call_id):
        return SAY_NOTHING
    rules = runtime.rules_for(me.rules_version)
    moment = now()
    times = CallTimes(talk=_talk_seconds(runtime), wrap_up=rules.offer.wrap_up)
    counselors = Presence(runtime.redis).all()
    seconds = expected_wait(moment, me, queue.waiting(), counselors, rules, times)
    return announce(moment, me, rules, seconds)


def _talk_seconds(runtime: Runtime) -> float:
    """Today's median talk time in the records (looked up every 10 minutes at most)."""
    moment = now()
    seconds, until = _HANDLE.get(id(runtime), (0.0, 0.0))
    if moment >= until:
        talk: float | None = None
        with contextlib.suppress(SQLAlchemyError):  # the database down: the default
            talk = median_talk_since(runtime.sessions, moment - 24 * 3600)
        seconds = talk or DEFAULT_TALK
        _HANDLE[id(runtime)] = (seconds, moment + 600)
    return seconds


@dataclass(frozen=True)
class CallbackChoice:
    open: bool  # offer the callback key on this hold turn
    key: str
    e164: str | None  # in memory for this webhook only


def callback_choice(runtime: Runtime, call: LiveCall, from_number: str | None) -> CallbackChoice:
    """Whether this hold turn offers a callback (see callbacks.may_offer)."""

    e164 = to_e164(from_number)
    return CallbackChoice(may_offer(runtime, call, e164), runtime.rules.callbacks.key, e164)


CallbackAsked = Literal["arranged", "not_now", "failed"]
_CANNOT = {SQLAlchemyError: "database unavailable", VaultKeyError: "DATA_KEY unusable"}


def ask_callback(runtime: Runtime, call: LiveCall, choice: CallbackChoice) -> CallbackAsked:
    """The caller pressed the callback key: "arranged"; "not_now" when there is no place to
    keep (no number, or a counselor is being rung for them); "failed" when it could not be
    arranged (the database or the vault key): they are told so and keep their place."""

    if choice.e164 is None:
        return "not_now"
    try:
        return "arranged" if request_from_queue(runtime, call, choice.e164) else "not_now"
    except (SQLAlchemyError, VaultKeyError) as exc:
        reason = next(text for kind, text in _CANNOT.items() if isinstance(exc, kind))
        log.warning(
            "callback could not be arranged; caller told and keeps holding",
            extra={"call_id": call.call_id, "reason": reason, "error": type(exc).__name__},
        )
        return "failed"


def fill(prompts: tuple[Prompt, ...], **values: object) -> tuple[Prompt, ...]:
    """Put values into a message's {placeholders} (spoken text only)."""

    def put(text: str) -> str:
        for name, value in values.items():
            text = text.replace("{" + name + "}", str(value))
        return text

    return tuple(
        dataclasses.replace(p, text=put(p.text)) if isinstance(p, Say) else p for p in prompts
    )


def hold_words(
    script: Script, language: str, position: int | None, said: Announcement = SAY_NOTHING
) -> tuple[Prompt, ...]:
    """'You are still in line', where they stand, and what is true about time (see
    routing.wait): an estimated wait that comes before their overflow, or when a person
    will answer (to a caller in danger only that), or nothing."""
    words = script.message(language, "hold")
    if position is None:
        return words
    if position == 1:
        words += script.message(language, "next_in_line")
    else:
        words += fill(script.message(language, "position"), position=position)
    if said.within == 1:
        return words + script.message(language, "answer_within_one")
    if said.within is not None:
        return words + fill(script.message(language, "answer_within"), minutes=said.within)
    if said.minutes is not None:
        return words + fill(script.message(language, "wait"), minutes=said.minutes)
    return words
