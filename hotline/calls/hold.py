"""The hold loop: each turn the caller hears they are not forgotten, where they stand and
what is true about time, and may press a key for a callback; or they are joined to the
counselor who accepted, or dialled through to the backup line. The view renders the
answer as TwiML; every decision is here.
"""

from __future__ import annotations

import contextlib
import dataclasses
import logging
from dataclasses import dataclass
from typing import Literal

from sqlalchemy.exc import SQLAlchemyError

from hotline.callbacks import may_offer, request_from_queue
from hotline.calls.menus import CALL_ID
from hotline.ivr.script import Script
from hotline.ivr.steps import Prompt, Say
from hotline.live.calls import LiveCall, now
from hotline.phone_numbers import to_e164
from hotline.queue.dispatch import overflow
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

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class HoldAnswer:
    """What the caller hears on this hold turn."""

    action: Literal["overflow", "connect", "arranged", "hold"]
    call: LiveCall | None
    words: tuple[Prompt, ...] = ()
    offer: tuple[Prompt, ...] = ()  # the callback offer, when it is open this turn
    number: str | None = None  # overflow: the line to dial


def hold(
    runtime: Runtime,
    *,
    call_id: str | None,
    call_sid: str,
    from_number: str | None,
    digits: str | None,
) -> HoldAnswer:
    """One hold turn: overflow, connect, a callback arranged (or told it failed), or hold."""
    turn = hold_turn(runtime, call_id=call_id, call_sid=call_sid)
    script = runtime.scripts.get(turn.call.script_version) if turn.call else runtime.scripts.current
    if turn.action == "overflow":
        transfer = script.message(turn.language, "transfer")
        return HoldAnswer("overflow", turn.call, transfer, number=turn.number)
    assert turn.call is not None
    if turn.action == "connect":
        return HoldAnswer("connect", turn.call)
    choice = callback_choice(runtime, turn.call, from_number)
    pressed = choice.open and digits == choice.key
    asked = ask_callback(runtime, turn.call, choice) if pressed else "not_now"
    if asked == "arranged":
        return HoldAnswer("arranged", turn.call, script.message(turn.language, "callback_confirm"))
    words = hold_words(script, turn.language, turn.position, turn.said)
    if asked == "failed":  # told the truth, in their place; not offered again this turn
        return HoldAnswer(
            "hold", turn.call, script.message(turn.language, "callback_failed") + words
        )
    if choice.open:
        offer = fill(script.message(turn.language, "callback_offer"), key=choice.key)
        return HoldAnswer("hold", turn.call, words, offer)
    return HoldAnswer("hold", turn.call, words)


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

    store = runtime.calls
    call = store.get(call_id) if call_id and CALL_ID.match(call_id) else None
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
    queue = runtime.queue
    position = queue.position(call.call_id, rules.tier_order)
    said = _time_to_say(runtime, call.call_id) if position else SAY_NOTHING
    return HoldTurn("hold", call, language, position=position, said=said)


DEFAULT_TALK = 20 * 60  # seconds, until the day's records say otherwise


def _time_to_say(runtime: Runtime, call_id: str) -> Announcement:
    """From live state (the queue, the counselors, their wrap-ups) and the records (talk
    time): see routing.wait. A caller being rung for right now hears nothing of time."""
    queue = runtime.queue
    me = queue.get(call_id)
    if me is None or queue.is_offered(call_id):
        return SAY_NOTHING
    rules = runtime.rules_for(me.rules_version)
    moment = now()
    times = CallTimes(talk=_talk_seconds(runtime), wrap_up=rules.offer.wrap_up)
    counselors = runtime.presence.all()
    seconds = expected_wait(moment, me, queue.waiting(), counselors, rules, times)
    return announce(moment, me, rules, seconds)


def _talk_seconds(runtime: Runtime) -> float:
    """Today's median talk time in the records (looked up every 10 minutes at most)."""
    moment = now()
    seconds, until = runtime.memo.get("talk_seconds", (0.0, 0.0))
    if moment >= until:
        talk: float | None = None
        with contextlib.suppress(SQLAlchemyError):  # the database down: the default
            talk = median_talk_since(runtime.sessions, moment - 24 * 3600)
        seconds = talk or DEFAULT_TALK
        runtime.memo["talk_seconds"] = (seconds, moment + 600)
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
