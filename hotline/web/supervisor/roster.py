"""Coverage for the coming week, and editing counselors, weekly shifts and overrides."""

from __future__ import annotations

import datetime as dt
from typing import Any

from flask import abort, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _

from hotline.queue.presence import sync_roster
from hotline.roster import ROLES
from hotline.staffing import coverage as coverage_service
from hotline.staffing import roster_edit
from hotline.staffing.advice import staffing_advice
from hotline.staffing.roster_edit import CounselorForm, FormErrors
from hotline.web.auth import current_user, login_required, runtime
from hotline.web.supervisor.blueprint import bp


def _actor() -> str:
    user = current_user()
    return user.name if user else "unknown"


@bp.get("/coverage")
@login_required("supervisor")
def coverage() -> ResponseReturnValue:
    rt = runtime()
    rules = rt.rules
    specialty = request.args.get("specialty", "")
    if specialty not in rules.specialties:
        specialty = ""
    grid = coverage_service.coverage(rt, dt.datetime.now(dt.UTC))
    days: list[dict[str, Any]] = []  # one column per local date, hours 0..23 as rows
    for slot in grid.slots:
        if not days or days[-1]["date"] != slot.start.date():
            days.append({"date": slot.start.date(), "hours": {}})
        days[-1]["hours"][slot.start.hour] = slot
    advice = staffing_advice(rt) if request.args.get("advise") == "1" else None
    return render_template(
        "supervisor/coverage.html",
        grid=grid,
        days=days,
        rules=rules,
        specialty=specialty,
        specialties=[s for s in rules.specialties if s in grid.specialties],
        advice=advice,
    )


def _form() -> CounselorForm:
    return CounselorForm(
        name=request.form.get("name", ""),
        phone=request.form.get("phone", ""),
        languages=request.form.getlist("languages"),
        specialties=request.form.getlist("specialties"),
        role=request.form.get("role", "counselor"),
        always_on_call=request.form.get("always_on_call") == "1",
        timezone=request.form.get("timezone", "UTC").strip() or "UTC",
        region=request.form.get("region", "").strip().upper() or None,
    )


def _resync() -> None:
    """Presence follows the roster at once (the scheduler also does it every minute)."""
    try:
        sync_roster(runtime(), at=dt.datetime.now(dt.UTC).timestamp())
    except Exception:
        flash(_("Saved. Live presence will follow within a minute."), "warning")


@bp.route("/counselors", methods=["GET", "POST"])
@login_required("supervisor")
def counselors() -> ResponseReturnValue:
    rt = runtime()
    errors: dict[str, str] = {}
    form = None
    if request.method == "POST":
        form = _form()
        try:
            new_id = roster_edit.save_counselor(rt, form, actor=_actor())
        except FormErrors as exc:
            errors = exc.errors
            flash(_("Not saved: please correct the fields marked below."), "error")
        else:
            flash(_("Counselor added."), "info")
            _resync()
            return redirect(url_for("supervisor.counselor", counselor_id=new_id))
    return render_template(
        "supervisor/counselors.html",
        people=roster_edit.counselors(rt),
        rules=rt.rules,
        roles=ROLES,
        form=form,
        errors=errors,
        zone=coverage_service.roster_zone(rt),
    )


@bp.route("/counselors/<int:counselor_id>", methods=["GET", "POST"])
@login_required("supervisor")
def counselor(counselor_id: int) -> ResponseReturnValue:
    rt = runtime()
    people = {p.id: p for p in roster_edit.counselors(rt)}
    person = people.get(counselor_id)
    if person is None:
        abort(404)
    errors: dict[str, str] = {}
    form = None
    shifts_text = roster_edit.shift_lines(person)
    if request.method == "POST":
        what = request.form.get("what")
        try:
            if what == "profile":
                form = _form()
                roster_edit.save_counselor(rt, form, actor=_actor(), counselor_id=counselor_id)
                flash(_("Saved."), "info")
            elif what == "shifts":
                shifts_text = request.form.get("shifts", "")
                n = roster_edit.set_shifts(rt, counselor_id, shifts_text, actor=_actor())
                flash(_("%(n)d weekly shift(s) saved.", n=n), "info")
            elif what == "override":
                roster_edit.add_override(
                    rt,
                    counselor_id,
                    day=request.form.get("day", ""),
                    start=request.form.get("start", ""),
                    end=request.form.get("end", ""),
                    on_shift=request.form.get("on_shift") == "1",
                    actor=_actor(),
                )
                flash(_("Override added."), "info")
            elif what == "remove_override":
                raw = request.form.get("override", "")
                if raw.isdigit():
                    roster_edit.delete_override(rt, int(raw), actor=_actor())
                flash(_("Override removed."), "info")
            else:
                abort(400)
        except FormErrors as exc:
            errors = exc.errors
            flash(_("Not saved: please correct the fields marked below."), "error")
        else:
            _resync()
            return redirect(url_for("supervisor.counselor", counselor_id=counselor_id))
    return render_template(
        "supervisor/counselor.html",
        person=person,
        rules=rt.rules,
        roles=ROLES,
        form=form,
        errors=errors,
        shifts_text=shifts_text,
    )
