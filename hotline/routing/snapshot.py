"""The plain values a routing decision is made from: waiting calls, counselors, who is on call."""

from __future__ import annotations

import enum
from collections.abc import Iterable
from dataclasses import dataclass

from hotline.routing.policy import GENERAL, RelaxStep


class CounselorState(enum.StrEnum):
    AVAILABLE = "available"
    RINGING = "ringing"
    ON_CALL = "on_call"
    WRAP_UP = "wrap_up"
    AWAY = "away"
    OFF_SHIFT = "off_shift"


# On call: working this shift, even if busy right now. Only AVAILABLE may be offered a
# call, and WRAP_UP too for a tier the rules' `offer.wrap_up_yields_to` names.
ON_CALL_STATES = frozenset(
    {
        CounselorState.AVAILABLE,
        CounselorState.RINGING,
        CounselorState.ON_CALL,
        CounselorState.WRAP_UP,
    }
)


@dataclass(frozen=True)
class WaitingCall:
    """A call in the queue. `entered_at` never changes: relaxing widens who may take it."""

    call_id: str
    tier: str
    entered_at: float
    language: str
    topic: str
    preferred_counselor: str | None = None
    rules_version: str = ""
    # A callback: the caller is not on the line, so it never overflows; it waits in its
    # place until someone may take it (the caller is rung once a counselor accepts).
    callback: bool = False


@dataclass(frozen=True)
class Counselor:
    counselor_id: str
    languages: frozenset[str]
    specialties: frozenset[str]  # "general" is implied for everyone
    state: CounselorState
    idle_since: float
    wrap_up_until: float | None = None  # in WRAP_UP: when it ends (None: not known)

    def knows(self, topic: str) -> bool:
        return topic == GENERAL or topic in self.specialties


@dataclass(frozen=True)
class OnCallSummary:
    """What the on-call counselors cover together, so "could anyone serve this step" is O(1).

    Build it once per roster change (a counselor coming on or going off shift or away).
    """

    counselor_ids: frozenset[str]
    languages: frozenset[str]
    specialties: frozenset[str]
    pairs: frozenset[tuple[str, str]]  # (language, specialty) spoken and known by one person

    def can_serve(
        self, step: RelaxStep, language: str, topic: str, fallbacks: tuple[str, ...] = ()
    ) -> bool:
        """Could anyone on call take a call of `language` and `topic` at `step`? A step
        requiring fallback_language also accepts a counselor who speaks one of `fallbacks`."""
        if not self.counselor_ids:
            return False
        spoken = (language, *fallbacks) if step.fallback_language else (language,)
        if (step.language or step.fallback_language) and step.specialty and topic != GENERAL:
            return any((lang, topic) in self.pairs for lang in spoken)
        if step.language or step.fallback_language:
            return any(lang in self.languages for lang in spoken)
        if step.specialty:
            return topic == GENERAL or topic in self.specialties
        return True


def on_call_summary(counselors: Iterable[Counselor]) -> OnCallSummary:
    on_call = [c for c in counselors if c.state in ON_CALL_STATES]
    return OnCallSummary(
        counselor_ids=frozenset(c.counselor_id for c in on_call),
        languages=frozenset(lang for c in on_call for lang in c.languages),
        specialties=frozenset(s for c in on_call for s in c.specialties),
        pairs=frozenset((lang, s) for c in on_call for lang in c.languages for s in c.specialties),
    )
