"""The counselor's console: my state, the call offered or in progress, the wrap-up, my shifts.

The page polls /console/state.json every 2 s (gunicorn's sync workers make polling simpler
than server-sent events); the card comes back rendered, so every word is translated here.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any
from zoneinfo import ZoneInfo

from babel.dates import format_datetime
from flask import Blueprint, abort, flash, redirect, render_template, request, session, url_for
from flask.typing import ResponseReturnValue
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy.exc import SQLAlchemyError

from hotline.accounts.service import Account
from hotline.records.roster import RosterRow, load_roster
from hotline.services import supervise, wrapup_form
from hotline.services.whisper import WORDS
from hotline.services.wrapup_form import DISPOSITIONS, RISK_LEVELS, CallCard, WrapUp
from hotline.web.auth import NavItem, current_user, login_required, runtime

bp = Blueprint("console", __name__, url_prefix="/console")
NAV = [NavItem("console.index", _l("Console"), "counselor")]
REMEMBERED = "console_call"  # session key: the call this console last showed

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


def _me() -> tuple[Account, str]:
    user = current_user()
    assert user is not None
    if user.live_counselor_id is None:
        abort(409)  # an account with no roster entry has no calls to show
    return user, user.live_counselor_id


def _words() -> dict[str, Any]:
    return WORDS["zh"] if str(get_locale()) == "zh_Hans" else WORDS["en"]


def _name(table: str, key: str | None) -> str:
    if key is None:
        return "—"
    names = _words()[table]
    return str(names.get(key, key))


def minutes_seconds(seconds: int | None) -> str:
    if seconds is None:
        return "—"
    return f"{seconds // 60}:{seconds % 60:02d}"


def ordinal(n: int) -> str:
    if str(get_locale()) == "zh_Hans":
        return str(n)
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


def _card_html(card: CallCard | None) -> str:
    return render_template(
        "console/_card.html",
        card=card,
        tier_name=_name("tiers", card.tier) if card else "",
        language_name=_name("languages", card.language) if card else "",
        topic_name=_name("topics", card.topic) if card else "",
        waited=minutes_seconds(card.waited_seconds) if card else "",
        nth=ordinal(card.calls_this_week) if card else "",
    )


def _desk() -> wrapup_form.Desk:
    counselor_id = _me()[1]
    found = wrapup_form.desk(runtime(), counselor_id, session.get(REMEMBERED))
    if found.card is not None and session.get(REMEMBERED) != found.card.call_id:
        session[REMEMBERED] = found.card.call_id
    return found


@bp.get("/")
@login_required("counselor")
def index() -> ResponseReturnValue:
    user = current_user()
    if user is not None and user.live_counselor_id is None:
        return render_template("console/unlinked.html")
    return _page()


def _page(form: WrapUp | None = None, status: int = 200) -> ResponseReturnValue:
    user, _counselor = _me()
    desk = _desk()
    zone, shifts = _my_shifts(user)
    wrap_call = form.call_id if form else (desk.card.call_id if desk.card else "")
    at = dt.datetime.now(zone)
    return (
        render_template(
            "console/index.html",
            desk=desk,
            state_label=STATES.get(desk.state or "", _("Not on the roster yet")),
            card_html=_card_html(desk.card),
            show_wrap_up=form is not None or (desk.card is not None and desk.card.stage == "ended"),
            form=form or WrapUp(call_id=wrap_call),
            wrap_call=wrap_call,
            errors={k: ERRORS.get(v, v) for k, v in (form.errors if form else {}).items()},
            dispositions=DISPOSITION_NAMES,
            risks=RISK_NAMES,
            zone=str(zone),
            default_earliest=(at + dt.timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M"),
            default_latest=(at + dt.timedelta(days=1)).strftime("%Y-%m-%dT%H:%M"),
            local_value=lambda v: v.astimezone(zone).strftime("%Y-%m-%dT%H:%M") if v else "",
            notes_enabled=runtime().rules.retention.notes_enabled,
            shifts=[shift_label(s) for s in shifts],
        ),
        status,
    )


@bp.get("/state.json")
@login_required("counselor")
def state() -> ResponseReturnValue:
    desk = _desk()
    card = desk.card
    return {
        "state": desk.state,
        "state_label": str(STATES.get(desk.state or "", _("Not on the roster yet"))),
        "card": None if card is None else {"call_id": card.call_id, "stage": card.stage},
        "card_html": _card_html(card),
        "wrap_up_left": card.wrap_up_left if card else None,
    }


@bp.post("/state")
@login_required("counselor")
def set_state() -> ResponseReturnValue:
    counselor_id = _me()[1]
    wanted = request.form.get("state", "")
    if wanted not in ("available", "away"):
        abort(400)
    done = wrapup_form.go(runtime(), counselor_id, wanted)
    if not done:
        flash(_("Your state cannot change while your phone rings or you are on a call."), "warning")
    return redirect(url_for("console.index"))


@bp.post("/bring-in")
@login_required("counselor")
def bring_in() -> ResponseReturnValue:
    """A warm transfer: ring a third party into the call I am on."""

    user, _counselor = _me()
    card = _desk().card
    if card is None or card.stage != "connected":
        flash(_("You are not on a call."), "warning")
        return redirect(url_for("console.index"))
    try:
        supervise.warm_transfer(
            runtime(), call_id=card.call_id, number=request.form.get("number", ""), actor=user.name
        )
    except supervise.SuperviseError as exc:
        flash(str(exc), "error")
    else:
        flash(_("Their phone is ringing; they will join your call when they answer."), "info")
    return redirect(url_for("console.index"))


@bp.post("/wrapup")
@login_required("counselor")
def wrap_up() -> ResponseReturnValue:
    user, counselor_id = _me()
    zone, _shifts = _my_shifts(user)
    form = wrapup_form.parse(request.form.to_dict(flat=False), zone=zone, at=_utcnow())
    filed = wrapup_form.file_wrap_up(runtime(), form, counselor_id=counselor_id, actor=user.name)
    if filed.outcome == "invalid":
        flash(_("Some answers are missing or not right; see below."), "error")
        return _page(form, 400)
    if filed.outcome == "not_yet":
        flash(_("Still saving the call, try again in a moment."), "warning")
        return _page(form, 409)
    if filed.outcome == "not_yours":
        abort(403)
    if form.follow_up_agreed and form.follow_up_consent and not filed.follow_up_scheduled:
        flash(
            _(
                "The wrap-up is saved, but no follow-up call was arranged: %(reason)s",
                reason=_reason(filed.follow_up_reason),
            ),
            "warning",
        )
        return _page(form, 200)
    session.pop(REMEMBERED, None)
    if filed.follow_up_scheduled:
        flash(_("Wrap-up saved. The follow-up call is arranged."), "info")
    else:
        flash(_("Wrap-up saved."), "info")
    return redirect(url_for("console.index"))


# The callbacks service explains in English; these are the reasons a counselor meets.
_REASONS = {
    "The caller's number was withheld, so no call back can be made.": _l(
        "The caller's number was withheld, so no call back can be made."
    ),
    "A call back is already arranged for this call.": _l(
        "A call back is already arranged for this call."
    ),
    "This call is no longer known here, so no call back can be made.": _l(
        "This call is no longer known here, so no call back can be made."
    ),
    "Twilio could not be reached to arrange the call back; try again.": _l(
        "The phone service could not be reached to arrange the call back; try again."
    ),
    wrapup_form.FOLLOW_UP_FAILED: _l(
        "Something went wrong while arranging the call back; tell a supervisor."
    ),
}


def _reason(text: str) -> str:
    return str(_REASONS.get(text, text))


def _utcnow() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


@dataclass(frozen=True)
class ShiftTime:
    start: dt.datetime
    end: dt.datetime


def _my_shifts(user: Account) -> tuple[ZoneInfo, list[ShiftTime]]:
    """My next shifts in the coming 7 days, in the roster's time zone."""
    try:
        rows = load_roster(runtime().sessions)
    except SQLAlchemyError:
        return ZoneInfo("UTC"), []
    mine = next((r for r in rows if r.counselor_id == user.live_counselor_id), None)
    if mine is None:
        return ZoneInfo("UTC"), []
    zone = ZoneInfo(mine.timezone)
    return zone, upcoming(mine, dt.datetime.now(zone))


