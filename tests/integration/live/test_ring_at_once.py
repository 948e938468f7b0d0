"""Companion offers: a caller in danger rings two counselors at once; the first to accept
takes the call, the other phone is dropped (told so), and a ring that goes unanswered
leaves the call with the one still ringing instead of back in line."""

from __future__ import annotations

import dataclasses
import threading

import pytest

from hotline.live.offers import Offers
from hotline.live.presence import Presence
from hotline.live.queue import LiveQueue
from hotline.routing.snapshot import CounselorState as S
from tests.integration.live.helpers import T0, available, call


@pytest.fixture
def ringing(offers: Offers, queue: LiveQueue, presence: Presence) -> tuple[str, str]:
    """Caller d (imminent) rings k1 (lead) and k2 (companion); k3 is free."""
    queue.enqueue(call("d", "imminent", 0))
    for n, who in enumerate(("k1", "k2", "k3"), start=1):
        available(presence, who, at=n)
    lead = offers.claim("d", "k1", now=T0, ttl=25)
    companion = offers.claim("d", "k2", now=T0, ttl=25, companion=True)
    assert lead is not None and companion is not None
    assert offers.set_leg(lead.offer_id, "CA-lead") and offers.set_leg(companion.offer_id, "CA-2")
    return lead.offer_id, companion.offer_id


def _state(presence: Presence, who: str) -> S:
    got = presence.get(who)
    assert got is not None
    return got.state


def test_a_companion_rings_only_beside_a_ringing_lead(
    offers: Offers, queue: LiveQueue, presence: Presence
) -> None:
    queue.enqueue(call("d", "imminent", 0))
    available(presence, "k1")
    available(presence, "k2")
    assert offers.claim("d", "k2", now=T0, ttl=25, companion=True) is None, "no lead yet"
    assert offers.claim("d", "k1", now=T0, ttl=25) is not None
    assert offers.claim("d", "k2", now=T0, ttl=25) is None, "one lead per call"
    assert offers.claim("d", "k2", now=T0, ttl=25, companion=True) is not None
    assert _state(presence, "k2") is S.RINGING
    assert [o.counselor_id for o in offers.of_call("d")] == ["k1", "k2"]
    assert queue.waiting() == [] and queue.is_offered("d")


def test_a_callback_never_rings_two(offers: Offers, queue: LiveQueue, presence: Presence) -> None:
    queue.enqueue(dataclasses.replace(call("cb", "imminent", 0), callback=True))
    available(presence, "k1")
    available(presence, "k2")
    assert offers.claim("cb", "k1", now=T0, ttl=25) is not None
    assert offers.claim("cb", "k2", now=T0, ttl=25, companion=True) is None


def test_the_first_to_accept_takes_the_call_and_the_other_phone_is_dropped(
    offers: Offers, queue: LiveQueue, presence: Presence, ringing: tuple[str, str]
) -> None:
    lead, companion = ringing
    taken = offers.take(companion, now=T0 + 6)
    assert taken is not None and taken.offer.counselor_id == "k2" and taken.offer.leg == "CA-2"
    assert [(d.counselor_id, d.leg) for d in taken.dropped] == [("k1", "CA-lead")]
    assert _state(presence, "k2") is S.ON_CALL
    assert _state(presence, "k1") is S.AVAILABLE
    k1 = presence.get("k1")
    assert k1 is not None and k1.idle_since == T0 + 1, "rung for nothing: keeps their turn"
    assert offers.accept(lead, now=T0 + 7) is None, "the call is taken"
    assert offers.taken_by_another(lead) and not offers.taken_by_another(companion)
    assert offers.of_call("d") == [] and queue.get("d") is None and queue.waiting() == []
    assert offers.for_counselor("k1") is None


def test_two_keys_at_the_same_moment_connect_one_counselor(
    offers: Offers, queue: LiveQueue, presence: Presence, ringing: tuple[str, str]
) -> None:
    start = threading.Barrier(2)
    won: list[str] = []

    def press(offer_id: str) -> None:
        start.wait()
        if offers.accept(offer_id, now=T0 + 5) is not None:
            won.append(offer_id)

    threads = [threading.Thread(target=press, args=(o,)) for o in ringing]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(won) == 1
    states = sorted(_state(presence, k).value for k in ("k1", "k2"))
    assert states == sorted([S.ON_CALL.value, S.AVAILABLE.value])


def test_a_missed_lead_leaves_the_call_with_the_companion_still_ringing(
    offers: Offers, queue: LiveQueue, presence: Presence, ringing: tuple[str, str]
) -> None:
    lead, companion = ringing
    assert offers.miss(lead, now=T0 + 10, max_no_answer=3) is not None
    assert queue.waiting() == [], "still ringing k2: not back in line, not offered again"
    assert offers.for_call("d") is not None and offers.for_call("d").offer_id == companion  # type: ignore[union-attr]
    assert _state(presence, "k1") is S.AVAILABLE
    assert offers.accept(companion, now=T0 + 12) is not None
    assert not offers.taken_by_another(lead), "k1 missed it: nobody took it from them"


def test_both_missed_puts_the_caller_back_in_their_place(
    offers: Offers, queue: LiveQueue, presence: Presence, ringing: tuple[str, str]
) -> None:
    lead, companion = ringing
    assert offers.miss(companion, now=T0 + 10, max_no_answer=3) is not None
    assert queue.waiting() == [] and offers.for_call("d") is not None
    assert offers.miss(lead, now=T0 + 10, max_no_answer=3) is not None
    assert [c.call_id for c in queue.waiting()] == ["d"]
    assert offers.of_call("d") == []
    assert _state(presence, "k1") is S.AVAILABLE and _state(presence, "k2") is S.AVAILABLE


def test_a_caller_who_hangs_up_cancels_every_ring(
    offers: Offers, queue: LiveQueue, presence: Presence, ringing: tuple[str, str]
) -> None:
    removal = queue.remove_with_offer("d", now=T0 + 3)
    assert [(o.counselor_id, o.leg) for o in removal.offers] == [("k1", "CA-lead"), ("k2", "CA-2")]
    assert _state(presence, "k1") is S.AVAILABLE and _state(presence, "k2") is S.AVAILABLE
    assert offers.of_call("d") == [] and queue.waiting() == []
    assert not any(offers.taken_by_another(o) for o in ringing)
