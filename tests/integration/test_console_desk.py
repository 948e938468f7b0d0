"""The console over two calls and a queue, through the Flask test client on a real dispatch
desk: each wrap-up lands on its own call, unfiled ones stay listed, the queue is shown in
brief (a caller in danger in any language, also off shift), a relaxed match is named."""

from __future__ import annotations

import re
from typing import Any

from flask import Flask
from flask.testing import FlaskClient

from hotline.call_records.record import record_call
from hotline.live.calls import now
from hotline.live.presence import Presence
from hotline.queue.dispatch import dispatch
from hotline.records.models import CallRecord
from hotline.routing.snapshot import CounselorState
from tests.support.caller import Caller
from tests.support.console import (
    answered_call,
    console_client,
    file_wrap_up,
    hang_up_call,
    only_ana,
    only_ana_after_a_call,
)
from tests.support.desk import PHONES, Desk


def _state(console: FlaskClient) -> dict[str, Any]:
    found = console.get("/console/state.json").get_json()
    assert isinstance(found, dict)
    return found


def _listed(console: FlaskClient) -> list[str]:
    return [w["call_id"] for w in _state(console)["wrapups"]]


def _finished_call(desk: Desk) -> str:
    caller, leg = answered_call(desk)
    hang_up_call(caller, leg, desk)
    call_id = desk.live(caller).call_id
    record_call(desk.runtime, call_id)
    return call_id


def _record(desk: Desk, call_id: str) -> tuple[str | None, list[str] | None]:
    with desk.runtime.sessions() as session:
        record = session.get(CallRecord, call_id)
        assert record is not None
        return record.risk_level, record.disposition


def test_two_calls_two_wrap_ups_each_filed_on_its_own_call(app: Flask, desk: Desk) -> None:
    console = console_client(app, desk)
    only_ana(desk)
    first = _finished_call(desk)
    assert _listed(console) == [first]
    dispatch(desk.runtime, at=now() + desk.runtime.rules.offer.wrap_up + 1)  # wrap-up time over
    assert desk.state("Ana") == CounselorState.AVAILABLE
    desk.phone.calls.clear()

    caller, leg = answered_call(desk)  # the next call, the first still unfiled
    talking = _state(console)
    assert talking["busy"] and talking["card"]["stage"] == "connected"
    assert [w["call_id"] for w in talking["wrapups"]] == [first], "kept, not replaced"
    hang_up_call(caller, leg, desk)
    second = desk.live(caller).call_id
    record_call(desk.runtime, second)
    ended = _state(console)
    assert [w["call_id"] for w in ended["wrapups"]] == [second, first], "newest first"
    newest, older = (w["html"] for w in ended["wrapups"])
    assert f'name="call_id" value="{second}"' in newest and "time left" in newest
    assert f'name="call_id" value="{first}"' in older and "time left" not in older
    assert "Save and take calls" in newest and "Save and take calls" not in older

    assert file_wrap_up(console, first, risk_level="moderate").status_code == 302
    said = console.get("/console/").get_data(as_text=True)
    assert re.search(r"Wrap-up saved for the call at \d\d:\d\d · Urgent · English\.<", said)
    assert _record(desk, first) == ("moderate", ["support_given", "safety_plan"])
    assert _record(desk, second) == (None, None), "nothing lands on the other call"
    assert desk.state("Ana") == CounselorState.WRAP_UP, "an older call keeps the running time"
    assert _listed(console) == [second]

    assert (
        file_wrap_up(console, second, risk_level="low", disposition=["information"]).status_code
        == 302
    )
    assert _record(desk, second) == ("low", ["information"])
    assert _record(desk, first) == ("moderate", ["support_given", "safety_plan"])
    assert desk.state("Ana") == CounselorState.AVAILABLE
    assert _listed(console) == [] and _state(console)["card"] is None, "saving clears the form"


def test_a_wrap_up_for_a_call_that_never_was_is_refused_and_says_so(app: Flask, desk: Desk) -> None:
    console = console_client(app, desk)
    refused = file_wrap_up(console, "no-such-call")
    assert refused.status_code == 403
    assert "a call that was not yours, so it was not saved" in refused.get_data(as_text=True)


def _row(html: str, tier: str) -> tuple[str, str]:
    found = re.search(
        rf'data-tier="{tier}".*?class="count">(\d+)<.*?class="longest">([^<]*)<', html, re.S
    )
    assert found, tier
    return found.group(1), found.group(2)


