"""Names shown on the supervisor's pages, translated; codes stay as the rules spell them."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

STATES = {
    "available": _l("Available"),
    "ringing": _l("Ringing"),
    "on_call": _l("On a call"),
    "wrap_up": _l("Wrap-up"),
    "away": _l("Away"),
    "off_shift": _l("Off shift"),
}
TIERS = {"imminent": _l("Imminent"), "urgent": _l("Urgent"), "standard": _l("Standard")}
OUTCOMES = {
    "answered": _l("Answered"),
    "hung_up_ivr": _l("Hung up in the menus"),
    "hung_up_queue": _l("Hung up while waiting"),
    "callback_requested": _l("Asked for a callback"),
    "called_back": _l("Called back"),
    "callback_not_reached": _l("Callback not reached"),
    "overflowed": _l("Sent to the backup line"),
    "failed": _l("Failed"),
}
ROLES = {"counselor": _l("Counselor"), "supervisor": _l("Supervisor")}
REQUIRES = {"language": _l("language"), "specialty": _l("specialty")}
DAYS = (_l("Mon"), _l("Tue"), _l("Wed"), _l("Thu"), _l("Fri"), _l("Sat"), _l("Sun"))


def minutes(seconds: float | None) -> str:
    """m:ss, or a dash."""
    if seconds is None:
        return "—"
    whole = round(seconds)
    return f"{whole // 60}:{whole % 60:02d}"


def percent(share: float | None) -> str:
    return "—" if share is None else f"{share * 100:.0f}%"
