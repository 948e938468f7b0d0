"""Dates and times on a page: in the hotline's time zone, written the reader's way by Babel.

English reads "Sun, Dec 6, 22:00", Chinese "12月6日周日 22:00" (never "周日 6 12月"). The
hotline's zone is the roster's (hotline.staffing.coverage.roster_zone), looked up once per
request. A naive datetime is taken to be UTC, as the database hands them back.
"""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from babel import Locale
from babel.dates import format_skeleton
from flask import g
from flask_babel import get_locale

from hotline.staffing.coverage import roster_zone
from hotline.web.auth import runtime

DASH = "—"
# CLDR skeletons: which fields to show; each locale orders and spells them its own way.
DAY = "MMMEd"  # Sun, Dec 6 · 12月6日周日
DATE = "yMMMd"  # Dec 6, 2026 · 2026年12月6日
SHORT_DAY = "Ed"  # 6 Sun · 6日周日
TIME = "Hm"  # 22:00
SECONDS = "Hms"  # 22:00:05


def hotline_zone() -> ZoneInfo:
    if "hotline_zone" not in g:
        try:
            g.hotline_zone = ZoneInfo(roster_zone(runtime()))
        except Exception:  # no database at hand: the page still shows times, in UTC
            g.hotline_zone = ZoneInfo("UTC")
    zone: ZoneInfo = g.hotline_zone
    return zone


def _locale() -> Locale:
    return Locale.parse(str(get_locale() or "en"))


def _aware(value: dt.datetime | dt.date) -> dt.datetime:
    if not isinstance(value, dt.datetime):  # a calendar day: its noon, in the hotline's zone
        return dt.datetime.combine(value, dt.time(12), hotline_zone())
    return value if value.tzinfo is not None else value.replace(tzinfo=dt.UTC)


def shown(value: dt.datetime | dt.date | None, skeleton: str, zone: dt.tzinfo | None = None) -> str:
    """`value` in the hotline's zone (or `zone`), with the fields `skeleton` names."""
    if value is None:
        return DASH
    return format_skeleton(skeleton, _aware(value), tzinfo=zone or hotline_zone(), locale=_locale())


def _joined(
    value: dt.datetime, date_skeleton: str, time_skeleton: str, zone: dt.tzinfo | None
) -> str:
    pattern = str(_locale().datetime_formats["short"])  # "{1}, {0}" · "{1} {0}"
    return pattern.format(shown(value, time_skeleton, zone), shown(value, date_skeleton, zone))


def day_time(value: dt.datetime | None, zone: dt.tzinfo | None = None) -> str:
    """Weekday, day and time: a shift, a call today or this week."""
    return DASH if value is None else _joined(value, DAY, TIME, zone)


def date_time(value: dt.datetime | None, zone: dt.tzinfo | None = None) -> str:
    """Full date and time: a record, a published version."""
    return DASH if value is None else _joined(value, DATE, TIME, zone)


def date_time_seconds(value: dt.datetime | None, zone: dt.tzinfo | None = None) -> str:
    return DASH if value is None else _joined(value, DATE, SECONDS, zone)


def span(start: dt.datetime, end: dt.datetime, zone: dt.tzinfo | None = None) -> str:
    """A shift: "Sun, Dec 6, 22:00 – 06:00" (the end's day is the start's or the next)."""
    return f"{day_time(start, zone)} – {shown(end, TIME, zone)}"


def filters() -> dict[str, object]:
    """The Jinja filters: `{{ t|date_time }}`, `{{ t|day_time }}`, `{{ d|day }}`, ..."""
    return {
        "date_time": date_time,
        "date_time_seconds": date_time_seconds,
        "day_time": day_time,
        "date": lambda v: shown(v, DATE),
        "day": lambda v: shown(v, DAY),
        "short_day": lambda v: shown(v, SHORT_DAY),
        "time": lambda v: shown(v, TIME),
    }
