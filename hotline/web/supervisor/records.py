"""Browse and filter the anonymous call records; export them as CSV (never a caller key)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from zoneinfo import ZoneInfo

from flask import Response, flash, render_template, request, stream_with_context
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _

from hotline.call_records import browse as records_browse
from hotline.records.calls import OUTCOMES
from hotline.staffing.coverage import roster_zone
from hotline.staffing.roster_edit import counselors
from hotline.web.auth import current_user, login_required, runtime
from hotline.web.supervisor.blueprint import bp
from hotline.web.supervisor.words import minutes

FIELDS = ("since", "until", "language", "topic", "tier", "outcome", "counselor")


def _filter(args: Mapping[str, str], zone: str) -> records_browse.RecordFilter:
    """Dates are whole local days; `until` includes its day."""
    tz = ZoneInfo(zone)

    def day(name: str) -> dt.date | None:
        raw = args.get(name, "").strip()
        if not raw:
            return None
        try:
            return dt.date.fromisoformat(raw)
        except ValueError:
            flash(_("A date was not understood and is ignored: %(d)s", d=raw), "warning")
            return None

    since, until = day("since"), day("until")
    counselor = args.get("counselor", "")
    return records_browse.RecordFilter(
        since=dt.datetime.combine(since, dt.time(), tz) if since else None,
        until=dt.datetime.combine(until + dt.timedelta(days=1), dt.time(), tz) if until else None,
        language=args.get("language") or None,
        topic=args.get("topic") or None,
        tier=args.get("tier") or None,
        outcome=args.get("outcome") if args.get("outcome") in OUTCOMES else None,
        counselor_id=int(counselor) if counselor.isdigit() else None,
    )


@bp.get("/records")
@login_required("supervisor")
def records() -> ResponseReturnValue:
    rt = runtime()
    zone = roster_zone(rt)
    page_no = request.args.get("page", "1")
    found = records_browse.browse(
        rt, _filter(request.args, zone), page=int(page_no) if page_no.isdigit() else 1
    )
    kept = {k: request.args[k] for k in FIELDS if request.args.get(k)}
    return render_template(
        "supervisor/records.html",
        found=found,
        args=kept,
        rules=rt.rules,
        outcomes=OUTCOMES,
        people=counselors(rt),
        zone_name=zone,
        minutes=minutes,
    )


@bp.get("/records.csv")
@login_required("supervisor")
def records_csv() -> ResponseReturnValue:
    rt = runtime()
    user = current_user()
    chunks = records_browse.export_csv(
        rt,
        _filter(request.args, roster_zone(rt)),
        actor=user.name if user else "unknown",
        with_notes=bool(user and user.at_least("supervisor")),
    )
    stamp = dt.datetime.now(dt.UTC).strftime("%Y%m%d-%H%M")
    return Response(
        stream_with_context(chunks),
        mimetype="text/csv",
        headers={"Content-Disposition": f'attachment; filename="call-records-{stamp}.csv"'},
    )
