"""What the what-if simulation (hotline/whatif) is run on, for the staffing advice and the
editor's Simulate a week: the roster in force, and callers learnt from the records."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy.orm import Session, sessionmaker

from hotline.records.calls import past_arrivals
from hotline.roster import CounselorEntry, Roster
from hotline.routing.rules import Rules
from hotline.runtime import Runtime
from hotline.staffing.roster import load_roster
from hotline.whatif import Scenario, default_scenario, profile_from_records

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
