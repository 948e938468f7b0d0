"""Dispatch: the right counselor is rung, and never for two callers at once."""

from __future__ import annotations

from hotline.live.calls import CallStore
from hotline.live.offers import Offers
from hotline.live.presence import Presence
from hotline.live.queue import LiveQueue
from hotline.routing.snapshot import CounselorState
from hotline.services.dispatch import dispatch, whisper_for
from tests.support.memory import Memory
from tests.support.service_calls import (
    DANGER,
    ENGLISH_RELATIONSHIPS,
    ENGLISH_SUICIDE,
    MANDARIN_SUICIDE,
    call_in,
    offer_in,
    rung,
    state_of,
)


def test_a_mandarin_caller_on_suicide_rings_the_mandarin_suicide_counselor(
    memory: Memory, on_call: dict[str, str]
) -> None:
    runtime = memory.runtime
    call = call_in(runtime, "+14155550311", *MANDARIN_SUICIDE)
    assert memory.jobs.names() == ["dispatch"], "joining the queue asks for a dispatch"
    memory.jobs.drain()  # the worker's own dispatch job
    assert rung(memory.phone) == ["Li"], "not Ana (idle longer, no Mandarin), not Zhang"
    assert state_of(runtime, on_call["Li"]) == CounselorState.RINGING
    offered = CallStore(runtime.redis).get(call.call_id)
    assert offered is not None and offered.stage == "offered"
    heard = whisper_for(runtime, offer_in(memory.phone))
    assert heard is not None and heard.say_language == "cmn-CN"
    assert "普通话" in heard.text and "4155550311" not in heard.text


def test_one_free_counselor_is_offered_one_caller_however_often_dispatch_runs(
    memory: Memory, on_call: dict[str, str]
) -> None:
    runtime = memory.runtime
    for name in ("Li", "Zhang"):
        Presence(runtime.redis).set_state(on_call[name], CounselorState.AWAY, 0, force=True)
    first = call_in(runtime, "+14155550312", *ENGLISH_SUICIDE)
    second = call_in(runtime, "+14155550313", *ENGLISH_SUICIDE)
    assert memory.jobs.names() == ["dispatch", "dispatch"]
    memory.jobs.drain()
    for _ in range(3):
        assert dispatch(runtime).offered == []
    assert rung(memory.phone) == ["Ana"], "Ana's phone rings once, for one caller"
    offer = Offers(runtime.redis).for_counselor(on_call["Ana"])
    assert offer is not None and offer.call_id == first.call_id, "the first in line"
    assert Offers(runtime.redis).for_call(second.call_id) is None
    still = CallStore(runtime.redis).get(second.call_id)
    assert still is not None and still.stage == "queued", "the second caller keeps waiting"


def test_a_caller_in_danger_is_offered_before_one_who_waited_longer(
    memory: Memory, on_call: dict[str, str]
) -> None:
    runtime = memory.runtime
    for name in ("Li", "Zhang"):
        Presence(runtime.redis).set_state(on_call[name], CounselorState.AWAY, 0, force=True)
    calm = call_in(runtime, "+14155550314", *ENGLISH_RELATIONSHIPS)  # in line first
    danger = call_in(runtime, "+14155550315", *DANGER)
    memory.jobs.drain()
    offer = Offers(runtime.redis).for_counselor(on_call["Ana"])
    assert offer is not None and offer.call_id == danger.call_id
    assert LiveQueue(runtime.redis).get(calm.call_id) is not None, "the other still waits"
