"""When a callback may ring: inside the rules' window in the caller's local time.

A number's prefix can span several time zones (a country, a mobile range). The caller is
rung only when the window is open in every one of them, so nobody is woken at 03:00
because their zone was guessed wrong.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from hotline.routing.policy import CallbackPolicy

SEARCH_DAYS = 3


def known_zones(names: Sequence[str]) -> tuple[ZoneInfo, ...]:
    zones = []
    for name in names:
        try:
            zones.append(ZoneInfo(name))
        except (ZoneInfoNotFoundError, ValueError):
            continue
    return tuple(zones) or (ZoneInfo("UTC"),)


def is_open(moment: dt.datetime, zones: Sequence[str], policy: CallbackPolicy) -> bool:
    """Whether `moment` (aware) falls inside the window in every one of `zones`."""
    return all(
        policy.in_window(moment.astimezone(z).time().replace(tzinfo=None))
        for z in known_zones(zones)
    )


def next_open(moment: dt.datetime, zones: Sequence[str], policy: CallbackPolicy) -> dt.datetime:
    """The first moment at or after `moment` when the window is open in all `zones`.

    If the zones' windows never overlap, the first zone's opening is used.
    """
    if is_open(moment, zones, policy):
        return moment
    tzs = known_zones(zones)
    candidates: list[dt.datetime] = []
    for tz in tzs:
        local = moment.astimezone(tz)
        for days in range(SEARCH_DAYS + 1):
            day = local.date() + dt.timedelta(days=days)
            opening = dt.datetime.combine(day, policy.window_from, tzinfo=tz)
            if opening >= moment:
                candidates.append(opening.astimezone(dt.UTC))
    candidates.sort()
    for candidate in candidates:
        if is_open(candidate, zones, policy):
            return candidate
    first = [c for c in candidates if c.astimezone(tzs[0]).time() == policy.window_from]
    return first[0] if first else moment


def closes_within(
    moment: dt.datetime, seconds: float, zones: Sequence[str], policy: CallbackPolicy
) -> bool:
    """Whether the window is shut now or will be within `seconds` (too late to promise)."""
    later = moment + dt.timedelta(seconds=seconds)
    return not (is_open(moment, zones, policy) and is_open(later, zones, policy))
