"""The supervisor's pages: dashboard, rules and scripts editor, recordings, coverage,
counselors and shifts, records. Every view is thin: parse the form, call one service,
render.

Importing the package attaches every view to `bp` (the views import the blueprint from
`blueprint.py`, never this package back).
"""

from __future__ import annotations

from hotline.web.supervisor import dashboard, editor, frequent, recordings, records, roster
from hotline.web.supervisor.blueprint import NAV, bp

__all__ = ["NAV", "bp", "dashboard", "editor", "frequent", "recordings", "records", "roster"]
