"""The dashboard: one reading of the live queue, the counselors, the calls in progress and
the records (board.read), rendered as panels. The page shows them at once; live.json
sends the same panels (and the figures as data) every few seconds, and the page swaps
in each panel that changed: one source, no reload."""

from __future__ import annotations

from typing import Any

from flask import (
    flash,
    get_template_attribute,
    jsonify,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _

from hotline.supervision import supervise
from hotline.web.auth import current_user, login_required, runtime
from hotline.web.supervisor.blueprint import bp
from hotline.web.supervisor.board import Board, as_json, charts, read
from hotline.web.supervisor.frequent import assessment
from hotline.web.supervisor.words import STATES, minutes, percent

bp.add_app_template_filter(minutes, "minutes")
bp.add_app_template_filter(percent, "percent")
PANELS = ("head", "waiting", "counselors", "calls", "service", "today", "volume")
_MACROS = "supervisor/_dashboard.html"


def _context(board: Board) -> dict[str, Any]:
    return {"board": board, "charts": charts(board), "states": STATES}


@bp.get("/")
@login_required("supervisor")
def dashboard() -> ResponseReturnValue:
    board = read(runtime())
    return render_template(
        "supervisor/dashboard.html",
        my_phone=session.get("supervisor_phone", ""),
        frequent=assessment(),
        frequent_threshold=runtime().rules.frequent_callers.threshold,
        **_context(board),
    )


@bp.get("/live.json")
@login_required("supervisor")
def live_json() -> ResponseReturnValue:
    board = read(runtime())
    context = _context(board)
    panels = {name: str(get_template_attribute(_MACROS, name)(**context)) for name in PANELS}
    return jsonify({**as_json(board), "panels": panels})


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
