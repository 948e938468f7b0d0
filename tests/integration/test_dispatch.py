"""Dispatch end to end through the signed webhooks, with telephony recorded, not dialled."""

from __future__ import annotations

import datetime as dt
from urllib.parse import parse_qs, urlsplit

from hotline.live.calls import CallStore, now
from hotline.live.presence import Presence
from hotline.live.queue import LiveQueue
from hotline.queue.dispatch import dispatch
from hotline.routing.snapshot import CounselorState
from tests.conftest import PUBLIC_URL
from tests.support.caller import Caller, said
from tests.support.desk import PHONES, Desk
from tests.support.twiml import flat


def test_a_mandarin_caller_on_suicide_reaches_the_mandarin_suicide_specialist(desk: Desk) -> None:
    caller = desk.caller("2", "1")
    dispatch(desk.runtime)
    assert desk.rung() == ["Li"], "not Ana (idle longer, no Mandarin), not Zhang (no suicide)"
    counselor = Caller(desk.client, number=PHONES["Li"])
    whisper = counselor.post(desk.offer_path())
    words = " ".join(v.text for v in said(whisper))
    # Li's first language is Mandarin: the whisper is in Mandarin, and never the number.
    assert {v.attrs["language"] for v in said(whisper)} == {"cmn-CN"}
    assert "普通话" in words and "自杀念头或自伤" in words and "接听请按1" in words
    assert "4155550177" not in words
    bridged = counselor.give(whisper, "1")
    rooms = [v.text for v in flat(bridged) if v.name == "Conference"]
    call = desk.live(caller)
    assert rooms == [f"hotline-{call.call_id}"]
    assert call.stage == "connected" and desk.state("Li") == CounselorState.ON_CALL
    assert desk.phone.redirects == [
        (caller.call_sid, f"{PUBLIC_URL}/voice/connect?call={call.call_id}")
    ]
    joined = caller.post(f"/voice/connect?call={call.call_id}")
    assert [v.text for v in flat(joined) if v.name == "Conference"] == rooms


def test_a_counselor_who_does_not_answer_is_passed_over(desk: Desk) -> None:
    caller = desk.caller("1", "1")  # English, suicide: Ana (idle longest) first
    entered = desk.live(caller).queued_at
    dispatch(desk.runtime)
    assert desk.rung() == ["Ana"]
    leg = Caller(desk.client, number=PHONES["Ana"])
    leg.post(desk.status_path(), {"CallStatus": "no-answer"})
    assert desk.state("Ana") == CounselorState.AVAILABLE
    dispatch(desk.runtime)
    assert desk.rung() == ["Ana", "Li"]
    waiting = LiveQueue(desk.runtime.redis).get(desk.live(caller).call_id)
    assert waiting is not None and waiting.entered_at == entered, "the caller kept their place"


def test_pressing_another_key_passes_and_two_misses_set_the_counselor_away(desk: Desk) -> None:
    max_misses = desk.runtime.rules.offer.max_no_answer
    for attempt in range(max_misses):
        caller = desk.caller("1", "1")
        dispatch(desk.runtime)
        assert desk.rung()[-1] == "Ana"
        leg = Caller(desk.client, number=PHONES["Ana"])
        goodbye = leg.give(leg.post(desk.offer_path()), "2")
        assert any(v.name == "Hangup" for v in goodbye)
        CallStore(desk.runtime.redis)  # the caller is still waiting
        assert LiveQueue(desk.runtime.redis).get(desk.live(caller).call_id) is not None
        expected = CounselorState.AWAY if attempt == max_misses - 1 else CounselorState.AVAILABLE
        assert desk.state("Ana") == expected


def test_with_nobody_on_call_the_caller_is_dialled_through_to_the_backup(desk: Desk) -> None:
    presence = Presence(desk.runtime.redis)
    for counselor_id in desk.ids.values():
        presence.set_state(counselor_id, CounselorState.OFF_SHIFT, now(), force=True)
    caller = desk.caller("3", "4")  # Cantonese, youth
    report = dispatch(desk.runtime)
    call = desk.live(caller)
    assert report.overflowed == [call.call_id]
    assert desk.phone.redirects == [
        (caller.call_sid, f"{PUBLIC_URL}/voice/hold?call={call.call_id}")
    ]
    verbs = caller.post(f"/voice/hold?call={call.call_id}")
    dialled = [v.text for v in flat(verbs) if v.name == "Dial"]
    assert dialled[0] == desk.runtime.rules.overflow_number("yue")


def test_an_imminent_caller_is_served_before_a_standard_one_who_waited_longer(desk: Desk) -> None:
    presence = Presence(desk.runtime.redis)
    for name in ("Li", "Zhang"):
        presence.set_state(desk.ids[name], CounselorState.OFF_SHIFT, now(), force=True)
    standard = desk.caller("1", "7")  # English, anything else: standard
    imminent = desk.caller("9")  # danger key at the first menu
    assert desk.live(standard).queued_at < desk.live(imminent).queued_at  # type: ignore[operator]
    dispatch(desk.runtime)
    assert desk.rung() == ["Ana"]
    offer = parse_qs(urlsplit(str(desk.phone.calls[0]["url"])).query)["offer"][0]
    from hotline.live.offers import Offers

    pending = Offers(desk.runtime.redis).get(offer)
    assert pending is not None and pending.call_id == desk.live(imminent).call_id


