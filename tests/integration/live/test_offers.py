"""Offers: claim, accept, release; nobody double-booked, nobody losing their place."""

from __future__ import annotations

import pytest

from hotline.live.offers import ACCEPT_GRACE, Offers
from hotline.live.presence import Presence
from hotline.live.queue import LiveQueue
from hotline.routing.snapshot import CounselorState as S
from tests.integration.live.helpers import T0, TIERS, available, call


@pytest.fixture
def ready(queue: LiveQueue, presence: Presence) -> None:
    """Three callers (b is urgent), two available counselors."""
    queue.enqueue(call("a", "standard", 0))
    queue.enqueue(call("b", "urgent", 5))
    queue.enqueue(call("c", "standard", 9))
    available(presence, "k1", at=1)
    available(presence, "k2", at=2)


@pytest.mark.usefixtures("ready")
def test_a_claim_rings_the_counselor_and_holds_the_call(
    offers: Offers, queue: LiveQueue, presence: Presence
) -> None:
    offer = offers.claim("a", "k1", now=T0 + 20, ttl=45)
    assert offer is not None
    assert (offer.call_id, offer.counselor_id) == ("a", "k1")
    assert (offer.created_at, offer.expires_at) == (T0 + 20, T0 + 65)
    assert offers.get(offer.offer_id) == offer
    assert offers.for_call("a") == offer and offers.for_counselor("k1") == offer
    assert queue.is_offered("a") and queue.get("a") == call("a", "standard", 0)
    assert {c.call_id for c in queue.waiting()} == {"b", "c"}
    assert queue.position("a", TIERS) == 2, "still in line behind the urgent call"
    got = presence.get("k1")
    assert got is not None and got.state == S.RINGING


@pytest.mark.usefixtures("ready")
def test_a_claim_is_refused_when_either_side_is_taken(
    offers: Offers, queue: LiveQueue, presence: Presence
) -> None:
    assert offers.claim("a", "k1", now=T0, ttl=30) is not None
    assert offers.claim("a", "k2", now=T0, ttl=30) is None, "a call rings one counselor"
    assert offers.claim("b", "k1", now=T0, ttl=30) is None, "a counselor gets one call"
    presence.set_state("k2", S.AWAY, T0)
    assert offers.claim("b", "k2", now=T0, ttl=30) is None, "away"
    presence.upsert("k3", languages=["en"], specialties=[])
    assert offers.claim("b", "k3", now=T0, ttl=30) is None, "off shift"
    assert offers.claim("b", "ghost", now=T0, ttl=30) is None, "unknown"
    available(presence, "k4")
    queue.remove("c")
    assert offers.claim("c", "k4", now=T0, ttl=30) is None, "the caller hung up"
    assert offers.claim("never", "k4", now=T0, ttl=30) is None
    assert offers.for_counselor("k2") is None and offers.for_counselor("k4") is None
    assert offers.for_call("b") is None and {c.call_id for c in queue.waiting()} == {"b"}


@pytest.mark.usefixtures("ready")
def test_accept_connects_and_the_call_leaves_the_queue(
    offers: Offers, queue: LiveQueue, presence: Presence
) -> None:
    presence.miss("k1", 3, T0)
    offer = offers.claim("a", "k1", now=T0, ttl=30)
    assert offer is not None
    assert offers.accept(offer.offer_id, now=T0 + 10) == offer
    assert queue.get("a") is None and queue.position("a", TIERS) is None
    assert queue.position("c", TIERS) == 2
    assert offers.get(offer.offer_id) is None
    assert offers.for_call("a") is None and offers.for_counselor("k1") is None
    assert offers.expired(T0 + 1e6) == []
    got = presence.get("k1")
    assert got is not None and got.state == S.ON_CALL and presence.misses("k1") == 0
    assert offers.accept(offer.offer_id, now=T0 + 11) is None, "a redelivered key press"
    assert offers.release(offer.offer_id, now=T0 + 12) is None
    assert presence.get("k1") == got


