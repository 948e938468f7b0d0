"""The hold message gives a rough wait from live state, and only when it is honest."""

from __future__ import annotations

from hotline.live.calls import now
from hotline.live.presence import Presence
from hotline.routing.snapshot import CounselorState
from tests.support.caller import said
from tests.support.desk import Desk


def _busy(desk: Desk, name: str, state: CounselorState) -> None:
    Presence(desk.runtime.redis).set_state(desk.ids[name], state, now(), force=True)


def _heard(desk: Desk) -> str:
    caller = desk.caller("1", "7")  # English, anything else
    live = desk.live(caller)
    words = caller.post(f"/voice/hold?call={live.call_id}")
    return " ".join(v.text for v in said(words))


def test_callers_hear_a_rough_wait_while_every_counselor_is_busy(desk: Desk) -> None:
    # Ana and Li speak English and are on calls; Zhang (Mandarin only) cannot take them.
    _busy(desk, "Ana", CounselorState.ON_CALL)
    _busy(desk, "Li", CounselorState.ON_CALL)
    _busy(desk, "Zhang", CounselorState.WRAP_UP)
    first = _heard(desk)
    assert "next in line" in first
    # No records yet: a call takes the default 20 min plus the wrap-up. Half of that,
    # rounded up to 5 minutes:
    assert "about 15 minutes" in first
    _heard(desk)
    third = _heard(desk)
    assert "number 3 in line" in third and "about 35 minutes" in third  # one call more


def test_no_wait_is_said_when_a_counselor_is_free(desk: Desk) -> None:
    _busy(desk, "Li", CounselorState.ON_CALL)  # Ana is free: the call is about to ring her
    heard = _heard(desk)
    assert "minutes" not in heard
