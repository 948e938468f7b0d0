"""Codes shown by their names, in the reader's language.

A page never shows a code (`yue`, `domestic_violence`, `hung_up_queue`) as text: it shows
`{{ code|language }}`, `{{ code|topic }}`, `{{ code|tier }}` and so on (the filters are
registered by hotline.web.i18n), and views that send names as JSON call the functions here.

Languages and topics are named by the rules in force, and that name goes through the
catalogue: the names of the rules as shipped are translated below, and a name a supervisor
wrote differently is shown as written. The other codes are fixed by the program.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from babel import Locale
from flask import g
from flask_babel import LazyString, get_locale, gettext, pgettext
from flask_babel import lazy_pgettext as _p

from hotline.routing.policy import Rules
from hotline.web.auth import runtime

DASH = "—"

# The names routing_rules.yaml ships with: listed here so the catalogue translates them.
LANGUAGES = {
    "en": _p("language", "English"),
    "zh": _p("language", "Mandarin"),
    "yue": _p("language", "Cantonese"),
    "wuu": _p("language", "Shanghainese"),
}
TOPICS = {
    "suicide": _p("topic", "Suicide and self-harm"),
    "domestic_violence": _p("topic", "Domestic violence"),
    "relationships": _p("topic", "Relationships"),
    "youth": _p("topic", "Youth"),
    "lgbtq": _p("topic", "LGBTQ+"),
    "substance_use": _p("topic", "Substance use"),
    "general": _p("topic", "General support"),
}
TIERS = {
    "imminent": _p("tier", "Imminent"),
    "urgent": _p("tier", "Urgent"),
    "standard": _p("tier", "Standard"),
}
STATES = {
    "available": _p("state", "Available"),
    "ringing": _p("state", "Ringing"),
    "on_call": _p("state", "On a call"),
    "wrap_up": _p("state", "Wrap-up"),
    "away": _p("state", "Away"),
    "off_shift": _p("state", "Off shift"),
}
OUTCOMES = {
    "answered": _p("outcome", "Answered"),
    "hung_up_ivr": _p("outcome", "Hung up in the menus"),
    "hung_up_queue": _p("outcome", "Hung up while waiting"),
    "callback_requested": _p("outcome", "Asked for a callback"),
    "called_back": _p("outcome", "Called back"),
    "callback_not_reached": _p("outcome", "Callback not reached"),
    "state_lost": _p("outcome", "Lost in an outage"),
    "overflowed": _p("outcome", "Sent to the backup line"),
    "failed": _p("outcome", "Failed"),
}
RISKS = {
    "none": _p("risk level", "None"),
    "low": _p("risk level", "Low"),
    "moderate": _p("risk level", "Moderate"),
    "high": _p("risk level", "High"),
    "imminent": _p("risk level", "Imminent"),
}
DISPOSITIONS = {
    "support_given": _p("disposition", "Support given"),
    "safety_plan": _p("disposition", "Safety plan made"),
    "crisis_intervention": _p("disposition", "Crisis intervention"),
    "information": _p("disposition", "Information given"),
    "referral": _p("disposition", "Referred on"),
    "third_party": _p("disposition", "Call about someone else"),
    "silent": _p("disposition", "Silent call"),
    "hung_up": _p("disposition", "Caller hung up early"),
    "abusive": _p("disposition", "Abusive or prank call"),
    "wrong_number": _p("disposition", "Wrong number"),
}
ROLES = {
    "counselor": _p("role", "Counselor"),
    "supervisor": _p("role", "Supervisor"),
    "admin": _p("role", "Admin"),
}
REQUIREMENTS = {
    "language": _p("requirement", "language"),
    "fallback_language": _p("requirement", "language or a fallback language"),
    "specialty": _p("requirement", "specialty"),
}
FIXED: dict[str, Mapping[str, LazyString]] = {
    "tier": TIERS,
    "state": STATES,
    "outcome": OUTCOMES,
    "risk": RISKS,
    "disposition": DISPOSITIONS,
    "role": ROLES,
    "requirement": REQUIREMENTS,
}


def _rules() -> Rules | None:
    """The rules in force, looked up once per request; None outside a request's app."""
    if "hotline_rules" not in g:
        try:
            g.hotline_rules = runtime().rules
        except Exception:  # a page about names never fails for want of the rules
            g.hotline_rules = None
    rules: Rules | None = g.hotline_rules
    return rules


def language_name(code: str | None) -> str:
    """The rules' name for the language, translated; CLDR's name for a code the rules
    no longer list (an old record); the code itself only if nobody knows it."""
    if not code:
        return DASH
    rules = _rules()
    locale = Locale.parse(str(get_locale() or "en"))
    known = locale.languages.get(code)
    if rules is not None and code in rules.languages:
        name = rules.languages[code].name
        translated = str(pgettext("language", name))
        if translated != name or _readable(name, locale) or not known:
            return translated
        return str(gettext("%(known)s (%(name)s)", known=known, name=name))  # Wu Chinese (上海话)
    if code in LANGUAGES:
        return str(LANGUAGES[code])
    return str(known) if known else code


def _readable(name: str, locale: Locale) -> bool:
    """Whether a name is written in the reader's script: a Chinese reader reads 上海话, an
    English one needs CLDR's name beside it."""
    if locale.language == "zh":
        return any("\u4e00" <= ch <= "\u9fff" for ch in name)
    return any(ch.isascii() and ch.isalpha() for ch in name)


def topic_name(code: str | None) -> str:
    if not code:
        return DASH
    rules = _rules()
    if rules is not None and code in rules.specialties:
        return str(pgettext("topic", rules.specialties[code]))
    return str(TOPICS.get(code, code))


def fixed_name(kind: str, code: object) -> str:
    """The name of a program-fixed code: kind is one of FIXED's keys."""
    if code is None or code == "":
        return DASH
    key = getattr(code, "value", code)  # enums (CounselorState) by their value
    return str(FIXED[kind].get(str(key), str(key)))


def names_of(codes: Iterable[str], kind: str) -> str:
    """Several codes of one kind as names, comma-separated in the reader's language."""
    name = language_name if kind == "language" else topic_name if kind == "topic" else None
    shown = [name(c) if name else fixed_name(kind, c) for c in codes]
    return gettext(", ").join(shown) if shown else DASH


def filters() -> dict[str, object]:
    """The Jinja filters: `{{ code|language }}`, `{{ codes|languages }}`, `{{ code|tier }}`..."""
    found: dict[str, object] = {
        "language": language_name,
        "topic": topic_name,
        "languages": lambda codes: names_of(codes, "language"),
        "topics": lambda codes: names_of(codes, "topic"),
    }
    for kind in FIXED:
        found[kind] = lambda code, kind=kind: fixed_name(kind, code)
    return found