def test_a_caller_who_hangs_up_while_the_counselor_rings_frees_the_counselor(desk: Desk) -> None:
    caller = desk.caller("1", "1")
    dispatch(desk.runtime)
    assert desk.state("Ana") == CounselorState.RINGING
    for seq in ("3", "3", "1"):  # duplicated, then out of order
        caller.post("/voice/status", {"CallStatus": "completed", "SequenceNumber": seq})
    assert desk.state("Ana") == CounselorState.AVAILABLE
    assert desk.phone.hang_ups == [str(desk.phone.calls[0]["sid"])]
    assert LiveQueue(desk.runtime.redis).get(desk.live(caller).call_id) is None
    assert desk.live(caller).ended_at is not None
    whisper = Caller(desk.client, number=PHONES["Ana"]).post(desk.offer_path())
    assert any(v.name == "Hangup" for v in whisper), "a late answer hears the caller left"


def test_after_the_call_the_counselor_wraps_up_then_takes_calls_again(desk: Desk) -> None:
    desk.caller("1", "1")
    dispatch(desk.runtime)
    leg = Caller(desk.client, number=PHONES["Ana"])
    leg.give(leg.post(desk.offer_path()), "1")
    assert desk.state("Ana") == CounselorState.ON_CALL
    leg.post(desk.status_path(), {"CallStatus": "completed"})
    assert desk.state("Ana") == CounselorState.WRAP_UP
    dispatch(desk.runtime, at=now() + desk.runtime.rules.offer.wrap_up + 1)
    assert desk.state("Ana") == CounselorState.AVAILABLE


def _earlier_call(
    desk: Desk, record_id: str, key: str | None, *, ago: dt.timedelta, counselor: str | None = None
) -> None:
    """An anonymous record of an earlier call from the same caller (by key)."""
    from hotline.records.calls import save_record
    from tests.support.records import answered

    started = dt.datetime.now(dt.UTC) - ago
    counselor_id = int(desk.ids[counselor]) if counselor else None
    save_record(
        desk.runtime.sessions,
        answered(record_id, started, caller_key=key, counselor_id=counselor_id),
    )


def test_a_repeat_caller_is_flagged_in_the_whisper_by_count_not_number(desk: Desk) -> None:
    caller = desk.caller("1", "1")
    key = desk.live(caller).caller_key
    for i in range(2):
        _earlier_call(desk, f"earlier-call-{i}", key, ago=dt.timedelta(days=2 + i))
    dispatch(desk.runtime)
    whisper = Caller(desk.client, number=PHONES["Ana"]).post(desk.offer_path())
    words = " ".join(v.text for v in said(whisper))
    assert "3rd call this week" in words
    assert caller.number.lstrip("+") not in words


def test_a_frequent_caller_is_offered_first_to_the_counselor_who_last_answered(
    desk: Desk,
) -> None:
    from hotline.privacy import caller_key

    key = caller_key("+14155550177", b"test-hash-key")  # the Caller's default number
    threshold = desk.runtime.rules.frequent_callers.threshold
    for i in range(threshold - 1):  # this call makes `threshold` this week
        ago = dt.timedelta(days=1, hours=i)
        _earlier_call(desk, f"before-{i}", key, ago=ago, counselor="Li")
    caller = desk.caller("1", "1")  # English, suicide: Ana has been idle longer than Li
    waiting = LiveQueue(desk.runtime.redis).get(desk.live(caller).call_id)
    assert waiting is not None and waiting.preferred_counselor == desk.ids["Li"]
    dispatch(desk.runtime)
    assert desk.rung() == ["Li"]
    whisper = Caller(desk.client, number=PHONES["Li"]).post(desk.offer_path())
    words = " ".join(v.text for v in said(whisper))
    assert f"本周第{threshold}次来电。经常来电。" in words


def test_with_the_database_down_callers_still_reach_a_counselor(desk: Desk) -> None:
    from hotline.platform.db import make_engine, make_sessionmaker

    dead = make_engine("postgresql+psycopg://nobody@127.0.0.1:1/gone")
    desk.runtime.sessions = make_sessionmaker(dead)  # the roster was synced before it went
    caller = desk.caller("1", "1")
    dispatch(desk.runtime)
    assert desk.rung() == ["Ana"]
    counselor = Caller(desk.client, number=PHONES["Ana"])
    whisper = counselor.post(desk.offer_path())
    assert "Press 1 to accept" in " ".join(v.text for v in said(whisper))
    bridged = counselor.give(whisper, "1")
    assert any(v.name == "Conference" for v in flat(bridged))
    assert desk.live(caller).stage == "connected"