def test_the_queue_in_brief_counts_my_languages_and_any_caller_in_danger(
    app: Flask, desk: Desk
) -> None:
    console = console_client(app, desk)
    for name in ("Ana", "Li", "Zhang"):
        Presence(desk.runtime.redis).set_state(desk.ids[name], CounselorState.AWAY, now())
    assert "danger-waiting" not in _state(console)["queue_html"]
    desk.caller("1", "1")  # English, urgent
    desk.caller("2", "1")  # Mandarin, urgent: not one of Ana's languages
    desk.caller("3", "9")  # Cantonese, in danger now
    queue = _state(console)["queue_html"]
    assert _row(queue, "urgent")[0] == "1"
    assert _row(queue, "imminent") == ("0", "—")
    assert _row(queue, "standard") == ("0", "—")
    assert "A caller in danger is waiting, for 0:0" in queue

    Presence(desk.runtime.redis).set_state(desk.ids["Ana"], CounselorState.OFF_SHIFT, now())
    off = _state(console)
    assert "A caller in danger is waiting" in off["queue_html"], "also off shift"
    assert "You are off shift" in off["state_html"] and "go-available" not in off["state_html"]
    page = console.get("/console/").get_data(as_text=True)
    assert re.search(r'id="bring-in"\s+hidden', page), "no bring-in off a call"
    assert "You are always on call" in page and "No shifts in the next 7 days" not in page


def test_a_relaxed_match_is_named_on_the_card_with_the_wait_and_its_target(
    app: Flask, desk: Desk
) -> None:
    console = console_client(app, desk)
    only_ana(desk)  # English only, suicide
    desk.caller("3", "2")  # Cantonese, domestic violence, standard (answer within 3:00)
    dispatch(desk.runtime)  # nobody on call speaks Cantonese: the steps that ask are skipped
    assert desk.rung() == ["Ana"]
    card = _state(console)["card_html"]
    assert "the caller chose Cantonese, which is not one of your languages." in card
    assert "Their topic is not one of your specialties." in card
    assert re.search(r'class="language">Cantonese<', card)
    assert "(target 3:00)" in card


def test_a_match_in_my_language_and_specialty_says_nothing_of_relaxing(
    app: Flask, desk: Desk
) -> None:
    console = console_client(app, desk)
    only_ana(desk)
    answered_call(desk)  # English, suicide: Ana's own
    card = _state(console)["card_html"]
    assert "relaxed-match" not in card and "not one of your" not in card
    page = console.get("/console/").get_data(as_text=True)
    assert not re.search(r'id="bring-in"\s+hidden', page), "on a call: bring someone in"


def test_a_wrap_up_kept_for_a_caller_in_danger_stays_listed_and_is_filed_on_its_own_call(
    app: Flask, desk: Desk
) -> None:
    console = console_client(app, desk)
    first = desk.live(only_ana_after_a_call(desk)).call_id  # Ana alone, in wrap-up
    record_call(desk.runtime, first)
    danger = desk.caller("9")
    dispatch(desk.runtime)  # the wrap-up yields to the caller in danger
    ringing = _state(console)
    assert ringing["busy"] and ringing["card"]["stage"] == "offered"
    assert "Imminent danger" in ringing["card_html"]
    assert [w["call_id"] for w in ringing["wrapups"]] == [first], "kept, not replaced"
    ana = Caller(desk.client, number=PHONES["Ana"])
    ana.give(ana.post(desk.offer_path()), "1")
    assert _state(console)["card"]["stage"] == "connected" and _listed(console) == [first]
    hang_up_call(danger, ana, desk)
    second = desk.live(danger).call_id
    record_call(desk.runtime, second)
    ended = _state(console)
    assert [w["call_id"] for w in ended["wrapups"]] == [second, first]
    assert ended["wrap_up_left"] > desk.runtime.rules.offer.wrap_up, "the kept time comes after"

    assert file_wrap_up(console, first, risk_level="moderate").status_code == 302
    assert desk.state("Ana") == CounselorState.WRAP_UP
    assert file_wrap_up(console, second, risk_level="imminent").status_code == 302
    assert _record(desk, first)[0] == "moderate" and _record(desk, second)[0] == "imminent"
    assert desk.state("Ana") == CounselorState.AVAILABLE


def test_the_caller_ringing_my_phone_is_on_my_card_not_in_my_queue(app: Flask, desk: Desk) -> None:
    console = console_client(app, desk)
    only_ana(desk)
    desk.caller("1", "1")  # English, urgent: rung on Ana's phone
    dispatch(desk.runtime)
    assert desk.rung() == ["Ana"]
    assert _row(_state(console)["queue_html"], "urgent")[0] == "0"
    desk.caller("1", "1")  # the next one waits for her
    dispatch(desk.runtime)
    assert _row(_state(console)["queue_html"], "urgent")[0] == "1"
