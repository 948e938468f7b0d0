"""Property, through the dispatcher on Redis (both back-ends): whatever the roster's states,
the queue and the rules' `offer.wrap_up_yields_to`, no call takes a counselor out of
wrap-up unless the rules name its tier, and nobody is rung for two calls."""

from __future__ import annotations

import dataclasses

from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from hotline.live.calls import now
from hotline.live.phones import Phones
from hotline.live.presence import Presence
from hotline.live.queue import LiveQueue
from hotline.live.wrapup import WrapUps
from hotline.queue.dispatch import dispatch
from hotline.routing.policy import TIER_NAMES
from hotline.routing.snapshot import CounselorState as S
from hotline.routing.snapshot import WaitingCall
from hotline.runtime import Runtime
from hotline.telephony.client import FakeTelephony

COUNSELORS = ("k0", "k1", "k2", "k3")
STATES = (S.AVAILABLE, S.WRAP_UP, S.WRAP_UP, S.ON_CALL, S.AWAY)

counselors = st.lists(
    st.tuples(st.sampled_from(STATES), st.sampled_from(["en", "zh"]), st.floats(0, 120)),
    min_size=len(COUNSELORS),
    max_size=len(COUNSELORS),
)
calls = st.lists(
    st.tuples(
        st.sampled_from(TIER_NAMES),
        st.sampled_from(["en", "zh"]),
        st.floats(0, 100),
        st.booleans(),  # a callback
    ),
    max_size=8,
)


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(counselors, calls, st.sets(st.sampled_from(TIER_NAMES)))
def test_only_the_tiers_the_rules_name_take_a_counselor_out_of_wrap_up(
    runtime: Runtime,
    roster: list[tuple[S, str, float]],
    queue: list[tuple[str, str, float, bool]],
    yields_to: set[str],
) -> None:
    runtime.redis.flushdb()
    phone = FakeTelephony()
    runtime.telephony = phone
    shipped = runtime.book.loaded()
    offer = dataclasses.replace(shipped.offer, wrap_up_yields_to=frozenset(yields_to))
    rules = dataclasses.replace(shipped, offer=offer, version=f"yield-{sorted(yields_to)}")
    runtime.book.publish(rules)
    moment = now()
    presence, live = Presence(runtime.redis), LiveQueue(runtime.redis)
    Phones(runtime.redis).replace_all({k: f"+1415555010{i}" for i, k in enumerate(COUNSELORS)})
    before: dict[str, S] = {}
    for k, (state, language, left) in zip(COUNSELORS, roster, strict=True):
        presence.upsert(k, languages=[language], specialties=["general"])
        presence.set_state(k, S.AVAILABLE, moment - 100)
        if state is S.WRAP_UP:
            presence.set_state(k, S.WRAP_UP, moment, force=True)
            WrapUps(runtime.redis).start(k, moment + 1 + left)
        elif state is not S.AVAILABLE:
            presence.set_state(k, state, moment, force=True)
        before[k] = state
    waiting: dict[str, WaitingCall] = {}
    for i, (tier, language, waited, callback) in enumerate(queue):
        call = WaitingCall(
            f"c{i}", tier, moment - waited, language, "general",
            rules_version=rules.version, callback=callback,
        )  # fmt: skip
        live.enqueue(call)
        waiting[call.call_id] = call
    report = dispatch(runtime, at=moment)
    rung: list[str] = [counselor for _, counselor in report.offered]
    assert len(rung) == len(set(rung)), "nobody is rung for two calls"
    assert len(phone.calls) == len(report.offered)
    wrapping_ends = WrapUps(runtime.redis).due(moment + 10_000)
    for call_id, counselor in report.offered:
        after = presence.get(counselor)
        assert after is not None and after.state is S.RINGING
        if before[counselor] is S.WRAP_UP:
            call = waiting[call_id]
            assert call.tier in yields_to and not call.callback, (call, yields_to)
            assert counselor not in wrapping_ends, "its wrap-up timer is paused, not running"
            event("a wrap-up paused")
        else:
            assert before[counselor] is S.AVAILABLE
    for counselor, state in before.items():
        if state is S.WRAP_UP and counselor not in rung:
            still = presence.get(counselor)
            assert still is not None and still.state is S.WRAP_UP
