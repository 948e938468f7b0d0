"""Who is on call: the roster's shifts (and always-on-call counselors) set presence.

Shifts only open and close availability: a counselor set away (by missed offers or
the console) stays away until they come back, and a call in progress is never cut.
"""

from __future__ import annotations

import datetime as dt

from hotline.live.phones import Phones
from hotline.live.presence import Presence
from hotline.records.roster import load_roster
from hotline.roster import on_shift
from hotline.routing.snapshot import CounselorState
from hotline.runtime import Runtime


def sync_roster(runtime: Runtime, *, at: float) -> int:
    """Bring presence in line with the roster at `at`; returns how many states changed."""
    presence = Presence(runtime.redis)
    moment = dt.datetime.fromtimestamp(at, dt.UTC)
    changed = 0
    roster = load_roster(runtime.sessions)
    Phones(runtime.redis).replace_all({row.counselor_id: row.phone for row in roster})
    for row in roster:
        presence.upsert(row.counselor_id, languages=row.languages, specialties=row.specialties)
        current = presence.get(row.counselor_id)
        state = current.state if current else CounselorState.OFF_SHIFT
        working = row.always_on_call or on_shift(row.shifts, row.timezone, moment)
        if working and state == CounselorState.OFF_SHIFT:
            presence.set_state(row.counselor_id, CounselorState.AVAILABLE, at)
            changed += 1
        elif not working and state in (CounselorState.AVAILABLE, CounselorState.AWAY):
            presence.set_state(row.counselor_id, CounselorState.OFF_SHIFT, at)
            changed += 1
    return changed
