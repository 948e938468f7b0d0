"""Every TwiML document the service answers with, built with Twilio's VoiceResponse."""

from __future__ import annotations

import functools
from xml.sax.saxutils import escape

from twilio.twiml.voice_response import Gather, VoiceResponse

from hotline.ivr.steps import Ask, Play, Prompt, Say

# Said before the backup line is dialled when nothing else can be trusted (the fallback
# URL, an error in a webhook). Short: the caller hears a person as soon as possible.
BACKUP_WORDS = {
    "en": ("You are not alone. Connecting you to a counselor now.", "en-US"),
    "zh": ("你并不孤单。现在为你接通咨询员。", "cmn-CN"),
    "yue": ("你唔係一個人。而家幫你接駁輔導員。", "yue-HK"),
    "wuu": ("你并不孤单。现在为你接通咨询员。", "cmn-CN"),  # no Shanghainese voice: Mandarin
}
STILL_TRYING = "Please stay on the line. We are still trying to reach a counselor."
EMERGENCY = (
    "We could not connect you to a counselor. If you are in danger, "
    "please call your local emergency number now, or call us again."
)
DIAL_TIMEOUT = 30


def dial_backup(number: str, language: str, after: str) -> str:
    """Straight to the backup line; what follows a failed ring is decided at `after`."""
    text, say_language = BACKUP_WORDS.get(language, BACKUP_WORDS["en"])
    response = VoiceResponse()
    response.say(text, language=say_language)
    response.dial(number, timeout=DIAL_TIMEOUT, answer_on_bridge=True, action=after)
    return str(response)


def after_dial(answered: bool, retry_number: str | None, after: str) -> str:
    """After a <Dial>: a finished conversation ends the call; an unanswered ring tries the
    backup line once more; after that, the caller is told what they can do: never silence.
    """
    response = VoiceResponse()
    if answered:
        response.hangup()
    elif retry_number:
        response.say(STILL_TRYING, language="en-US")
        response.dial(retry_number, timeout=DIAL_TIMEOUT, answer_on_bridge=True, action=after)
    else:
        response.say(EMERGENCY, language="en-US")
        response.hangup()
    return str(response)


def empty() -> str:
    """An empty, valid answer (for status callbacks, where Twilio ignores the body)."""
    return str(VoiceResponse())


# --- The IVR: each step of the pure flow becomes one TwiML document. -------------------

HOLD_PAUSE = 20  # seconds of quiet between "you are still in line" messages


def _prompts(target: VoiceResponse | Gather, prompts: tuple[Prompt, ...]) -> None:
    for prompt in prompts:
        if isinstance(prompt, Say):
            target.say(prompt.text, voice=prompt.voice, language=prompt.language)
        elif isinstance(prompt, Play):
            target.play(prompt.url)
        else:
            target.pause(length=max(1, prompt.seconds))


_ACTION = "urn:hotline:action"  # stands in for the action URL in a cached document


def ask(step: Ask, action: str) -> str:
    """A <Gather> holding the prompts; silence falls through to a <Redirect> to the same URL.

    The redirect carries no Digits, which the flow reads as silence: one re-prompt,
    then the safe default. A caller who presses nothing is never left in silence.
    Menus are few and fixed per script version, so each is built once with VoiceResponse
    and only its action URL (escaped as XML) is put in per call.
    """
    return _ask_document(step).replace(_ACTION, escape(action, {'"': "&quot;"}))


@functools.lru_cache(maxsize=512)
def _ask_document(step: Ask) -> str:
    action = _ACTION
    response = VoiceResponse()
    options: dict[str, object] = {
        "action": action,
        "method": "POST",
        "timeout": step.timeout,
        "num_digits": step.num_digits,
        "input": "dtmf speech" if step.speech else "dtmf",
    }
    if step.speech:
        if step.speech_language:
            options["language"] = step.speech_language
        if step.hints:
            options["hints"] = ", ".join(step.hints)
        options["speech_timeout"] = "auto"
    gather = response.gather(**options)
    _prompts(gather, step.prompts)
    response.redirect(action, method="POST")
    return str(response)


def to_hold(prompts: tuple[Prompt, ...], hold: str) -> str:
    """Said once on entering the queue, then on to the hold loop."""
    response = VoiceResponse()
    _prompts(response, prompts)
    response.redirect(hold, method="POST")
    return str(response)


