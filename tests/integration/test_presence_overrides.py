"""Live presence follows the one-off shift overrides a supervisor enters, not only the
weekly pattern: extra hours put a counselor on call, leave takes them off."""

from __future__ import annotations

import datetime as dt

from hotline.live.presence import Presence
from hotline.queue.presence import sync_roster
from hotline.records.models import ShiftOverride
from hotline.roster import parse_roster
from hotline.routing.snapshot import CounselorState
from hotline.runtime import Runtime
from hotline.staffing.roster import load_roster, save_roster

# Tuesday 2026-11-24, 14:00 UTC. Ana works Tuesdays 08:00-16:00; Ben never on Tuesdays.
NOON = dt.datetime(2026, 11, 24, 14, 0, tzinfo=dt.UTC)
ROSTER = """
timezone: UTC
counselors:
  - {name: Ana, phone: "+14155550101", languages: [en], specialties: [suicide],
     shifts: [{days: [tue], from: "08:00", to: "16:00"}]}
  - {name: Ben, phone: "+14155550102", languages: [en], specialties: [youth],
     shifts: [{days: [wed], from: "08:00", to: "16:00"}]}
"""


def test_overrides_put_counselors_on_and_off_call(runtime: Runtime) -> None:
    parsed = parse_roster(
        ROSTER,
        "roster.yaml",
        languages=runtime.rules.languages.keys(),
        specialties=runtime.rules.specialties.keys(),
    )
    save_roster(runtime.sessions, parsed, actor="test")
    ids = {row.name: int(row.counselor_id) for row in load_roster(runtime.sessions)}
    with runtime.sessions.begin() as session:
        for name, on in (("Ana", False), ("Ben", True)):  # Ana on leave; Ben covers
            session.add(
                ShiftOverride(
                    counselor_id=ids[name],
                    day=NOON.date(),
                    start_minute=8 * 60,
                    end_minute=16 * 60,
                    on_shift=on,
                    created_by="sup",
                )
            )
    sync_roster(runtime, at=NOON.timestamp())
    presence = Presence(runtime.redis)
    ana, ben = presence.get(str(ids["Ana"])), presence.get(str(ids["Ben"]))
    assert ana is not None and ana.state == CounselorState.OFF_SHIFT, "on leave today"
    assert ben is not None and ben.state == CounselorState.AVAILABLE, "covering today"
