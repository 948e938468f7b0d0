"""The dashboard: live queue and counselors (polled as JSON every few seconds), today's
service level per tier, and calls by hour and by day as inline SVG charts."""

from __future__ import annotations

import datetime as dt
import time
from typing import Any

from flask import flash, jsonify, redirect, render_template, request, session, url_for
from flask.typing import ResponseReturnValue
from flask_babel import format_date
from flask_babel import gettext as _

from hotline.live.calls import CallStore
from hotline.services import stats, supervise
from hotline.services.coverage import roster_zone
from hotline.web.auth import current_user, login_required, runtime
from hotline.web.supervisor.blueprint import bp
from hotline.web.supervisor.charts import bar_chart
from hotline.web.supervisor.words import STATES, TIERS, minutes, percent


def _live() -> dict[str, Any]:
    rt = runtime()
    now = time.time()
    live = stats.live_numbers(rt, now)
    today = stats.today(rt, dt.datetime.fromtimestamp(now, dt.UTC), roster_zone(rt))
    return {
        "tiers": [
            {
                "tier": t.tier,
                "name": str(TIERS.get(t.tier, t.tier)),
                "waiting": t.waiting,
                "longest_wait": minutes(t.longest_wait) if t.waiting else "—",
                "target": minutes(t.answer_within),
                "late": t.late,
            }
            for t in live.tiers
        ],
        "by_state": live.by_state,
        "by_language": live.by_language,
        "today": {
            t.tier: {
                "queued": t.queued,
                "service_level": percent(t.service_level),
                "abandonment": percent(t.abandonment),
                "mean_wait": minutes(t.mean_wait),
                "p90_wait": minutes(t.p90_wait),
                "overflowed": t.overflowed,
                "below_target": t.service_level is not None and t.service_level < 0.8,
            }
            for t in (*today.tiers, today.total)
        },
        "callbacks_pending": today.callbacks_pending,
        "updated": dt.datetime.fromtimestamp(now, dt.UTC).isoformat(timespec="seconds"),
    }


@bp.get("/")
@login_required("supervisor")
def dashboard() -> ResponseReturnValue:
    rt = runtime()
    now = dt.datetime.now(dt.UTC)
    zone = roster_zone(rt)
    hours = stats.by_hour(rt, now, zone)
    days = stats.by_day(rt, now, zone)
    common = {"answered_label": _("answered"), "unanswered_label": _("not answered")}
    charts = {
        "hours": bar_chart(
            hours.labels,
            hours.answered,
            hours.unanswered,
            title=_("Calls per hour, last 24 hours"),
            every_label=3,
            **common,
        ),
        "days": bar_chart(
            [format_date(start.date(), "EEE d") for start in days.starts],
            days.answered,
            days.unanswered,
            title=_("Calls per day, last 7 days"),
            **common,
        ),
    }
    return render_template(
        "supervisor/dashboard.html",
        live=_live(),
        charts=charts,
        states=STATES,
        languages=rt.rules.languages,
        zone=zone,
        in_progress=_in_progress(),
        my_phone=session.get("supervisor_phone", ""),
    )


def _in_progress() -> list[dict[str, Any]]:
    rt, now = runtime(), time.time()
    return [
        {
            "call_id": c.call_id,
            "tier": str(TIERS.get(c.tier or "", c.tier or "")),
            "tier_id": c.tier or "",
            "language": c.language or "",
            "topic": c.topic or "",
            "talking": minutes(now - (c.connected_at or now)),
        }
        for c in CallStore(rt.redis).connected()
    ]


@bp.post("/calls/<call_id>/join")
@login_required("supervisor")
def join_call(call_id: str) -> ResponseReturnValue:
    """Ring the supervisor's phone into a live call: listen, coach or barge."""
    phone = request.form.get("phone", "").strip()
    mode = request.form.get("mode", "listen")
    user = current_user()
    try:
        supervise.join(
            runtime(), call_id=call_id, phone=phone, mode=mode, actor=user.name if user else "?"
        )
    except supervise.SuperviseError as exc:
        flash(str(exc), "error")
    else:
        session["supervisor_phone"] = phone
        flash(_("Your phone is ringing; answer it to join the call."), "info")
    return redirect(url_for("supervisor.dashboard"))


@bp.get("/live.json")
@login_required("supervisor")
def live_json() -> ResponseReturnValue:
    return jsonify(_live())
