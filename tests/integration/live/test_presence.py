"""Counselor presence: states, idle time, misses, and who is on call."""

from __future__ import annotations

from hotline.live.offers import Offers
from hotline.live.presence import Presence
from hotline.live.queue import LiveQueue
from hotline.routing.snapshot import CounselorState as S
from tests.integration.live.helpers import T0, available, call


def test_a_new_counselor_is_off_shift_and_a_profile_update_keeps_the_state(
    presence: Presence,
) -> None:
    presence.upsert("k1", languages=["en", "zh"], specialties=["suicide"])
    got = presence.get("k1")
    assert got is not None and got.state == S.OFF_SHIFT
    assert got.languages == {"en", "zh"} and got.specialties == {"suicide"}
    presence.set_state("k1", S.AVAILABLE, T0)
    presence.upsert("k1", languages=["yue"], specialties=[])
    got = presence.get("k1")
    assert got is not None and got.state == S.AVAILABLE and got.languages == {"yue"}
    assert presence.get("nobody") is None


def test_idle_time_starts_when_becoming_available_and_only_then(presence: Presence) -> None:
    available(presence, "k1", at=10)
    assert presence.set_state("k1", S.AVAILABLE, T0 + 50), "already available: fine"
    assert _idle(presence, "k1") == T0 + 10, "a repeated click must not lose their turn"
    assert presence.set_state("k1", S.AWAY, T0 + 60)
    assert _idle(presence, "k1") == T0 + 10
    assert presence.set_state("k1", S.AVAILABLE, T0 + 90)
    assert _idle(presence, "k1") == T0 + 90


def test_unknown_counselors_and_ringing_cannot_be_set(presence: Presence) -> None:
    assert not presence.set_state("ghost", S.AVAILABLE, T0)
    assert presence.get("ghost") is None
    available(presence, "k1")
    assert not presence.set_state("k1", S.RINGING, T0), "only a claim rings someone"
    assert not presence.set_state("k1", S.ON_CALL, T0), "only an accept connects"
    assert _state(presence, "k1") == S.AVAILABLE


def test_a_ringing_counselor_stays_ringing_unless_forced(
    presence: Presence, queue: LiveQueue, offers: Offers
) -> None:
    available(presence, "k1")
    queue.enqueue(call("a"))
    offer = offers.claim("a", "k1", now=T0 + 1, ttl=30)
    assert offer is not None
    assert not presence.set_state("k1", S.AWAY, T0 + 2)
    assert _state(presence, "k1") == S.RINGING
    assert presence.set_state("k1", S.AWAY, T0 + 2, force=True)
    assert _state(presence, "k1") == S.AWAY
    assert offers.for_counselor("k1") is None and offers.get(offer.offer_id) is None
    assert [c.call_id for c in queue.waiting()] == ["a"], "the caller waits again"
    assert offers.accept(offer.offer_id, now=T0 + 3) is None


def test_a_busy_counselor_is_not_freed_by_a_stale_console(
    presence: Presence, queue: LiveQueue, offers: Offers
) -> None:
    available(presence, "k1")
    queue.enqueue(call("a"))
    offer = offers.claim("a", "k1", now=T0, ttl=30)
    assert offer is not None and offers.accept(offer.offer_id, now=T0 + 1)
    assert not presence.set_state("k1", S.AVAILABLE, T0 + 5)
    assert _state(presence, "k1") == S.ON_CALL
    assert presence.set_state("k1", S.WRAP_UP, T0 + 60)
    assert presence.set_state("k1", S.AVAILABLE, T0 + 90)
    assert _idle(presence, "k1") == T0 + 90


def test_misses_in_a_row_set_the_counselor_away(presence: Presence) -> None:
    available(presence, "k1")
    assert not presence.miss("k1", 3, T0 + 1)
    assert not presence.miss("k1", 3, T0 + 2)
    assert presence.misses("k1") == 2 and _state(presence, "k1") == S.AVAILABLE
    assert presence.miss("k1", 3, T0 + 3)
    assert _state(presence, "k1") == S.AWAY and presence.misses("k1") == 3
    assert presence.set_state("k1", S.AVAILABLE, T0 + 100)
    assert presence.misses("k1") == 0, "coming back is a fresh start"


def test_an_accept_or_clear_resets_the_count(presence: Presence) -> None:
    available(presence, "k1")
    presence.miss("k1", 3, T0)
    presence.miss("k1", 3, T0)
    presence.clear_misses("k1")
    assert presence.misses("k1") == 0
    assert not presence.miss("k1", 3, T0), "the count starts again"
    assert not presence.miss("ghost", 3, T0) and presence.misses("ghost") == 0


def test_a_miss_while_ringing_leaves_the_move_to_the_release(
    presence: Presence, queue: LiveQueue, offers: Offers
) -> None:
    available(presence, "k1")
    queue.enqueue(call("a"))
    offer = offers.claim("a", "k1", now=T0, ttl=30)
    assert offer is not None
    assert presence.miss("k1", 1, T0 + 30)
    assert _state(presence, "k1") == S.RINGING
    assert offers.release(offer.offer_id, now=T0 + 30, to_state=S.AWAY)
    assert _state(presence, "k1") == S.AWAY


def test_the_summary_covers_counselors_on_call_only(presence: Presence) -> None:
    presence.upsert("k1", languages=["en"], specialties=["suicide"])
    presence.upsert("k2", languages=["zh"], specialties=["youth"])
    presence.upsert("k3", languages=["yue"], specialties=["lgbtq"])
    presence.set_state("k1", S.AVAILABLE, T0)
    presence.set_state("k2", S.WRAP_UP, T0)  # off shift -> wrap-up is the service's business
    assert {c.counselor_id for c in presence.all()} == {"k1", "k2", "k3"}
    summary = presence.on_call_summary()
    assert summary.counselor_ids == {"k1", "k2"}
    assert summary.languages == {"en", "zh"}
    assert ("zh", "youth") in summary.pairs and ("yue", "lgbtq") not in summary.pairs


def _state(presence: Presence, counselor_id: str) -> S:
    got = presence.get(counselor_id)
    assert got is not None
    return got.state


def _idle(presence: Presence, counselor_id: str) -> float:
    got = presence.get(counselor_id)
    assert got is not None
    return got.idle_since
