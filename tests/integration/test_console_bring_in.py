"""A counselor brings a third party into their call from the console: the third party's
phone rings into the call's room, and the caller stays with them once the counselor
leaves."""

from __future__ import annotations

from flask import Flask

from hotline.queue.dispatch import dispatch
from tests.conftest import PUBLIC_URL
from tests.integration.web_support import csrf_token, signed_in_client
from tests.support.caller import Caller
from tests.support.desk import PHONES, Desk
from tests.support.twiml import flat

COLLEAGUE = "+14155550160"


def test_a_counselor_brings_a_colleague_in_and_may_then_leave(app: Flask, desk: Desk) -> None:
    console = signed_in_client(app, desk.runtime, "ana", "counselor", counselor="Ana")
    refused = console.post(
        "/console/bring-in",
        data={"number": COLLEAGUE, "csrf_token": csrf_token(console)},
        follow_redirects=True,
    )
    assert "not on a call" in refused.get_data(as_text=True) and desk.phone.calls == []
    caller = desk.caller("1", "1")
    dispatch(desk.runtime)
    leg = Caller(desk.client, number=PHONES["Ana"], call_sid=str(desk.phone.calls[0]["sid"]))
    leg.give(leg.post(desk.offer_path()), "1")
    # The console was not open while the phone rang: it still finds the call.
    done = console.post(
        "/console/bring-in",
        data={"number": "+1 415 555 0160", "csrf_token": csrf_token(console)},
        follow_redirects=True,
    )
    assert "ringing" in done.get_data(as_text=True)
    ring = desk.phone.calls[-1]
    assert ring["to"] == COLLEAGUE
    colleague = Caller(desk.client, number=COLLEAGUE, call_sid=str(ring["sid"]))
    joined = colleague.post(str(ring["url"]).removeprefix(PUBLIC_URL))
    [room] = [v.text for v in flat(joined) if v.name == "Conference"]
    assert room == f"hotline-{desk.live(caller).call_id}"
    leg.post(desk.status_path(0), {"CallStatus": "completed"})  # Ana leaves
    assert caller.call_sid not in desk.phone.hang_ups, "the caller stays with the colleague"