def hold(prompts: tuple[Prompt, ...], hold_url: str, *, pause: int = HOLD_PAUSE) -> str:
    """One turn of the hold loop: a few words, a quiet spell, and back to the loop."""
    response = VoiceResponse()
    _prompts(response, prompts)
    response.pause(length=pause)
    response.redirect(hold_url, method="POST")
    return str(response)


def hold_or_callback(
    prompts: tuple[Prompt, ...],
    offer: tuple[Prompt, ...],
    hold_url: str,
    *,
    pause: int = HOLD_PAUSE,
) -> str:
    """A hold turn that also listens for the callback key; no key just loops."""
    response = VoiceResponse()
    gather = response.gather(action=hold_url, method="POST", num_digits=1, input="dtmf", timeout=1)
    _prompts(gather, prompts + offer)
    gather.pause(length=pause)
    response.redirect(hold_url, method="POST")
    return str(response)


def farewell(prompts: tuple[Prompt, ...]) -> str:
    """Words, then the call ends (the caller will be called back)."""
    response = VoiceResponse()
    _prompts(response, prompts)
    response.hangup()
    return str(response)


def voicemail(text: str) -> str:
    """What an answering machine hears on a callback: the rules' neutral words, or nothing."""
    response = VoiceResponse()
    if text:
        response.say(text, language=COUNSELOR_LANGUAGE)
    response.hangup()
    return str(response)


def transfer(number: str, prompts: tuple[Prompt, ...], after: str) -> str:
    """Dial `number`; `after` (a /voice/dialled URL) decides what follows."""
    response = VoiceResponse()
    _prompts(response, prompts)
    response.dial(number, timeout=DIAL_TIMEOUT, answer_on_bridge=True, action=after)
    return str(response)


# --- Counselors and the bridge. ------------------------------------------------------

COUNSELOR_LANGUAGE = "en-US"
WHISPER_TIMEOUT = 10


def whisper(text: str, action: str, language: str = COUNSELOR_LANGUAGE) -> str:
    """What the counselor hears on answering: who is waiting, and the key to accept.

    No key (or hanging up) counts as a pass: the redirect carries no Digits.
    """
    response = VoiceResponse()
    gather = response.gather(
        action=action, method="POST", timeout=WHISPER_TIMEOUT, num_digits=1, input="dtmf"
    )
    gather.say(text, language=language)
    gather.pause(length=1)
    gather.say(text, language=language)
    response.redirect(action, method="POST")
    return str(response)


def room(call_id: str) -> str:
    """The per-call conference: a supervisor can later listen, coach or barge into it."""
    return f"hotline-{call_id}"


def conference(
    room: str,
    prompts: tuple[Prompt, ...],
    *,
    status_callback: str = "",
    notice: str = "",
    ends: bool = True,
) -> str:
    """Join the per-call room. The caller's leaving ends it (`ends`); a counselor's does
    not, so that a third party they brought in can stay with the caller (the service
    hangs up a caller left alone).

    `notice` is a sentence for a counselor (in their console language) said first."""
    response = VoiceResponse()
    if notice:
        response.say(notice, language=COUNSELOR_LANGUAGE)
    _prompts(response, prompts)
    dial = response.dial()
    options: dict[str, object] = {
        "start_conference_on_enter": True,
        "end_conference_on_exit": ends,
        "beep": False,
    }
    if status_callback:
        options.update(status_callback=status_callback, status_callback_event="end")
    dial.conference(room, **options)
    return str(response)


def supervise(room: str, mode: str, coach: str | None) -> str:
    """A supervisor (listen, coach, barge) or a third party (transfer) joins the room. They
    never start or end it: the conversation is the caller's and the counselor's."""
    response = VoiceResponse()
    dial = response.dial()
    options: dict[str, object] = {
        "start_conference_on_enter": mode == "transfer",
        "end_conference_on_exit": False,
        "beep": False,
    }
    if mode == "listen":
        options["muted"] = True
    elif mode == "coach" and coach:
        options["coach"] = coach
    dial.conference(room, **options)
    return str(response)


def goodbye(text: str, language: str = COUNSELOR_LANGUAGE) -> str:
    response = VoiceResponse()
    response.say(text, language=language)
    response.hangup()
    return str(response)
