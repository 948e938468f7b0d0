"""The menus keep their state in the signed action URLs; the live call is written when the
caller joins the queue. What a caller hears when Redis goes away, and what happens when
the end of a call is heard before the caller's last key.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from hotline.live.calls import CallStore
from hotline.live.queue import LiveQueue
from hotline.records.models import CallRecord
from hotline.runtime import Runtime
from tests.support.backends import unreachable
from tests.support.caller import Caller, goes_to_hold, is_menu
from tests.support.twiml import Verb, flat


def _dials_backup(runtime: Runtime, verbs: list[Verb]) -> bool:
    return any(v.name == "Dial" and v.text == runtime.backup_number for v in flat(verbs))


def test_a_caller_in_the_menus_when_redis_dies_is_sent_to_the_backup_line(  # type: ignore[no-untyped-def]
    client: Any, runtime: Runtime
) -> None:
    Caller(client).call()  # Redis answered once: new calls go straight to the menus
    caller = Caller(client)
    verbs = caller.give(caller.call(), "1")  # English
    with unreachable(runtime.redis):
        verbs = caller.give(verbs, "7")  # the queue cannot be reached: a person, elsewhere
        assert _dials_backup(runtime, verbs)
        # The process now knows Redis is down: the next caller skips the menus.
        assert _dials_backup(runtime, Caller(client).call())
    # Redis is back: the first new call finds it answering and hears the menus again.
    assert is_menu(Caller(client).call())


def test_a_process_that_never_reached_redis_sends_the_first_caller_to_a_person(  # type: ignore[no-untyped-def]
    client: Any, runtime: Runtime
) -> None:
    with unreachable(runtime.redis):
        assert _dials_backup(runtime, Caller(client).call())


def test_a_last_key_heard_after_the_hang_up_queues_nobody(client: Any, runtime: Runtime) -> None:  # type: ignore[no-untyped-def]
    """Twilio may deliver the caller's last key and the end of the call out of order: the
    end is recorded once, in the menus, and the late key puts no empty call in line."""
    caller = Caller(client)
    verbs = caller.give(caller.call(), "1")
    caller.post("/voice/status", {"CallStatus": "completed", "SequenceNumber": "1"})
    verbs = caller.give(verbs, "7")  # the key pressed just before hanging up
    assert goes_to_hold(verbs), "Twilio still gets TwiML a caller could follow"
    assert LiveQueue(runtime.redis).waiting() == []
    live = CallStore(runtime.redis).by_sid(caller.call_sid)
    assert live is not None and live.ended_at is not None and live.queued_at is None
    with runtime.sessions() as session:
        [record] = session.scalars(select(CallRecord))
    assert record.outcome == "hung_up_ivr"


def test_a_repeated_last_key_queues_the_caller_once(client: Any, runtime: Runtime) -> None:  # type: ignore[no-untyped-def]
    caller = Caller(client)
    verbs = caller.give(caller.call(), "1")
    gather = next(v for v in verbs if v.name == "Gather")
    first = caller.post(gather.attrs["action"], {"Digits": "7"})
    again = caller.post(gather.attrs["action"], {"Digits": "7"})  # Twilio retried
    assert goes_to_hold(first) and goes_to_hold(again)
    assert len(LiveQueue(runtime.redis).waiting()) == 1
