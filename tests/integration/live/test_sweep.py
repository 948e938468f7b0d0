"""The sweep: what no webhook will fix is fixed, once, even when two sweeps run."""

from __future__ import annotations

from hotline.live.lua import offer_key
from hotline.live.offers import ACCEPT_GRACE, Offers
from hotline.live.presence import Presence
from hotline.live.queue import LiveQueue
from hotline.queue.sweep import SweepReport, sweep
from hotline.routing.snapshot import CounselorState as S
from hotline.runtime import Runtime
from tests.integration.live.helpers import T0, TIERS, available, call


def test_expired_offers_are_released_as_misses(
    runtime: Runtime, offers: Offers, queue: LiveQueue, presence: Presence
) -> None:
    for i in range(3):
        queue.enqueue(call(f"c{i}", at=i))
    available(presence, "k1")
    available(presence, "k2")
    available(presence, "k3")
    presence.miss("k2", 2, T0)  # one miss already: the next one sets k2 away
    stale = offers.claim("c0", "k1", now=T0, ttl=30)
    last_straw = offers.claim("c1", "k2", now=T0, ttl=30)
    fresh = offers.claim("c2", "k3", now=T0 + 20, ttl=30)
    assert stale and last_straw and fresh
    now = T0 + 30 + ACCEPT_GRACE
    report = sweep(runtime.redis, now=now, call_exists=lambda _: True, max_no_answer=2)
    assert report == SweepReport(expired_offers=2, set_away=1, vanished_calls=0, stuck_counselors=0)
    assert set(report.released) == {stale, last_straw}
    assert [_state(presence, k) for k in ("k1", "k2", "k3")] == [S.AVAILABLE, S.AWAY, S.RINGING]
    assert presence.misses("k1") == 1
    assert offers.for_call("c2") == fresh
    assert {c.call_id for c in queue.waiting()} == {"c0", "c1"}
    assert queue.position("c0", TIERS) == 1, "released callers keep their place"
    again = sweep(runtime.redis, now=now, call_exists=lambda _: True, max_no_answer=2)
    assert again == SweepReport(0, 0, 0, 0)
    assert presence.misses("k1") == 1


def test_an_offer_in_its_accept_grace_is_left_alone(
    runtime: Runtime, offers: Offers, queue: LiveQueue, presence: Presence
) -> None:
    queue.enqueue(call("a"))
    available(presence, "k1")
    offer = offers.claim("a", "k1", now=T0, ttl=30)
    assert offer is not None
    report = sweep(runtime.redis, now=T0 + 30 + ACCEPT_GRACE / 2, call_exists=lambda _: True)
    assert report.expired_offers == 0
    assert offers.accept(offer.offer_id, now=T0 + 30 + ACCEPT_GRACE / 2) == offer


def test_calls_that_vanished_leave_the_queue(
    runtime: Runtime, offers: Offers, queue: LiveQueue, presence: Presence
) -> None:
    for name in ("alive", "gone-waiting", "gone-ringing"):
        queue.enqueue(call(name, "urgent"))
    available(presence, "k1", at=1)
    ringing = offers.claim("gone-ringing", "k1", now=T0 + 5, ttl=30)
    live = {"alive"}
    report = sweep(runtime.redis, now=T0 + 10, call_exists=live.__contains__)
    assert report == SweepReport(expired_offers=0, set_away=0, vanished_calls=2, stuck_counselors=0)
    assert report.cancelled == (ringing,), "so its ring can be hung up"
    assert [c.call_id for c in queue.waiting()] == ["alive"]
    assert queue.depth(TIERS)["urgent"] == (1, T0)
    got = presence.get("k1")
    assert got is not None and got.state == S.AVAILABLE and got.idle_since == T0 + 1
    assert sweep(runtime.redis, now=T0 + 10, call_exists=live.__contains__).vanished_calls == 0


def test_a_counselor_ringing_for_nothing_and_its_call_are_freed(
    runtime: Runtime, offers: Offers, queue: LiveQueue, presence: Presence
) -> None:
    queue.enqueue(call("a"))
    available(presence, "k1")
    offer = offers.claim("a", "k1", now=T0, ttl=30)
    assert offer is not None
    runtime.redis.delete(offer_key(offer.offer_id))  # a lost write
    report = sweep(runtime.redis, now=T0 + 1, call_exists=lambda _: True)
    assert (report.stuck_counselors, report.stuck_calls) == (1, 1)
    assert _state(presence, "k1") == S.AVAILABLE and offers.for_counselor("k1") is None
    assert not queue.is_offered("a") and [c.call_id for c in queue.waiting()] == ["a"]
    assert sweep(runtime.redis, now=T0 + 1, call_exists=lambda _: True) == SweepReport(0, 0, 0, 0)


def _state(presence: Presence, counselor_id: str) -> S:
    got = presence.get(counselor_id)
    assert got is not None
    return got.state
