"""Wrap-up yields to danger, through the signed webhooks: a caller in danger reaches the only
counselor on call while they are in wrap-up; nobody else interrupts it; it comes back."""

from __future__ import annotations

import pytest
from flask import Flask

from hotline.live.calls import now
from hotline.live.presence import Paused, Presence
from hotline.live.wrapup import WrapUps
from hotline.queue.dispatch import dispatch
from hotline.routing.snapshot import CounselorState
from tests.integration.web_support import signed_in_client
from tests.support.caller import Caller, said
from tests.support.console import only_ana_after_a_call
from tests.support.desk import PHONES, Desk

WRAP_UP = CounselorState.WRAP_UP


def test_a_caller_in_danger_reaches_the_counselor_in_wrap_up_and_others_wait(
    desk: Desk,
) -> None:
    first = only_ana_after_a_call(desk)
    desk.caller("1", "7")  # standard: waits for the wrap-up to end
    desk.caller("1", "1")  # urgent (suicidal thoughts): waits as well
    dispatch(desk.runtime)
    assert desk.rung() == ["Ana"] and desk.state("Ana") is WRAP_UP
    desk.caller("9")  # the danger key at the first menu
    dispatch(desk.runtime)
    assert desk.rung() == ["Ana", "Ana"]
    ana = Caller(desk.client, number=PHONES["Ana"])
    whisper = ana.post(desk.offer_path())
    words = " ".join(v.text for v in said(whisper))
    assert words.startswith(
        "A caller in danger needs you now. Your wrap-up is kept for after this call. "
        "Imminent danger call."
    )
    ana.give(whisper, "1")
    assert desk.state("Ana") is CounselorState.ON_CALL
    assert Presence(desk.runtime.redis).paused(desk.ids["Ana"]) == Paused(
        desk.live(first).call_id, "imminent"
    )
    ended = now()
    ana.post(desk.status_path(), {"CallStatus": "completed"})
    assert desk.state("Ana") is WRAP_UP
    wrap = desk.runtime.rules.offer.wrap_up
    (ends,) = [
        until
        for c in Presence(desk.runtime.redis).all()
        if c.counselor_id == desk.ids["Ana"] and (until := c.wrap_up_until) is not None
    ]
    left = ends - ended - wrap
    assert 0 < left <= wrap, "the rest of the first wrap-up comes after the second"
    assert WrapUps(desk.runtime.redis).due(ends - 1) == []


def test_with_yielding_off_the_caller_in_danger_waits(desk: Desk) -> None:
    import dataclasses

    rules = desk.runtime.rules
    off = dataclasses.replace(rules.offer, wrap_up_yields_to=frozenset())
    desk.runtime.book.publish(dataclasses.replace(rules, offer=off, version="yielding-off"))
    only_ana_after_a_call(desk)
    desk.caller("9")
    dispatch(desk.runtime)
    assert desk.rung() == ["Ana"] and desk.state("Ana") is WRAP_UP


@pytest.mark.parametrize("outcome", ["no-answer", "busy"])
def test_an_unanswered_offer_gives_the_counselor_back_their_wrap_up(
    desk: Desk, outcome: str
) -> None:
    only_ana_after_a_call(desk)
    desk.caller("9")
    dispatch(desk.runtime)
    assert desk.state("Ana") is CounselorState.RINGING
    Caller(desk.client, number=PHONES["Ana"]).post(desk.status_path(), {"CallStatus": outcome})
    assert desk.state("Ana") is WRAP_UP


def test_the_console_says_which_wrap_up_was_paused_and_for_whom(app: Flask, desk: Desk) -> None:
    console = signed_in_client(app, desk.runtime, "ana", "counselor", counselor="Ana")
    first = only_ana_after_a_call(desk)
    first.post("/voice/status", {"CallStatus": "completed", "SequenceNumber": "5"})
    before = console.get("/console/state.json").get_json()
    assert [w["call_id"] for w in before["wrapups"]] == [desk.live(first).call_id]
    assert "paused" not in before["wrapups"][0]["html"]
    desk.caller("9")
    dispatch(desk.runtime)
    ana = Caller(desk.client, number=PHONES["Ana"])
    ana.give(ana.post(desk.offer_path()), "1")
    during = console.get("/console/state.json").get_json()
    assert during["state"] == "on_call"
    (kept,) = [w for w in during["wrapups"] if w["call_id"] == desk.live(first).call_id]
    assert "was paused for a caller in danger. It is kept here for you to finish." in kept["html"]
    presence = Presence(desk.runtime.redis)
    assert presence.set_state(desk.ids["Ana"], CounselorState.AWAY, now(), force=True)
    after = console.get("/console/state.json").get_json()
    assert all("paused" not in w["html"] for w in after["wrapups"]), "said only while it is so"
