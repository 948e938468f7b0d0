"""Read a TwiML document the way Twilio does, refusing verbs, nesting and attributes it refuses.

The one TwiML checker of the project (tests/support/twiml.py re-exports it): the simulator
records any violation as an error on the call, as Twilio would log a parse failure.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from dataclasses import dataclass

_GATHER = {
    "action",
    "method",
    "timeout",
    "finishOnKey",
    "numDigits",
    "input",
    "language",
    "hints",
    "speechTimeout",
    "speechModel",
    "profanityFilter",
    "actionOnEmptyResult",
    "enhanced",
    "bargeIn",
    "partialResultCallback",
    "partialResultCallbackMethod",
}
_DIAL = {
    "action",
    "method",
    "timeout",
    "callerId",
    "record",
    "hangupOnStar",
    "timeLimit",
    "answerOnBridge",
    "ringTone",
    "trim",
    "sequential",
    "recordingStatusCallback",
}
_NUMBER = {"sendDigits", "url", "method", "statusCallback", "statusCallbackEvent"}
_CONFERENCE = {
    "muted",
    "beep",
    "startConferenceOnEnter",
    "endConferenceOnExit",
    "waitUrl",
    "waitMethod",
    "maxParticipants",
    "record",
    "coach",
    "trim",
    "statusCallback",
    "statusCallbackEvent",
    "statusCallbackMethod",
    "participantLabel",
}
_NONE: frozenset[str] = frozenset()

# verb -> (attributes Twilio accepts, children it may hold, whether it takes text)
GRAMMAR: dict[str, tuple[frozenset[str], frozenset[str], bool]] = {
    "Response": (_NONE, _NONE, False),
    "Say": (frozenset({"voice", "language", "loop"}), _NONE, True),
    "Play": (frozenset({"loop", "digits"}), _NONE, True),
    "Pause": (frozenset({"length"}), _NONE, False),
    "Gather": (frozenset(_GATHER), frozenset({"Say", "Play", "Pause"}), False),
    "Dial": (frozenset(_DIAL), frozenset({"Number", "Conference", "Queue"}), True),
    "Number": (frozenset(_NUMBER | {"statusCallbackMethod"}), _NONE, True),
    "Conference": (frozenset(_CONFERENCE), _NONE, True),
    "Queue": (frozenset({"url", "method"}), _NONE, True),
    "Enqueue": (
        frozenset({"action", "method", "waitUrl", "waitUrlMethod", "maxQueueSize"}),
        _NONE,
        True,
    ),
    "Leave": (_NONE, _NONE, False),
    "Redirect": (frozenset({"method"}), _NONE, True),
    "Hangup": (_NONE, _NONE, False),
    "Reject": (frozenset({"reason"}), _NONE, False),
}
TOP_LEVEL = frozenset(GRAMMAR) - {"Response", "Number", "Conference", "Queue"}
VALUES = {
    "method": {"GET", "POST"},
    "input": {"dtmf", "speech", "dtmf speech", "speech dtmf"},
    "answerOnBridge": {"true", "false"},
}
WHOLE_NUMBERS = {"timeout", "numDigits", "length", "loop", "maxParticipants"}
NEEDS_TEXT = {"Say", "Play", "Number", "Enqueue", "Redirect", "Queue", "Conference"}


class TwimlError(ValueError):
    """The document is not TwiML Twilio would run; the message names the first problem."""


@dataclass(frozen=True)
class Verb:
    name: str
    attrs: dict[str, str]
    text: str
    children: tuple[Verb, ...]

    def attr(self, name: str, default: str = "") -> str:
        return self.attrs.get(name, default)


def parse(document: str) -> list[Verb]:
    """The top-level verbs of a document, or TwimlError."""
    try:
        root = ET.fromstring(document)
    except ET.ParseError as error:
        raise TwimlError(f"not XML: {error}") from None
    if root.tag != "Response":
        raise TwimlError(f"the root element is {root.tag}, not Response")
    if root.attrib:
        raise TwimlError("the Response element takes no attributes")
    return [_verb(el, TOP_LEVEL, "Response") for el in root]


def _verb(el: ET.Element, allowed: frozenset[str], parent: str) -> Verb:
    if el.tag not in allowed:
        raise TwimlError(f"<{el.tag}> may not stand inside <{parent}>")
    attrs, children, takes_text = GRAMMAR[el.tag]
    for name, value in el.attrib.items():
        if name not in attrs:
            raise TwimlError(f"<{el.tag}> has no attribute {name!r}")
        if value.startswith("["):
            raise TwimlError(f"<{el.tag} {name}> is a Python list: {value!r}")
        if name in VALUES and value not in VALUES[name]:
            raise TwimlError(f"<{el.tag} {name}={value!r}> is not allowed")
        if name in WHOLE_NUMBERS and not value.isdigit():
            raise TwimlError(f"<{el.tag} {name}={value!r}> must be a whole number")
    text = (el.text or "").strip()
    if text and not takes_text:
        raise TwimlError(f"<{el.tag}> takes no text")
    if el.tag in NEEDS_TEXT and not text:
        raise TwimlError(f"<{el.tag}> is empty")
    return Verb(el.tag, dict(el.attrib), text, tuple(_verb(c, children, el.tag) for c in el))
