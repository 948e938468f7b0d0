"""Callbacks end to end: the real `hotline run` and the local Twilio. A caller asks for a
callback from the queue and hangs up; a counselor's phone rings first, then the caller's;
they talk; afterwards nothing of the caller's number is left anywhere."""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path

from sqlalchemy import create_engine, select
from sqlalchemy.orm import Session

from hotline.devdouble.twilio import Caller, Phone
from hotline.records.models import AuditEvent, Callback, CallbackVault, CallRecord
from hotline.routing.rules import load_rules
from tests.e2e.test_dispatch_sim import ANA, hotline_with_sim
from tests.support.zones import number_open_now

ROSTER = f"""
timezone: UTC
counselors:
  - {{name: Ana, phone: "{ANA}", languages: [en], specialties: [suicide], always_on_call: true}}
"""


def _until(predicate: Callable[[], bool], timeout: float) -> None:
    """The records are written by the service's worker, which tells the test nothing:
    look at the database until they are there."""
    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > deadline:
            raise AssertionError(f"not true within {timeout} s")
        time.sleep(0.1)


def _db(tmp_path: Path) -> Session:
    return Session(create_engine(f"sqlite:///{tmp_path / 'hotline.db'}"))


def test_a_caller_who_asks_for_a_callback_is_called_back_and_the_number_is_erased(
    tmp_path: Path,
) -> None:
    edits = {"callback_offer_after: 60": "callback_offer_after: 0"}
    with hotline_with_sim(tmp_path, ROSTER, rules_edits=edits) as sim:
        policy = load_rules(tmp_path / "rules.yaml").callbacks
        first_number, waiting_number = number_open_now(policy, 190), number_open_now(policy, 191)
        ana = sim.add_phone(Phone(ANA, accept_key="1", hang_up_after=400))
        # Ana takes a first caller, so the second has to wait in the queue...
        first = sim.place_call(Caller(first_number, digits=["1", "1"]))
        sim.wait_for(lambda: first.bridged_with == ANA, timeout=60)
        # ...hears the callback offer on hold, presses its key, and hangs up.
        second = sim.place_call(Caller(waiting_number, digits=["1", "7", "1"]))
        sim.wait_for(lambda: second.finished, timeout=60)
        assert second.outcome != "answered"
        heard = " ".join(s.text for s in second.said)
        assert "press 1" in heard and "keep your place" in heard
        assert "call you back" in heard
        # Once Ana is free, her phone rings first, then the caller's; they are bridged.
        sim.wait_for(
            lambda: any(
                leg.to == waiting_number and leg.finished and leg.bridged_with == ANA
                for leg in sim.calls
            ),
            timeout=90,
        )
        rung = [
            r.params.get("To")
            for r in sim.rest_requests
            if r.method == "POST" and r.path.endswith("/Calls.json")
        ]
        assert rung.index(waiting_number) > max(i for i, to in enumerate(rung) if to == ANA), (
            "the counselor is rung before the caller"
        )
        callback_leg = next(leg for leg in sim.calls if leg.to == waiting_number)
        hello = " ".join(s.text for s in callback_leg.said)
        assert "call back you asked for" in hello
        assert "crisis" not in hello.lower(), "nothing that names the hotline"
        assert ana.number == ANA
        for leg in sim.calls:
            assert not leg.errors, (leg.sid, leg.errors)

        def settled() -> bool:
            with _db(tmp_path) as db:
                cb = db.scalars(select(Callback)).all()
                records = db.scalars(select(CallRecord)).all()
                done = bool(cb) and all(c.status == "done" for c in cb)
                return done and len(records) == 3

        _until(settled, timeout=30)
    with _db(tmp_path) as db:
        entries = db.scalars(select(CallbackVault)).all()
        assert entries, "the number was kept for the callback"
        assert all(e.ciphertext is None and e.status == "done" for e in entries)
        outcomes = sorted(r.outcome for r in db.scalars(select(CallRecord)))
        assert outcomes == ["answered", "callback_requested", "called_back"]
        actions = [a.action for a in db.scalars(select(AuditEvent))]
        for action in ("callback.requested", "vault.read", "callback.attempt", "callback.done"):
            assert action in actions
