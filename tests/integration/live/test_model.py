"""Random sequences of every operation: after each one, the live state must hang together."""

from __future__ import annotations

from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from hotline.live.lua import counselor_key
from hotline.live.offers import Offers
from hotline.live.presence import Presence
from hotline.live.queue import LiveQueue
from hotline.queue.sweep import sweep
from hotline.routing.snapshot import CounselorState as S
from hotline.runtime import Runtime
from tests.integration.live.helpers import T0, TIERS, call

CALLS = [f"c{i}" for i in range(4)]
COUNSELORS = [f"k{i}" for i in range(3)]
STATES = [S.AVAILABLE, S.AWAY, S.WRAP_UP, S.OFF_SHIFT, S.RINGING, S.ON_CALL]

enqueue = st.tuples(st.just("enqueue"), st.sampled_from(CALLS), st.sampled_from(TIERS))
claim = st.tuples(st.just("claim"), st.sampled_from(CALLS), st.sampled_from(COUNSELORS))
# a claim that may pause a wrap-up (wrap-up yields to danger), and a call's end
pause = st.tuples(st.just("pause"), st.sampled_from(CALLS), st.sampled_from(COUNSELORS))
done = st.tuples(st.just("done"), st.sampled_from(COUNSELORS))
step = st.one_of(  # arrivals and claims weigh more, so that offers are there to act on
    enqueue,
    enqueue,
    claim,
    claim,
    claim,
    pause,
    pause,
    done,
    st.tuples(st.just("remove"), st.sampled_from(CALLS)),
    st.tuples(st.just("accept"), st.integers(0, 3)),  # the n-th offer standing, if any
    st.tuples(st.just("release"), st.integers(0, 3), st.booleans()),
    st.tuples(st.just("miss"), st.integers(0, 3)),
    st.tuples(
        st.just("state"), st.sampled_from(COUNSELORS), st.sampled_from(STATES), st.booleans()
    ),
    st.tuples(st.just("sweep"), st.integers(0, 60)),
)


@settings(
    max_examples=50, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(steps=st.lists(step, min_size=20, max_size=60))
def test_any_sequence_keeps_the_live_state_consistent(
    runtime: Runtime, steps: list[tuple[Any, ...]]
) -> None:
    runtime.redis.flushdb()
    queue, presence, offers = (
        LiveQueue(runtime.redis),
        Presence(runtime.redis),
        Offers(runtime.redis),
    )
    for k in COUNSELORS:
        presence.upsert(k, languages=["en"], specialties=[])
        presence.set_state(k, S.AVAILABLE, T0)
    arrived: dict[str, float] = {}  # the model: when each queued call first arrived
    accepted: set[str] = set()
    for tick, (op, *args) in enumerate(steps, start=1):
        now = T0 + tick
        standing = [o for c in CALLS if (o := offers.for_call(c)) is not None]
        acting = op in ("accept", "release", "miss") and standing
        pending = standing[args[0] % len(standing)] if acting else None
        if op == "enqueue":
            added = queue.enqueue(call(args[0], args[1], at=tick))
            assert added == (args[0] not in arrived)
            arrived.setdefault(args[0], now)
        elif op == "remove":
            assert (queue.remove(args[0]) is not None) == (args[0] in arrived)
            arrived.pop(args[0], None)
        elif op == "claim":
            offers.claim(args[0], args[1], now=now, ttl=30)
        elif op == "pause":
            queued = queue.get(args[0])
            tier = queued.tier if queued is not None else "imminent"
            offers.claim(args[0], args[1], now=now, ttl=30, pause_for=tier, paused_call="x")
        elif op == "done":
            presence.wrap_up(args[0], now=now, seconds=30)
        elif op == "accept" and pending:
            if offers.accept(pending.offer_id, now=now):
                assert pending.call_id not in accepted
                accepted.add(pending.call_id)
                del arrived[pending.call_id]
        elif op == "release" and pending:
            to = S.AWAY if args[1] else S.AVAILABLE
            assert offers.release(pending.offer_id, now=now, to_state=to) == pending
        elif op == "miss" and pending:
            assert offers.miss(pending.offer_id, now=now, max_no_answer=2)
        elif op == "state":
            presence.set_state(args[0], args[1], now, force=args[2])
        elif op == "sweep":
            sweep(runtime.redis, now=now + args[0], call_exists=lambda c: c != "c3")
            arrived.pop("c3", None)
        check(queue, presence, offers, arrived)
        accepted -= set(arrived)  # an accepted call may arrive again as a new call


def check(queue: LiveQueue, presence: Presence, offers: Offers, arrived: dict[str, float]) -> None:
    queued = {c: got for c in CALLS if (got := queue.get(c)) is not None}
    assert set(queued) == set(arrived)
    assert all(got.entered_at == arrived[c] for c, got in queued.items()), "kept its place"
    waiting = {c.call_id for c in queue.waiting()}
    offered = {c for c in arrived if queue.is_offered(c)}
    assert waiting == set(arrived) - offered
    for c in offered:
        offer = offers.for_call(c)
        assert offer is not None and offers.for_counselor(offer.counselor_id) == offer
    for k in COUNSELORS:
        counselor = presence.get(k)
        assert counselor is not None
        ringing = counselor.state == S.RINGING
        paused = presence.redis.hexists(counselor_key(k), "paused_left")
        assert not paused or counselor.state in (S.RINGING, S.ON_CALL), "a pause is kept"
        offer = offers.for_counselor(k)
        assert ringing == (offer is not None)
        assert offer is None or offers.for_call(offer.call_id) == offer
    order = sorted(arrived, key=lambda c: (TIERS.index(queued[c].tier), arrived[c]))
    assert [queue.position(c, TIERS) for c in order] == list(range(1, len(order) + 1))
    depth = queue.depth(TIERS)
    assert sum(n for n, _ in depth.values()) == len(arrived)