def shift_label(shift: ShiftTime) -> str:
    """ "Tue 24 Nov, 22:00 – 06:00" in the user's language, in the roster's time zone."""
    locale = get_locale() or "en"
    zone = shift.start.tzinfo
    start = format_datetime(shift.start, "EEE d MMM, HH:mm", tzinfo=zone, locale=locale)
    return f"{start} – {format_datetime(shift.end, 'HH:mm', tzinfo=zone, locale=locale)}"


def upcoming(row: RosterRow, at: dt.datetime, limit: int = 5) -> list[ShiftTime]:
    """The weekly shifts as dated times from `at` (aware, in the roster's zone) for 7 days;
    a shift in progress is included."""
    found: list[ShiftTime] = []
    today = at.date()
    for offset in range(-1, 8):
        day = today + dt.timedelta(days=offset)
        for shift in row.shifts:
            if shift.weekday != day.weekday():
                continue
            midnight = dt.datetime.combine(day, dt.time(), tzinfo=at.tzinfo)
            start = midnight + dt.timedelta(minutes=shift.start_minute)
            end = midnight + dt.timedelta(minutes=shift.end_minute)
            if shift.end_minute <= shift.start_minute:
                end += dt.timedelta(days=1)
            if end > at and start < at + dt.timedelta(days=7):
                found.append(ShiftTime(start, end))
    return sorted(found, key=lambda s: s.start)[:limit]
