"""Supervisors listen, coach or barge into a live call; a counselor brings in a third
party who may stay with the caller; a counselor who simply hangs up ends the call."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from hotline.queue.dispatch import dispatch
from hotline.records.models import AuditEvent
from hotline.supervision import supervise
from tests.conftest import PUBLIC_URL
from tests.support.caller import Caller
from tests.support.desk import PHONES, Desk
from tests.support.twiml import flat

SUPERVISOR, EMERGENCY = "+14155550150", "+14155550911"


def _answered(d: Desk) -> tuple[Caller, Caller, str]:
    caller = d.caller("1", "1")
    dispatch(d.runtime)
    counselor = Caller(d.client, number=PHONES["Ana"], call_sid=str(d.phone.calls[-1]["sid"]))
    counselor.give(counselor.post(d.offer_path()), "1")
    call = d.live(caller)
    call.counselor_leg = counselor.call_sid
    from hotline.live.calls import CallStore

    CallStore(d.runtime.redis).save(call)
    return caller, counselor, call.call_id


def _joined(d: Desk, number: str) -> dict[str, str]:
    ring = d.phone.calls[-1]
    assert ring["to"] == number
    party = Caller(d.client, number=number, call_sid=str(ring["sid"]))
    [conference] = [
        v
        for v in flat(party.post(str(ring["url"]).removeprefix(PUBLIC_URL)))
        if v.name == "Conference"
    ]
    return {"room": conference.text, **conference.attrs}


@pytest.mark.parametrize(
    ("mode", "expected"),
    [
        ("listen", {"muted": "true", "startConferenceOnEnter": "false"}),
        ("coach", {"startConferenceOnEnter": "false"}),
        ("barge", {"startConferenceOnEnter": "false"}),
    ],
)
def test_a_supervisor_joins_the_calls_room_as_asked(
    desk: Desk, mode: str, expected: dict[str, str]
) -> None:
    _caller, counselor, call_id = _answered(desk)
    supervise.join(desk.runtime, call_id=call_id, phone=SUPERVISOR, mode=mode, actor="sup:mei")
    joined = _joined(desk, SUPERVISOR)
    assert joined["room"] == f"hotline-{call_id}"
    assert joined["endConferenceOnExit"] == "false", "a supervisor never ends the call"
    for name, value in expected.items():
        assert joined[name] == value
    if mode == "coach":
        assert joined["coach"] == counselor.call_sid, "heard by the counselor only"
    else:
        assert "coach" not in joined
    with desk.runtime.sessions() as session:
        audit = session.scalars(select(AuditEvent).where(AuditEvent.actor == "sup:mei")).one()
    assert audit.action == f"supervise.{mode}" and audit.detail == {"call_id": call_id}


def test_a_supervisor_cannot_join_a_call_that_is_not_in_progress(desk: Desk) -> None:
    caller = desk.caller("1", "1")  # waiting, not answered
    with pytest.raises(supervise.SuperviseError, match="not in progress"):
        supervise.join(
            desk.runtime,
            call_id=desk.live(caller).call_id,
            phone=SUPERVISOR,
            mode="listen",
            actor="sup",
        )
    _c, _k, call_id = _answered(desk)
    with pytest.raises(supervise.SuperviseError, match="international format"):
        supervise.join(desk.runtime, call_id=call_id, phone="not a phone", mode="listen", actor="s")


def test_after_a_warm_transfer_the_caller_stays_when_the_counselor_leaves(desk: Desk) -> None:
    caller, counselor, call_id = _answered(desk)
    supervise.warm_transfer(desk.runtime, call_id=call_id, number=EMERGENCY, actor="c:ana")
    joined = _joined(desk, EMERGENCY)
    assert joined["room"] == f"hotline-{call_id}" and joined["startConferenceOnEnter"] == "true"
    status = str(desk.phone.calls[0]["status_callback"]).removeprefix(PUBLIC_URL)
    counselor.post(status, {"CallStatus": "completed"})
    assert caller.call_sid not in desk.phone.hang_ups, "the caller stays with the third party"


def test_a_counselor_who_hangs_up_ends_the_call_for_the_caller(desk: Desk) -> None:
    caller, counselor, _call_id = _answered(desk)
    status = str(desk.phone.calls[0]["status_callback"]).removeprefix(PUBLIC_URL)
    counselor.post(status, {"CallStatus": "completed"})
    assert desk.phone.hang_ups == [caller.call_sid], "never left alone in the room"
