"""Readers for the service-policy sections of routing_rules.yaml (all but tiers and languages)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping

from hotline.problems import say
from hotline.routing.fields import FieldReader
from hotline.routing.policy import (
    FREQUENT_CALLER_ACTIONS,
    SPECIALTY_IDS,
    STRATEGIES,
    TIER_NAMES,
    CallbackPolicy,
    CounselorChoice,
    FrequentCallerPolicy,
    OfferPolicy,
    OverflowPolicy,
    RetentionPolicy,
)
from hotline.yamlsource import Path

REVEALING_WORDS = ("hotline", "helpline", "crisis", "counsel", "abuse", "violence")


def read_counselor_choice(r: FieldReader) -> CounselorChoice | None:
    path: Path = ("counselor_choice",)
    r.mapping(path, optional=("strategy", "prefer_counselor_for"))
    strategy = r.text((*path, "strategy"), "longest_idle", "|".join(STRATEGIES), "longest_idle")
    prefer_for = r.integer((*path, "prefer_counselor_for"), default=60)
    if strategy is None or prefer_for is None:
        return None
    return CounselorChoice(strategy, prefer_for)


def read_offer(r: FieldReader) -> OfferPolicy | None:
    path: Path = ("offer",)
    keys = (
        "ring_timeout",
        "accept_key",
        "max_no_answer",
        "wrap_up",
        "wrap_up_yields_to",
        "talk_reminder_after",
    )
    r.mapping(path, optional=keys)
    ring_timeout = r.integer((*path, "ring_timeout"), minimum=5, default=20)
    key_value = r.raw((*path, "accept_key"))
    if isinstance(key_value, int) and not isinstance(key_value, bool) and 0 <= key_value <= 9:
        accept_key: str | None = str(key_value)  # `accept_key: 1` unquoted is fine too
    else:
        accept_key = r.text((*path, "accept_key"), "1", "[0-9]", say('one digit, like "1"'))
    max_no_answer = r.integer((*path, "max_no_answer"), minimum=1, default=2)
    wrap_up = r.integer((*path, "wrap_up"), default=120)
    yields_to = read_tiers(r, (*path, "wrap_up_yields_to"), default=("imminent",))
    reminder = r.integer((*path, "talk_reminder_after"), minimum=60, default=2700)
    if ring_timeout is None or accept_key is None or max_no_answer is None or wrap_up is None:
        return None
    if yields_to is None or reminder is None:
        return None
    return OfferPolicy(ring_timeout, accept_key, max_no_answer, wrap_up, yields_to, reminder)


def read_tiers(r: FieldReader, path: Path, default: tuple[str, ...]) -> frozenset[str] | None:
    """A list of tier names (`[]`: none); `default` when the key is left out."""
    if not r.present(path):
        return frozenset(default)
    names = r.names(path, TIER_NAMES, say("tier"))
    return frozenset(names) if names is not None else None


def read_overflow(r: FieldReader) -> OverflowPolicy | None:
    path: Path = ("overflow",)
    r.mapping(path, ("default",), ("callback_offer_after",))
    default = r.phone((*path, "default"))
    offer_after = r.integer((*path, "callback_offer_after"), default=60)
    if default is None or offer_after is None:
        return None
    return OverflowPolicy(default, offer_after)


def read_callbacks(r: FieldReader, specialties: Mapping[str, str]) -> CallbackPolicy | None:
    path: Path = ("callbacks",)
    keys = ("window", "max_attempts", "retry_backoff", "voicemail_message", "key", "offer_to")
    r.mapping(path, optional=keys)
    window: Path = (*path, "window")
    r.mapping(window, ("from", "to"))
    if not r.present(window):
        start: dt.time | None
        end: dt.time | None
        start, end = dt.time(8), dt.time(22)
    else:
        start, end = r.clock((*window, "from")), r.clock((*window, "to"))
        if start is not None and start == end:
            r.report((*window, "to"), say("the window must not start and end at the same time"))
    attempts = r.integer((*path, "max_attempts"), minimum=1, default=3)
    backoff = read_backoff(r, (*path, "retry_backoff"), attempts or 1)
    message = r.text((*path, "voicemail_message"), "")
    if message:
        lowered = message.lower()
        words = (*REVEALING_WORDS, *(w.lower() for w in specialties.values()), *SPECIALTY_IDS)
        for word in words:
            if word != "general" and word.replace("_", " ") in lowered:
                r.report(
                    (*path, "voicemail_message"),
                    say(
                        "must not name the hotline or a topic (it says '%(word)s'): "
                        "someone else may hear it",
                        word=word,
                    ),
                )
                break
    key = r.text((*path, "key"), "1", pattern=r"[0-9*#]", hint=say("one key: 0-9, * or #"))
    offer_to = read_tiers(r, (*path, "offer_to"), default=("urgent", "standard"))
    if start is None or end is None or attempts is None or backoff is None or message is None:
        return None
    if key is None or offer_to is None:
        return None
    return CallbackPolicy(start, end, attempts, backoff, message, key, offer_to)


def read_backoff(r: FieldReader, path: Path, attempts: int) -> tuple[int, ...] | None:
    """A list of seconds, or one base that doubles after each attempt."""
    value = r.raw(path)
    if isinstance(value, list):
        delays = [r.integer((*path, i), minimum=1) for i in range(len(value))]
        if not value:
            r.report(path, say("must list at least one delay"))
        found = tuple(d for d in delays if d is not None)
        return found if value and len(found) == len(value) else None
    base = r.integer(path, minimum=1, default=900)
    if base is None:
        return None
    return tuple(base * 2**i for i in range(max(attempts - 1, 1)))


def read_frequent_callers(r: FieldReader) -> FrequentCallerPolicy | None:
    path: Path = ("frequent_callers",)
    r.mapping(path, optional=("threshold", "actions"))
    threshold = r.integer((*path, "threshold"), minimum=1, default=4)
    actions = r.names((*path, "actions"), FREQUENT_CALLER_ACTIONS, say("action"))
    if not r.present((*path, "actions")):
        actions = ["flag"]
    if threshold is None or actions is None:
        return None
    return FrequentCallerPolicy(threshold, frozenset(actions))


def read_retention(r: FieldReader) -> RetentionPolicy | None:
    path: Path = ("retention",)
    keys = ("caller_key_days", "vault_days", "records_days", "notes_enabled")
    r.mapping(path, optional=keys)
    caller_key = r.integer((*path, "caller_key_days"), minimum=1, default=90)
    vault = r.integer((*path, "vault_days"), minimum=1, default=14)
    records = r.integer((*path, "records_days"), minimum=1, default=730)
    notes = r.boolean((*path, "notes_enabled"), default=False)
    if caller_key is None or vault is None or records is None or notes is None:
        return None
    return RetentionPolicy(caller_key, vault, records, notes)
