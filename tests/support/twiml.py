"""Check a TwiML document the way Twilio reads it: legal verbs, nesting and attributes.

The grammar lives with the local Twilio (`hotline.devdouble.twilio.twiml`), which checks every
document the service answers with; tests use the same checker. Twilio's Python builder
turns any keyword into an attribute (and a list into "['a', 'b']"), which it refuses.
"""

from __future__ import annotations

from hotline.devdouble.twilio.twiml import GRAMMAR, TwimlError, Verb, parse

__all__ = ["GRAMMAR", "TwimlError", "Verb", "flat", "parse"]


def flat(verbs: list[Verb]) -> list[Verb]:
    out: list[Verb] = []
    for verb in verbs:
        out.append(verb)
        out.extend(flat(list(verb.children)))
    return out