@pytest.mark.usefixtures("ready")
def test_a_released_call_keeps_its_place_and_the_counselor_goes_last(
    offers: Offers, queue: LiveQueue, presence: Presence
) -> None:
    before = {c: queue.position(c, TIERS) for c in "abc"}
    offer = offers.claim("a", "k1", now=T0 + 20, ttl=30)
    assert offer is not None
    assert offers.release(offer.offer_id, now=T0 + 25) == offer
    assert {c: queue.position(c, TIERS) for c in "abc"} == before
    assert queue.get("a") == call("a", "standard", 0), "same entered_at"
    assert {c.call_id for c in queue.waiting()} == {"a", "b", "c"}
    assert offers.for_call("a") is None and offers.for_counselor("k1") is None
    got = presence.get("k1")
    assert got is not None and got.state == S.AVAILABLE and got.idle_since == T0 + 25
    assert offers.release(offer.offer_id, now=T0 + 26) is None, "a second release"
    assert offers.accept(offer.offer_id, now=T0 + 26) is None, "accept after release"
    assert presence.get("k1") == got
    again = offers.claim("a", "k2", now=T0 + 27, ttl=30)
    assert again is not None and again.offer_id != offer.offer_id


@pytest.mark.usefixtures("ready")
def test_release_may_send_the_counselor_away(offers: Offers, presence: Presence) -> None:
    offer = offers.claim("a", "k1", now=T0, ttl=30)
    assert offer is not None
    assert offers.release(offer.offer_id, now=T0 + 30, to_state=S.AWAY) == offer
    got = presence.get("k1")
    assert got is not None and got.state == S.AWAY and got.idle_since == T0 + 1
    with pytest.raises(ValueError):
        offers.release(offer.offer_id, now=T0, to_state=S.ON_CALL)


@pytest.mark.usefixtures("ready")
def test_an_expired_offer_cannot_be_accepted(offers: Offers, queue: LiveQueue) -> None:
    offer = offers.claim("a", "k1", now=T0, ttl=30)
    assert offer is not None
    assert offers.expired(T0 + 29.9) == []
    assert offers.expired(T0 + 30) == [offer]
    assert offers.accept(offer.offer_id, now=T0 + 30 + ACCEPT_GRACE) is None
    assert queue.is_offered("a"), "a refused accept changes nothing; the release frees it"
    late = offers.claim("b", "k2", now=T0, ttl=30)
    assert late is not None
    assert offers.accept(late.offer_id, now=T0 + 30 + ACCEPT_GRACE / 2) == late, "in grace"


@pytest.mark.usefixtures("ready")
def test_a_missed_offer_is_counted_once_however_often_it_is_reported(
    offers: Offers, presence: Presence, queue: LiveQueue
) -> None:
    first = offers.claim("a", "k1", now=T0, ttl=30)
    assert first is not None
    missed = offers.miss(first.offer_id, now=T0 + 30, max_no_answer=2)
    assert missed is not None and missed.offer == first and not missed.went_away
    assert offers.miss(first.offer_id, now=T0 + 31, max_no_answer=2) is None
    assert presence.misses("k1") == 1
    second = offers.claim("a", "k1", now=T0 + 40, ttl=30)
    assert second is not None
    missed = offers.miss(second.offer_id, now=T0 + 70, max_no_answer=2)
    assert missed is not None and missed.went_away
    got = presence.get("k1")
    assert got is not None and got.state == S.AWAY
    assert [c.call_id for c in queue.waiting() if c.call_id == "a"] == ["a"]


@pytest.mark.usefixtures("ready")
def test_a_hang_up_while_ringing_frees_the_counselor(
    offers: Offers, queue: LiveQueue, presence: Presence
) -> None:
    offer = offers.claim("b", "k2", now=T0 + 30, ttl=30)
    assert offer is not None
    removal = queue.remove_with_offer("b")
    assert removal.call == call("b", "urgent", 5) and removal.offer == offer
    got = presence.get("k2")
    assert got is not None and got.state == S.AVAILABLE
    assert got.idle_since == T0 + 2, "not their fault: they keep their turn"
    assert offers.get(offer.offer_id) is None and offers.for_counselor("k2") is None
    assert offers.accept(offer.offer_id, now=T0 + 31) is None
    assert offers.release(offer.offer_id, now=T0 + 31) is None


@pytest.mark.usefixtures("ready")
def test_an_offered_call_is_not_enqueued_again(offers: Offers, queue: LiveQueue) -> None:
    assert offers.claim("a", "k1", now=T0, ttl=30) is not None
    assert not queue.enqueue(call("a", "standard", 50))
    assert queue.is_offered("a") and "a" not in {c.call_id for c in queue.waiting()}
