"""What each TwiML verb does to a simulated leg, after Twilio's documented behaviour.

A handler returns None to go on with the next verb, a Fetch to leave the document for
another one, or raises Hangup. Speaking takes len(text)/15 Twilio seconds, so a hold
loop has a realistic pace and every wait can be interrupted.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

import hotline.devdouble.twilio.bridge as bridge
from hotline.devdouble.twilio.legs import Fetch, Hangup, Left
from hotline.devdouble.twilio.parties import Speech, choose
from hotline.devdouble.twilio.twiml import Verb

if TYPE_CHECKING:
    from hotline.devdouble.twilio.runner import Runner

CHARS_PER_SECOND = 15.0
PLAY_SECONDS = 1.0
GATHER_TIMEOUT = 5  # Twilio's default
Handler = Callable[["Runner", Verb, str | None], Fetch | None]


def run(r: Runner, verb: Verb, base: str | None) -> Fetch | None:
    r.leg.log("verb", name=verb.name, attrs=dict(verb.attrs), text=verb.text)
    return HANDLERS[verb.name](r, verb, base)


def _loops(verb: Verb) -> int:
    loop = verb.attr("loop", "1")
    return max(1, int(loop)) if loop.isdigit() else 1  # loop="0" (forever) is played once


def say(r: Runner, verb: Verb, base: str | None) -> Fetch | None:
    language, voice = verb.attr("language", "en-US"), verb.attr("voice", "")
    for _ in range(_loops(verb)):
        r.leg.log("say", text=verb.text, language=language, voice=voice)
        r.said_here.append(verb.text)
        r.wait(len(verb.text) / CHARS_PER_SECOND)
    return None


def play(r: Runner, verb: Verb, base: str | None) -> Fetch | None:
    for _ in range(_loops(verb)):
        r.leg.log("play", url=verb.text, digits=verb.attr("digits"))
        r.wait(PLAY_SECONDS)
    return None


def pause(r: Runner, verb: Verb, base: str | None) -> Fetch | None:
    """A quiet spell; outside a <Gather> it means the caller is holding."""
    length = int(verb.attr("length", "1") or 1)
    r.leg.log("pause", length=length)
    r.enter_hold()
    r.wait(length)
    return None


def _prompt(r: Runner, verb: Verb, base: str | None) -> None:
    if verb.name == "Pause":
        length = int(verb.attr("length", "1") or 1)
        r.leg.log("pause", length=length)
        r.wait(length)
    else:
        run(r, verb, base)


def gather(r: Runner, verb: Verb, base: str | None) -> Fetch | None:
    """Prompts, then the party's input posted to action; nothing: on to the next verb."""
    for child in verb.children:
        _prompt(r, child, base)
    leg = r.leg
    modes = verb.attr("input", "dtmf").split()
    given = choose(leg.party, leg.turns, r.said_here)
    leg.turns += 1
    if given is None:
        leg.log("input", kind="hangup")
        raise Hangup("party")
    params: dict[str, str] | None = None
    if isinstance(given, Speech) and "speech" in modes:
        params = {"SpeechResult": given.words, "Confidence": f"{given.confidence:.2f}"}
    elif isinstance(given, str) and "dtmf" in modes:
        digits = given
        finish = verb.attr("finishOnKey", "#")
        if finish and finish in digits:
            digits = digits[: digits.index(finish)]
        if verb.attr("numDigits").isdigit():
            digits = digits[: int(verb.attr("numDigits"))]
        params = {"Digits": digits} if digits else None
    if params is None:
        leg.log("input", kind="silence")
        r.wait(int(verb.attr("timeout", str(GATHER_TIMEOUT)) or GATHER_TIMEOUT))
        if verb.attr("actionOnEmptyResult") != "true":
            return None
        params = {}
    else:
        leg.log("input", kind="speech" if "SpeechResult" in params else "digits", **params)
    action = r.resolve(verb.attr("action"), base) if verb.attr("action") else base
    if action is None:
        return None
    return Fetch(action, verb.attr("method", "POST"), extra=params)


def redirect(r: Runner, verb: Verb, base: str | None) -> Fetch | None:
    return Fetch(r.resolve(verb.text, base), verb.attr("method", "POST"))


def hangup(r: Runner, verb: Verb, base: str | None) -> Fetch | None:
    raise Hangup("service")


def reject(r: Runner, verb: Verb, base: str | None) -> Fetch | None:
    """Before answering, the call ends busy or no-answer (reason); after, it is a hang-up."""
    if r.leg.answered_at is None:
        r.leg.final_status = "busy" if verb.attr("reason") == "busy" else "no-answer"
        raise Hangup("rejected")
    raise Hangup("service")


def leave(r: Runner, verb: Verb, base: str | None) -> Fetch | None:
    if r.in_queue:
        raise Left
    return None


HANDLERS: dict[str, Handler] = {
    "Say": say,
    "Play": play,
    "Pause": pause,
    "Gather": gather,
    "Redirect": redirect,
    "Hangup": hangup,
    "Reject": reject,
    "Leave": leave,
    "Dial": bridge.dial,
    "Enqueue": bridge.enqueue,
}
