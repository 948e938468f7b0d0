"""The dry-run panel: who would be offered a hypothetical call, under the rules in force or
a proposed text, against the counselors on call now or those on shift at a given time."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy.orm import Session, sessionmaker

from hotline.records.calls import past_arrivals
from hotline.roster import CounselorEntry, Roster
from hotline.routing.explain import Caller, DryRun, explain
from hotline.routing.rules import Rules, parse_rules
from hotline.routing.snapshot import Counselor, CounselorState
from hotline.rules import publishing, versions
from hotline.runtime import Runtime
from hotline.staffing.coverage import load_overrides, working
from hotline.staffing.roster import load_roster
from hotline.whatif import Comparison, Scenario, compare, default_scenario, profile_from_records

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


LEARN_DAYS = 28  # the records a simulation's callers are learnt from
MIN_LEARN_DAYS = 7  # every hour of the week seen at least once
MIN_LEARN_CALLS = 50


@dataclass(frozen=True)
class Learnt:
    """Where a simulation's callers came from, when from the records."""

    calls: int
    first: dt.date
    last: dt.date


def learnt_scenario(
    sessions: sessionmaker[Session], rules: Rules, timezone: str, *, now: dt.datetime
) -> tuple[Scenario, Learnt] | None:
    """Callers as the records show them: the last four weeks' calls that reached the queue,
    by hour of the week, with their mix of tiers, languages and topics and their talk time
    (patience and answering stay the defaults). None with under a week of records or
    under MIN_LEARN_CALLS calls: a simulation then uses a usual crisis-line day."""

    rows = [
        row
        for row in past_arrivals(sessions, now - dt.timedelta(days=LEARN_DAYS))
        if row[1] in rules.languages and row[2] in rules.specialties and row[3] in rules.tiers
    ]
    if len(rows) < MIN_LEARN_CALLS or now - rows[0][0] < dt.timedelta(days=MIN_LEARN_DAYS):
        return None
    scenario = profile_from_records(rows, timezone, until=now, base=default_scenario(rules))
    return scenario, Learnt(len(rows), rows[0][0].date(), rows[-1][0].date())


def roster_in_force(runtime: Runtime) -> Roster:
    """The roster in the database, as the what-if takes it."""
    rows = load_roster(runtime.sessions)
    return Roster(
        rows[0].timezone if rows else "UTC",
        tuple(
            CounselorEntry(
                r.name, r.phone, r.languages, r.specialties, "counselor", r.always_on_call, r.shifts
            )
            for r in rows
        ),
    )


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
