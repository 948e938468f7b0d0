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
from hotline.whatif import Comparison

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


def simulate_edit(runtime: Runtime, proposed_text: str, *, days: int = 7) -> Comparison:
    """The what-if simulation (hotline/whatif) of the rules in force and a proposed text,
    on the same simulated callers and the roster's shifts, for the editor. A week takes
    well under a second; InvalidFile if the proposed text is refused."""
    from hotline.records.roster import load_roster
    from hotline.roster import CounselorEntry, Roster
    from hotline.services import publishing, versions
    from hotline.whatif import compare

    rows = load_roster(runtime.sessions)
    roster = Roster(
        rows[0].timezone if rows else "UTC",
        tuple(
            CounselorEntry(
                r.name, r.phone, r.languages, r.specialties, "counselor", r.always_on_call, r.shifts
            )
            for r in rows
        ),
    )
    current = publishing.in_force(runtime, versions.RULES).text
    return compare(current, proposed_text, roster, days=days)
