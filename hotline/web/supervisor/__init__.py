"""The supervisor's pages: dashboard, rules and scripts editor, coverage, counselors and
shifts, records. Every view is thin: parse the form, call one service, render."""

from __future__ import annotations

from flask import Blueprint
from flask_babel import lazy_gettext as _l

from hotline.web.auth import NavItem

bp = Blueprint("supervisor", __name__, url_prefix="/supervisor")
NAV = [
    NavItem("supervisor.dashboard", _l("Dashboard"), "supervisor"),
    NavItem("supervisor.rules", _l("Rules"), "supervisor"),
    NavItem("supervisor.coverage", _l("Coverage"), "supervisor"),
    NavItem("supervisor.counselors", _l("Counselors"), "supervisor"),
    NavItem("supervisor.records", _l("Records"), "supervisor"),
]

# The views attach themselves to `bp`.
from hotline.web.supervisor import dashboard, editor, recordings, records, roster  # noqa: E402,F401
