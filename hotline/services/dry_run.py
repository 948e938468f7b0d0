"""The dry-run panel: who would be offered a hypothetical call, under the rules in force or
a proposed text, against the counselors on call now or those on shift at a given time."""

from __future__ import annotations

import datetime as dt

from hotline.live.presence import Presence
from hotline.records.roster import load_roster
from hotline.routing.explain import Caller, DryRun, explain
from hotline.routing.rules import Rules
from hotline.routing.snapshot import Counselor, CounselorState
from hotline.runtime import Runtime
from hotline.services.coverage import load_overrides, working

LIVE = "live"  # presence now: states and idle times as they are
SHIFTS = "shifts"  # everyone on shift at the time asked, all available, equally idle
ROSTERS = (LIVE, SHIFTS)


def on_shift_roster(runtime: Runtime, at: dt.datetime) -> list[Counselor]:
    """Counselors on shift at `at`, as if all were available and had just become idle."""
    day = at.date()
    overrides = load_overrides(runtime, day - dt.timedelta(days=1), day + dt.timedelta(days=1))
    moment = at.timestamp()
    return [
        Counselor(
            counselor_id=row.counselor_id,
            languages=frozenset(row.languages),
            specialties=frozenset(row.specialties),
            state=CounselorState.AVAILABLE,
            idle_since=moment,
        )
        for row in load_roster(runtime.sessions)
        if working(row, overrides, at)
    ]


def dry_run(
    runtime: Runtime,
    caller: Caller,
    *,
    at: dt.datetime,
    rules: Rules | None = None,
    roster: str = LIVE,
) -> DryRun:
    """The explanation for `caller` joining the queue at `at` (rules: the ones in force)."""
    counselors = Presence(runtime.redis).all() if roster == LIVE else on_shift_roster(runtime, at)
    return explain(at.timestamp(), caller, counselors, rules or runtime.rules)


def counselor_names(runtime: Runtime) -> dict[str, str]:
    return {row.counselor_id: row.name for row in load_roster(runtime.sessions)}
