"""Frequent callers: the assessment list (on the dashboard) and a caller's care plan page.

Anonymous throughout: a caller is named by the first hex digits of their caller key.
Reading a plan here and saving one are audited; the plan itself is encrypted at rest.
"""

from __future__ import annotations

import datetime as dt

from flask import abort, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _

from hotline.console import frequent_callers as frequent_callers
from hotline.console.care_plans import MAX_PLAN, CarePlanError
from hotline.web.auth import current_user, login_required, runtime
from hotline.web.supervisor.blueprint import bp


def _actor() -> str:
    user = current_user()
    return user.name if user else "unknown"


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def assessment() -> list[frequent_callers.Assessed]:
    """The list the dashboard shows."""
    return frequent_callers.assessment_list(runtime(), _now())


@bp.route("/frequent/<short>", methods=["GET", "POST"])
@login_required("supervisor")
def care_plan(short: str) -> ResponseReturnValue:
    rt = runtime()
    row = next(
        (a for a in frequent_callers.assessment_list(rt, _now()) if a.short_key == short), None
    )
    if row is None:
        abort(404)
    if request.method == "POST":
        text = request.form.get("plan", "")
        try:
            frequent_callers.write_plan(rt, short, text, actor=_actor(), now=_now())
        except CarePlanError:
            flash(_("A care plan may hold at most %(n)d characters.", n=MAX_PLAN), "error")
            return render_template(
                "supervisor/care_plan.html", row=row, plan=text, max_plan=MAX_PLAN
            ), 400
        except LookupError:
            abort(404)
        flash(_("Care plan saved for caller %(key)s.", key=short), "info")
        return redirect(url_for("supervisor.dashboard") + "#frequent")
    plan = frequent_callers.read_plan(rt, short, actor=_actor(), now=_now())
    return render_template("supervisor/care_plan.html", row=row, plan=plan or "", max_plan=MAX_PLAN)
