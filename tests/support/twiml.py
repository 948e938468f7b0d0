"""Check a TwiML document the way Twilio reads it: legal verbs, nesting and attributes.

Twilio's Python builder turns any keyword into an attribute (and a list into
"['a', 'b']"), so every document the service answers with goes through here in tests.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from dataclasses import dataclass

# verb -> (attributes Twilio accepts, children it may hold, whether it takes text)
GRAMMAR: dict[str, tuple[frozenset[str], frozenset[str], bool]] = {
    "Response": (frozenset(), frozenset(), False),
    "Say": (frozenset({"voice", "language", "loop"}), frozenset(), True),
    "Play": (frozenset({"loop", "digits"}), frozenset(), True),
    "Pause": (frozenset({"length"}), frozenset(), False),
    "Gather": (
        frozenset(
            {
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
        ),
        frozenset({"Say", "Play", "Pause"}),
        False,
    ),
    "Dial": (
        frozenset(
            {
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
        ),
        frozenset({"Number", "Conference", "Queue", "Client", "Sip"}),
        True,
    ),
    "Number": (
        frozenset(
            {
                "sendDigits",
                "url",
                "method",
                "statusCallback",
                "statusCallbackEvent",
                "statusCallbackMethod",
            }
        ),
        frozenset(),
        True,
    ),
    "Conference": (
        frozenset(
            {
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
        ),
        frozenset(),
        True,
    ),
    "Queue": (frozenset({"url", "method"}), frozenset(), True),
    "Enqueue": (
        frozenset({"action", "method", "waitUrl", "waitUrlMethod", "maxQueueSize"}),
        frozenset(),
        True,
    ),
    "Leave": (frozenset(), frozenset(), False),
    "Redirect": (frozenset({"method"}), frozenset(), True),
    "Hangup": (frozenset(), frozenset(), False),
    "Reject": (frozenset({"reason"}), frozenset(), False),
}
TOP_LEVEL = frozenset(GRAMMAR) - {"Response", "Number", "Conference", "Queue"}
VALUES = {
    "method": {"GET", "POST"},
    "input": {"dtmf", "speech", "dtmf speech", "speech dtmf"},
    "answerOnBridge": {"true", "false"},
}


@dataclass(frozen=True)
class Verb:
    name: str
    attrs: dict[str, str]
    text: str
    children: tuple[Verb, ...]


def parse(document: str) -> list[Verb]:
    """The top-level verbs; AssertionError naming the first thing Twilio would refuse."""
    root = ET.fromstring(document)
    assert root.tag == "Response", f"root is <{root.tag}>, not <Response>"
    assert not root.attrib, "<Response> takes no attributes"
    verbs = [_verb(el, TOP_LEVEL, "Response") for el in root]
    return verbs


def _verb(el: ET.Element, allowed: frozenset[str], parent: str) -> Verb:
    assert el.tag in allowed, f"<{el.tag}> may not stand inside <{parent}>"
    attrs, children, takes_text = GRAMMAR[el.tag]
    for name, value in el.attrib.items():
        assert name in attrs, f"<{el.tag}> has no attribute {name!r}"
        assert not value.startswith("["), f"<{el.tag} {name}> is a Python list: {value!r}"
        if name in VALUES:
            assert value in VALUES[name], f"<{el.tag} {name}={value!r}> is not allowed"
        if name in {"timeout", "numDigits", "length", "loop", "maxParticipants"}:
            assert value.isdigit(), f"<{el.tag} {name}={value!r}> must be a whole number"
    text = (el.text or "").strip()
    assert takes_text or not text, f"<{el.tag}> takes no text"
    if el.tag in {"Say", "Play", "Number", "Enqueue", "Redirect", "Queue", "Conference"}:
        assert text, f"<{el.tag}> is empty"
    return Verb(el.tag, dict(el.attrib), text, tuple(_verb(c, children, el.tag) for c in el))


def flat(verbs: list[Verb]) -> list[Verb]:
    out: list[Verb] = []
    for verb in verbs:
        out.append(verb)
        out.extend(flat(list(verb.children)))
    return out
