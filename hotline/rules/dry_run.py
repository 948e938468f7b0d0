"""The dry-run panel: who would be offered a hypothetical call, under the rules in force or
a proposed text, against the counselors on call now or those on shift at a given time."""

from __future__ import annotations

import datetime as dt

from hotline.routing.explain import Caller, DryRun, explain
from hotline.routing.rules import Rules, parse_rules
from hotline.routing.snapshot import Counselor, CounselorState
from hotline.rules import publishing, versions
from hotline.runtime import Runtime
from hotline.staffing.coverage import load_overrides, working
from hotline.staffing.roster import load_roster
from hotline.staffing.simulation import Learnt, learnt_scenario, roster_in_force
from hotline.whatif import Comparison, compare

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
    counselors = runtime.presence.all() if roster == LIVE else on_shift_roster(runtime, at)
    return explain(at.timestamp(), caller, counselors, rules or runtime.rules)


def counselor_names(runtime: Runtime) -> dict[str, str]:
    return {row.counselor_id: row.name for row in load_roster(runtime.sessions)}


def simulate_edit(
    runtime: Runtime, proposed_text: str, *, days: int = 7, now: dt.datetime | None = None
) -> tuple[Comparison, Learnt | None]:
    """The what-if simulation (hotline/whatif) of the rules in force and a proposed text,
    on the same simulated callers (learnt from the records when there are enough, see
    learnt_scenario) and the roster's shifts, for the editor. A week takes well under a
    second; InvalidFile if the proposed text is refused."""

    roster = roster_in_force(runtime)
    current = publishing.in_force(runtime, versions.RULES).text
    moment = now or dt.datetime.now(dt.UTC)
    learnt = learnt_scenario(
        runtime.sessions, parse_rules(current, "current rules"), roster.timezone, now=moment
    )
    scenario, source = learnt if learnt else (None, None)
    return compare(current, proposed_text, roster, days=days, scenario=scenario), source
