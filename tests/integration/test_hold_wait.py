"""The hold message, through the signed webhook: only what is true about time, in the
caller's language; a caller in danger hears when a person answers, and is kept on the line."""

from __future__ import annotations

import dataclasses

from hotline.live.calls import CallStore, now
from hotline.live.presence import Presence
from hotline.live.queue import LiveQueue
from hotline.routing.snapshot import CounselorState
from tests.support.caller import Caller, said
from tests.support.desk import Desk
from tests.support.zones import number_open_now


def _busy(desk: Desk, name: str, state: CounselorState) -> None:
    Presence(desk.runtime.redis).set_state(desk.ids[name], state, now(), force=True)


def _heard(desk: Desk, *keys: str, waited: float = 0.0, number: str | None = None) -> str:
    caller = Caller(desk.client, number=number) if number else Caller(desk.client)
    verbs = caller.call()
    for key in keys:
        verbs = caller.give(verbs, key)
    live = desk.live(caller)
    if waited:  # as if they joined the queue `waited` seconds ago
        assert live.queued_at is not None
        live.queued_at -= waited
        CallStore(desk.runtime.redis).save(live)
        queue = LiveQueue(desk.runtime.redis)
        waiting = queue.remove(live.call_id)
        assert waiting is not None
        queue.enqueue(dataclasses.replace(waiting, entered_at=live.queued_at))
    words = caller.post(f"/voice/hold?call={live.call_id}")
    return " ".join(v.text for v in said(words))


def _all_talking(desk: Desk) -> None:
    for name in ("Ana", "Li", "Zhang"):
        _busy(desk, name, CounselorState.ON_CALL)


def test_a_caller_in_danger_hears_when_a_person_answers_and_no_wait(desk: Desk) -> None:
    _all_talking(desk)
    first = _heard(desk, "9")  # the danger key: imminent, max_wait 120 s
    assert "next in line" in first
    assert "A person will answer within 2 minutes." in first
    assert "wait is" not in first and "about" not in first
    later = _heard(desk, "9", waited=75)
    assert "A person will answer within a minute." in later


def test_a_caller_in_danger_hears_it_in_their_language(desk: Desk) -> None:
    _all_talking(desk)
    assert "2分钟之内会有人接听您的电话。" in _heard(desk, "2", "9")
    assert "2分鐘之內會有人聽你電話。" in _heard(desk, "3", "9")


def test_a_standard_caller_never_hears_a_wait_past_their_own_overflow(desk: Desk) -> None:
    """Everyone talking: the first in line would wait 12 minutes (15, rounded to 5, would
    pass their overflow by a moment); the next ones, longer than that: a person by then."""
    _all_talking(desk)
    _busy(desk, "Zhang", CounselorState.AWAY)  # Mandarin only: of no help to these callers
    first = _heard(desk, "1", "7")
    assert "next in line" in first and "The wait is about 12 minutes." in first
    for _ in range(2):
        third = _heard(desk, "1", "7")
    assert "number 3 in line" in third
    assert "A person will answer within 15 minutes." in third
    assert "wait is" not in third


def test_a_wrap_up_ending_is_counted(desk: Desk) -> None:
    _all_talking(desk)
    ana = desk.ids["Ana"]
    Presence(desk.runtime.redis).wrap_up(ana, now=now() - 25, seconds=120)  # ends in 95 s
    assert "The wait is about 2 minutes." in _heard(desk, "1", "7")


def test_no_wait_is_said_when_a_counselor_is_free(desk: Desk) -> None:
    _busy(desk, "Li", CounselorState.ON_CALL)  # Ana is free: the call is about to ring her
    heard = _heard(desk, "1", "7")
    assert "minutes" not in heard and "minute" not in heard


def test_a_caller_in_danger_is_not_offered_a_callback_unless_the_rules_say_so(
    desk: Desk,
) -> None:
    _all_talking(desk)
    rules = desk.runtime.rules
    number = number_open_now(rules.callbacks, 230)
    waited = rules.overflow.callback_offer_after + 5
    standard = _heard(desk, "1", "7", waited=waited, number=number)
    assert "If you would rather be called back, press 1." in standard
    danger = _heard(desk, "9", waited=waited, number=number)
    assert "called back" not in danger and "press 1" not in danger
    widened = dataclasses.replace(
        rules.callbacks, offer_to=frozenset({"imminent", "urgent", "standard"})
    )
    desk.runtime.book.publish(dataclasses.replace(rules, callbacks=widened, version="cb-all"))
    assert "press 1" in _heard(desk, "9", waited=waited, number=number)
