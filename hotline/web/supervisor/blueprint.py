"""The supervisor's blueprint and its navigation; each view module attaches to `bp`."""

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
