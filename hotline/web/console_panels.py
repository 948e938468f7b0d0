"""The console's panels, rendered on the server in the reader's language: the page shows them
at first and /console/state.json sends them again, so every word is translated here and the
page and its live updates can never disagree."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from flask import render_template
from flask_babel import get_locale
from flask_babel import lazy_gettext as _l

from hotline.console.desk import CallCard, Desk, Unfiled
from hotline.console.wrap_up import DISPOSITIONS, RISK_LEVELS, WrapUp
from hotline.queue.whisper import WORDS
from hotline.web import dates

STATES = {
    "available": _l("Available"),
    "ringing": _l("Ringing"),
    "on_call": _l("On a call"),
    "wrap_up": _l("Wrap-up"),
    "away": _l("Away"),
    "off_shift": _l("Off shift"),
}
DISPOSITION_NAMES = {
    "support_given": _l("Support given"),
    "safety_plan": _l("Safety plan made"),
    "crisis_intervention": _l("Crisis intervention"),
    "information": _l("Information given"),
    "referral": _l("Referred on"),
    "third_party": _l("Call about someone else"),
    "silent": _l("Silent call"),
    "hung_up": _l("Caller hung up early"),
    "abusive": _l("Abusive or prank call"),
    "wrong_number": _l("Wrong number"),
}
RISK_NAMES = {
    "none": _l("None"),
    "low": _l("Low"),
    "moderate": _l("Moderate"),
    "high": _l("High"),
    "imminent": _l("Imminent"),
}
ERRORS = {
    "required": _l("Please fill this in."),
    "no_call": _l("There is no call to wrap up."),
    "bad_time": _l("This is not a date and time."),
    "before_earliest": _l("The latest time must come after the earliest."),
    "past": _l("The latest time has already passed."),
    "too_far": _l("A follow-up can be at most 14 days ahead."),
    "too_long": _l("The note is too long."),
}
assert set(DISPOSITION_NAMES) == set(DISPOSITIONS) and set(RISK_NAMES) == set(RISK_LEVELS)


def state_label(state: str | None) -> str:
    return str(STATES.get(state or "", _l("Not on the roster yet")))


def _words() -> dict[str, Any]:
    return WORDS["zh"] if str(get_locale()) == "zh_Hans" else WORDS["en"]


def name(table: str, key: str | None) -> str:
    """A tier, language or topic by its name in the reader's language (as the whisper says it)."""
    if key is None:
        return "—"
    return str(_words()[table].get(key, key))


def minutes_seconds(seconds: int | None) -> str:
    if seconds is None:
        return "—"
    return f"{seconds // 60}:{seconds % 60:02d}"


def ordinal(n: int) -> str:
    if str(get_locale()) == "zh_Hans":
        return str(n)
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


def clock(at: dt.datetime, zone: dt.tzinfo) -> str:
    """A call's time of day in the roster's zone, e.g. "02:14"."""
    return dates.shown(at, dates.TIME, zone)


def card_html(card: CallCard | None) -> str:
    """The call card, or "" with no call (the grid then closes the gap)."""
    if card is None:
        return ""
    return render_template(
        "console/_card.html",
        card=card,
        name=name,
        waited=minutes_seconds(card.waited_seconds),
        target=minutes_seconds(card.target_seconds),
        late=card.waited_seconds is not None
        and card.target_seconds is not None
        and card.waited_seconds > card.target_seconds,
        nth=ordinal(card.calls_this_week),
        talk_minutes=(card.talk_seconds or 0) // 60,
        reminder_minutes=(card.reminder_after or 0) // 60,
    )


def queue_html(desk: Desk, languages: list[str]) -> str:
    return render_template(
        "console/_queue.html",
        queue=desk.queue,
        name=name,
        minutes_seconds=minutes_seconds,
        languages=", ".join(name("languages", lang) for lang in languages),
    )


def state_html(desk: Desk) -> str:
    return render_template(
        "console/_state.html", state=desk.state, state_label=state_label(desk.state)
    )


@dataclass(frozen=True)
class FormContext:
    """What a wrap-up form needs besides its call: the counselor's zone and the defaults."""

    zone: dt.tzinfo
    notes_enabled: bool
    default_earliest: str
    default_latest: str


def wrapup_html(
    unfiled: Unfiled,
    context: FormContext,
    *,
    wrap_up_left: int | None,
    form: WrapUp | None = None,
) -> str:
    """One call's wrap-up form; `form` carries the answers (and errors) sent for it."""
    zone = context.zone

    def local_value(value: dt.datetime | None) -> str:
        return value.astimezone(zone).strftime("%Y-%m-%dT%H:%M") if value else ""

    errors = {k: ERRORS.get(v, v) for k, v in (form.errors if form else {}).items()}
    return render_template(
        "console/_wrapup.html",
        call=unfiled,
        at=clock(unfiled.started_at, zone),
        name=name,
        open=form is not None,
        wrap_up_left=wrap_up_left if unfiled.current else None,
        form=form or WrapUp(call_id=unfiled.call_id),
        errors=errors,
        dispositions=DISPOSITION_NAMES,
        risks=RISK_NAMES,
        zone=str(zone),
        default_earliest=context.default_earliest,
        default_latest=context.default_latest,
        local_value=local_value,
        notes_enabled=context.notes_enabled,
        minutes_seconds=minutes_seconds,
    )


def call_label(unfiled: Unfiled, zone: dt.tzinfo) -> str:
    """ "02:14 · Urgent · Cantonese": how a flash message names a call."""
    return " · ".join(
        (
            clock(unfiled.started_at, zone),
            name("tiers", unfiled.tier),
            name("languages", unfiled.language),
        )
    )
