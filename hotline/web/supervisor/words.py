"""Words and figures shown on the supervisor's pages: the names of codes, minutes, shares."""

from __future__ import annotations

# The names of codes are kept in one place for every page (hotline/web/names.py).
from hotline.web.names import OUTCOMES, ROLES, STATES, TIERS
from hotline.web.names import REQUIREMENTS as REQUIRES

__all__ = ["OUTCOMES", "REQUIRES", "ROLES", "STATES", "TIERS", "minutes", "percent"]


def minutes(seconds: float | None) -> str:
    """m:ss, or a dash."""
    if seconds is None:
        return "—"
    whole = round(seconds)
    return f"{whole // 60}:{whole % 60:02d}"


def percent(share: float | None) -> str:
    return "—" if share is None else f"{share * 100:.0f}%"
