"""Who is on call: the roster's shifts (and always-on-call counselors) set presence.

Shifts only open and close availability: a counselor set away (by missed offers or
the console) stays away until they come back, and a call in progress is never cut.
"""

from __future__ import annotations

import datetime as dt

from hotline.routing.snapshot import CounselorState
from hotline.runtime import Runtime
from hotline.staffing.coverage import load_overrides
from hotline.staffing.coverage import working as on_duty
from hotline.staffing.roster import load_roster
from hotline.telephony.client import TelephonyError


def _still_talking(runtime: Runtime, phone: str) -> bool:
    try:
        return runtime.telephony.on_a_call(phone)
    except TelephonyError:
        return False  # cannot tell: a ring they do not take is only a miss


def sync_roster(runtime: Runtime, *, at: float) -> int:
    """Bring presence in line with the roster at `at`; returns how many states changed."""
    presence = runtime.presence
    moment = dt.datetime.fromtimestamp(at, dt.UTC)
    changed = 0
    roster = load_roster(runtime.sessions)
    day = moment.date()
    overrides = load_overrides(runtime, day - dt.timedelta(days=1), day + dt.timedelta(days=1))
    runtime.phones.replace_all({row.counselor_id: row.phone for row in roster})
    for row in roster:
        known = presence.get(row.counselor_id) is not None
        presence.upsert(row.counselor_id, languages=row.languages, specialties=row.specialties)
        current = presence.get(row.counselor_id)
        state = current.state if current else CounselorState.OFF_SHIFT
        working = on_duty(row, overrides, moment)  # weekly shifts, then one-off overrides
        if not known and _still_talking(runtime, row.phone):
            # Redis lost its state while this counselor talks: never offer them a second
            # caller. Their leg's status callback sends them to wrap-up when it ends.
            presence.set_state(row.counselor_id, CounselorState.ON_CALL, at, force=True)
            changed += 1
        elif working and state == CounselorState.OFF_SHIFT:
            presence.set_state(row.counselor_id, CounselorState.AVAILABLE, at)
            changed += 1
        elif not working and state in (CounselorState.AVAILABLE, CounselorState.AWAY):
            presence.set_state(row.counselor_id, CounselorState.OFF_SHIFT, at)
            changed += 1
    return changed
