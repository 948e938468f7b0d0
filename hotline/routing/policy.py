"""The routing rules as frozen values, so a call can keep the version it entered with."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass

TIER_NAMES = ("imminent", "urgent", "standard")
SPECIALTY_IDS = (
    "suicide",
    "domestic_violence",
    "relationships",
    "youth",
    "lgbtq",
    "substance_use",
    "general",
)
GENERAL = "general"  # every counselor has it: a general call may go to anyone
# fallback_language: the caller's language or one of its fallbacks (languages.X.fallback).
REQUIREMENTS = ("language", "fallback_language", "specialty")
STRATEGIES = ("longest_idle",)
FREQUENT_CALLER_ACTIONS = ("flag", "prefer_last_counselor")


@dataclass(frozen=True)
class RelaxStep:
    """From `after` seconds in the queue, a counselor needs only what `require` names."""

    after: int
    require: frozenset[str]

    @property
    def language(self) -> bool:
        return "language" in self.require

    @property
    def fallback_language(self) -> bool:
        """A counselor speaks the caller's language or a fallback of it (not if `language`)."""
        return "fallback_language" in self.require and not self.language

    def widens(self, before: RelaxStep) -> bool:
        """True if this step requires no more than `before` (language implies a fallback)."""

        def implied(require: frozenset[str]) -> set[str]:
            return set(require) | ({"fallback_language"} if "language" in require else set())

        return implied(self.require) <= implied(before.require)

    @property
    def specialty(self) -> bool:
        return "specialty" in self.require


@dataclass(frozen=True)
class Tier:
    """An urgency level. Lower `priority` is more urgent (1 is served first)."""

    name: str
    priority: int
    answer_within: int  # service-level target, seconds
    max_wait: int  # seconds in the queue before the call overflows
    relax: tuple[RelaxStep, ...]  # first step has after == 0; `after` strictly increasing
    # Seconds a counselor's phone rings for this tier's call; None: the rules' offer one.
    # A short one for a caller in danger leaves time to ring the next counselor.
    ring_timeout: int | None = None
    # Counselors rung at once for a caller of this tier on the line, when that many are
    # free and may take them (Asterisk's ringall, for this tier only): the first to accept
    # takes the call and the other phones stop. 1: one at a time.
    ring_at_once: int = 1


@dataclass(frozen=True)
class Language:
    code: str
    name: str
    say_language: str  # Twilio <Say language=...>, e.g. cmn-CN
    overflow: str | None  # E.164 backup line for this language; None: the default one
    # Languages its callers also understand, in order: a relaxation step that requires
    # fallback_language may give the call to a counselor who speaks one of them.
    fallback: tuple[str, ...] = ()


@dataclass(frozen=True)
class CounselorChoice:
    strategy: str  # only "longest_idle" for now
    prefer_counselor_for: int  # seconds a call waits for its preferred, on-call counselor


@dataclass(frozen=True)
class OfferPolicy:
    ring_timeout: int
    accept_key: str
    max_no_answer: int  # misses in a row before the counselor is set away
    wrap_up: int
    # Tiers whose calls may be offered to a counselor in wrap-up (their notes wait).
    wrap_up_yields_to: frozenset[str] = frozenset({"imminent"})
    # Seconds of talk after which the console reminds the counselor, once, and the
    # dashboard lists the call as long. A call is never cut.
    talk_reminder_after: int = 2700


@dataclass(frozen=True)
class OverflowPolicy:
    default: str  # the backup line; also what /voice/fallback dials
    callback_offer_after: int


@dataclass(frozen=True)
class CallbackPolicy:
    window_from: dt.time  # caller's local time; a window with from > to spans midnight
    window_to: dt.time
    max_attempts: int
    retry_backoff: tuple[int, ...]  # seconds before attempt 2, 3, ...; the last one repeats
    voicemail_message: str  # names neither the hotline nor the topic; may be empty
    key: str = "1"  # pressed on hold to be called back instead of waiting
    # Tiers whose callers the hold loop offers a callback; a caller in danger is kept on
    # the line unless their tier is named here.
    offer_to: frozenset[str] = frozenset({"urgent", "standard"})

    def in_window(self, local: dt.time) -> bool:
        if self.window_from <= self.window_to:
            return self.window_from <= local < self.window_to
        return local >= self.window_from or local < self.window_to

    def delay_after(self, attempt: int) -> int:
        """Seconds to wait after failed attempt number `attempt` (1-based)."""
        return self.retry_backoff[min(max(attempt, 1), len(self.retry_backoff)) - 1]


@dataclass(frozen=True)
class FrequentCallerPolicy:
    threshold: int  # calls in 7 days that make a frequent caller
    actions: frozenset[str]


@dataclass(frozen=True)
class RetentionPolicy:
    caller_key_days: int
    vault_days: int
    records_days: int
    notes_enabled: bool


@dataclass(frozen=True)
class Rules:
    """One published version of routing_rules.yaml."""

    version: str  # first 12 hex chars of the sha256 of the file text
    default_language: str
    tiers: Mapping[str, Tier]
    tier_order: tuple[str, ...]  # most urgent first
    languages: Mapping[str, Language]
    specialties: Mapping[str, str]  # id -> display name
    counselor_choice: CounselorChoice
    offer: OfferPolicy
    overflow: OverflowPolicy
    callbacks: CallbackPolicy
    frequent_callers: FrequentCallerPolicy
    retention: RetentionPolicy

    def __hash__(self) -> int:  # the version stands for the whole text
        return hash(self.version)

    def overflow_number(self, language: str | None) -> str:
        found = self.languages.get(language) if language is not None else None
        if found is not None and found.overflow is not None:
            return found.overflow
        return self.overflow.default

    def fallbacks(self, language: str) -> tuple[str, ...]:
        """The languages a caller of `language` also understands (none if unknown)."""
        found = self.languages.get(language)
        return found.fallback if found is not None else ()

    def tier_rank(self, name: str) -> int:
        """0 is the most urgent; an unknown tier counts as the most urgent: never under-serve."""
        return self.tier_order.index(name) if name in self.tiers else 0

    def ring_timeout_for(self, tier: str) -> int:
        """Seconds to ring a counselor for a call of this tier (the tier's, else offer's)."""
        own = self.tier_for(tier).ring_timeout
        return own if own is not None else self.offer.ring_timeout

    def tier_for(self, name: str) -> Tier:
        """The tier's settings; an unknown tier gets the most urgent tier's."""
        return self.tiers.get(name) or self.tiers[self.tier_order[0]]
