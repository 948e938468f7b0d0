"""The dispatch desk: three counselors on call, telephony recorded (never dialled), callers
through the signed webhooks of a test client. Shared by the integration tests."""

from __future__ import annotations

from dataclasses import dataclass

from hotline.live.calls import CallStore, LiveCall, now
from hotline.live.presence import Presence
from hotline.queue.presence import sync_roster
from hotline.roster import parse_roster
from hotline.routing.snapshot import CounselorState
from hotline.runtime import Runtime
from hotline.staffing.roster import load_roster, save_roster
from hotline.telephony.client import FakeTelephony
from tests.conftest import PUBLIC_URL
from tests.support.caller import Caller, goes_to_hold

ROSTER = """
timezone: UTC
counselors:
  - {name: Ana, phone: "+14155550101", languages: [en], specialties: [suicide],
     always_on_call: true}
  - {name: Li, phone: "+14155550105", languages: [zh, en], specialties: [suicide],
     always_on_call: true}
  - {name: Zhang, phone: "+14155550106", languages: [zh], specialties: [youth],
     always_on_call: true}
"""
PHONES = {"Ana": "+14155550101", "Li": "+14155550105", "Zhang": "+14155550106"}


@dataclass
class Desk:
    runtime: Runtime
    client: object
    phone: FakeTelephony
    ids: dict[str, str]

    def caller(self, *keys: str) -> Caller:
        caller = Caller(self.client)
        verbs = caller.call()
        for key in keys:
            verbs = caller.give(verbs, key)
        assert goes_to_hold(verbs)
        return caller

    def live(self, caller: Caller) -> LiveCall:
        call = CallStore(self.runtime.redis).by_sid(caller.call_sid)
        assert call is not None
        return call

    def rung(self) -> list[str]:
        by_phone = {v: k for k, v in PHONES.items()}
        return [by_phone[str(c["to"])] for c in self.phone.calls]

    def offer_path(self, index: int = -1) -> str:
        url = str(self.phone.calls[index]["url"])
        return url.removeprefix(PUBLIC_URL)

    def status_path(self, index: int = -1) -> str:
        return str(self.phone.calls[index]["status_callback"]).removeprefix(PUBLIC_URL)

    def state(self, name: str) -> CounselorState:
        counselor = Presence(self.runtime.redis).get(self.ids[name])
        assert counselor is not None
        return counselor.state


def save_test_roster(runtime: Runtime, text: str) -> dict[str, str]:
    parsed = parse_roster(
        text,
        "roster.yaml",
        languages=runtime.rules.languages.keys(),
        specialties=runtime.rules.specialties.keys(),
    )
    save_roster(runtime.sessions, parsed, actor="test")
    return {row.name: row.counselor_id for row in load_roster(runtime.sessions)}


def desk_on_call(runtime: Runtime) -> dict[str, str]:
    """The roster's three counselors available, Ana idle longest and Li shortest; their
    counselor ids by name. Shared by the integration desk and the unit tier."""
    ids = save_test_roster(runtime, ROSTER)
    sync_roster(runtime, at=now() - 600)  # on call for ten minutes
    presence = Presence(runtime.redis)
    for order, name in enumerate(["Ana", "Zhang", "Li"]):  # Ana idle longest, Li shortest
        presence.set_state(ids[name], CounselorState.OFF_SHIFT, now())
        presence.set_state(ids[name], CounselorState.AVAILABLE, now() - 300 + order)
    return ids


def open_desk(runtime: Runtime, client: object) -> Desk:
    phone = FakeTelephony()
    runtime.telephony = phone
    return Desk(runtime, client, phone, desk_on_call(runtime))
