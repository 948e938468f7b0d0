"""The counselor's console: my state, the call offered or in progress, the queue in brief,
my unfiled wrap-ups (each for its own call), my shifts.

The page polls /console/state.json every 2 s (gunicorn's sync workers make polling simpler
than server-sent events): one answer carries every panel, rendered on the server
(console_panels), so every word is translated here and nothing needs a reload.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any
from zoneinfo import ZoneInfo

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy.exc import SQLAlchemyError

from hotline.accounts.service import Account
from hotline.console import desk as console_desk
from hotline.console import wrap_up as wrapup_form
from hotline.console.desk import Desk
from hotline.console.wrap_up import WrapUp
from hotline.staffing.roster import RosterRow, load_roster
from hotline.supervision import supervise
from hotline.web import console_panels as panels
from hotline.web import dates
from hotline.web.auth import NavItem, current_user, login_required, runtime

bp = Blueprint("console", __name__, url_prefix="/console")
NAV = [NavItem("console.index", _l("Console"), "counselor")]


def _me() -> tuple[Account, str]:
    user = current_user()
    assert user is not None
    if user.live_counselor_id is None:
        abort(409)  # an account with no roster entry has no calls to show
    return user, user.live_counselor_id


def _desk() -> Desk:
    return console_desk.desk(runtime(), _me()[1])


@dataclass(frozen=True)
class Mine:
    """My roster entry as the console needs it: zone, languages, next shifts."""

    zone: ZoneInfo
    languages: list[str]
    always_on_call: bool
    shifts: list[ShiftTime]


def _busy(desk: Desk) -> bool:
    return desk.card is not None and desk.card.stage in ("offered", "connected")


def _wrapups(desk: Desk, mine: Mine, form: WrapUp | None = None) -> list[dict[str, Any]]:
    """One form per unfiled call, newest first; `form` (answers sent back with errors) goes
    to its own call only."""
    at = dt.datetime.now(mine.zone)
    context = panels.FormContext(
        zone=mine.zone,
        notes_enabled=runtime().rules.retention.notes_enabled,
        default_earliest=(at + dt.timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M"),
        default_latest=(at + dt.timedelta(days=1)).strftime("%Y-%m-%dT%H:%M"),
    )
    left = desk.card.wrap_up_left if desk.card else None
    return [
        {
            "call_id": u.call_id,
            "html": panels.wrapup_html(
                u,
                context,
                wrap_up_left=left,
                form=form if form and form.call_id == u.call_id else None,
            ),
        }
        for u in desk.unfiled
    ]


def _panels(desk: Desk, mine: Mine, form: WrapUp | None = None) -> dict[str, Any]:
    """Every panel of the console, as the page first shows it and as each poll sends it."""
    return {
        "state": desk.state,
        "state_html": panels.state_html(desk),
        "card": None
        if desk.card is None
        else {
            "call_id": desk.card.call_id,
            "stage": desk.card.stage,
        },
        "card_html": panels.card_html(desk.card),
        "queue_html": panels.queue_html(desk, mine.languages),
        "busy": _busy(desk),
        "on_call": desk.card is not None and desk.card.stage == "connected",
        "wrapups": _wrapups(desk, mine, form),
        "wrap_up_left": desk.card.wrap_up_left if desk.card else None,
        "shifts_html": render_template(
            "console/_shifts.html",
            always_on_call=mine.always_on_call,
            shifts=[shift_label(s) for s in mine.shifts],
        ),
    }


@bp.get("/")
@login_required("counselor")
def index() -> ResponseReturnValue:
    user = current_user()
    if user is not None and user.live_counselor_id is None:
        return render_template("console/unlinked.html")
    return _page()


def _page(form: WrapUp | None = None, status: int = 200) -> ResponseReturnValue:
    user, _counselor = _me()
    mine = _mine(user)
    shown = _panels(_desk(), mine, form)
    return render_template("console/index.html", **shown), status


@bp.get("/state.json")
@login_required("counselor")
def state() -> ResponseReturnValue:
    user, _counselor = _me()
    shown = _panels(_desk(), _mine(user))
    shown["state_label"] = panels.state_label(shown["state"])
    return shown


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
    """File one wrap-up onto the call its form names, never onto another."""
    user, counselor_id = _me()
    mine = _mine(user)
    form = wrapup_form.parse(request.form.to_dict(flat=False), zone=mine.zone, at=_utcnow())
    filed = wrapup_form.file_wrap_up(runtime(), form, counselor_id=counselor_id, actor=user.name)
    if filed.outcome == "invalid":
        flash(_("Some answers are missing or not right; see below."), "error")
        return _page(form, 400)
    if filed.outcome == "not_yet":
        flash(_("Still saving the call, try again in a moment."), "warning")
        return _page(form, 409)
    if filed.outcome == "not_yours":
        flash(_("This wrap-up is for a call that was not yours, so it was not saved."), "error")
        return _page(None, 403)
    label = panels.call_label(filed.call, mine.zone) if filed.call else form.call_id
    if form.follow_up_agreed and form.follow_up_consent and not filed.follow_up_scheduled:
        flash(
            _(
                "The wrap-up for the call at %(call)s is saved, but no follow-up call was"
                " arranged: %(reason)s",
                call=label,
                reason=_reason(filed.follow_up_reason),
            ),
            "warning",
        )
        return _page(form, 200)
    if filed.follow_up_scheduled:
        flash(
            _(
                "Wrap-up saved for the call at %(call)s. The follow-up call is arranged.",
                call=label,
            ),
            "info",
        )
    else:
        flash(_("Wrap-up saved for the call at %(call)s.", call=label), "info")
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


def _mine(user: Account) -> Mine:
    """My roster entry: my zone, languages and next shifts in the coming 7 days."""
    try:
        rows = load_roster(runtime().sessions)
    except SQLAlchemyError:
        rows = []
    row = next((r for r in rows if r.counselor_id == user.live_counselor_id), None)
    if row is None:
        return Mine(ZoneInfo("UTC"), [], False, [])
    zone = ZoneInfo(row.timezone)
    shifts = upcoming(row, dt.datetime.now(zone))
    return Mine(zone, list(row.languages), row.always_on_call, shifts)


def shift_label(shift: ShiftTime) -> str:
    """ "Tue, Nov 24, 22:00 – 06:00" ("11月24日周二 22:00 – 06:00"), in the roster's zone."""
    return dates.span(shift.start, shift.end, shift.start.tzinfo)


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
