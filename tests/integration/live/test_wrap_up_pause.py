"""Wrap-up yields to danger in Redis: a claim pauses a wrap-up atomically, and it comes back."""

from __future__ import annotations

import dataclasses

import pytest

from hotline.live.offers import Offers
from hotline.live.presence import Paused, Presence
from hotline.live.queue import LiveQueue
from hotline.live.wrapup import WrapUps
from hotline.routing.snapshot import CounselorState as S
from hotline.runtime import Runtime
from tests.integration.live.helpers import T0, available, call

WRAP = 120.0


@pytest.fixture
def wrapups(runtime: Runtime) -> WrapUps:
    return WrapUps(runtime.redis)


@pytest.fixture
def wrapping(offers: Offers, queue: LiveQueue, presence: Presence) -> None:
    """k1 answered call "done" at T0 and hung up at T0 + 100: wrap-up until T0 + 220."""
    queue.enqueue(call("done", "standard", -50))
    available(presence, "k1")
    offer = offers.claim("done", "k1", now=T0, ttl=30)
    assert offer is not None and offers.accept(offer.offer_id, now=T0 + 5)
    assert presence.wrap_up("k1", now=T0 + 100, seconds=WRAP) == pytest.approx(T0 + 220)
    queue.enqueue(call("danger", "imminent", 110))
    queue.enqueue(call("urgent", "urgent", 105))


def state(presence: Presence, counselor_id: str) -> S:
    got = presence.get(counselor_id)
    assert got is not None
    return got.state


@pytest.mark.usefixtures("wrapping")
def test_only_the_named_tier_and_never_a_callback_may_claim_a_counselor_in_wrap_up(
    offers: Offers, queue: LiveQueue, presence: Presence
) -> None:
    assert offers.claim("danger", "k1", now=T0 + 130, ttl=30) is None, "no pause asked"
    assert offers.claim("urgent", "k1", now=T0 + 130, ttl=30, pause_for="imminent") is None
    queue.enqueue(dataclasses.replace(call("cb", "imminent", 90), callback=True))
    assert offers.claim("cb", "k1", now=T0 + 130, ttl=30, pause_for="imminent") is None
    assert state(presence, "k1") is S.WRAP_UP
    assert presence.all()[0].wrap_up_until == pytest.approx(T0 + 220)


@pytest.mark.usefixtures("wrapping")
def test_a_caller_in_danger_pauses_the_wrap_up_and_one_counselor_gets_one_call(
    offers: Offers, presence: Presence, wrapups: WrapUps
) -> None:
    offer = offers.claim(
        "danger", "k1", now=T0 + 130, ttl=30, pause_for="imminent", paused_call="done"
    )
    assert offer is not None and state(presence, "k1") is S.RINGING
    assert wrapups.due(T0 + 10_000) == [], "the wrap-up timer no longer frees them"
    assert presence.paused("k1") == Paused("done", "imminent")
    again = offers.claim("urgent", "k1", now=T0 + 131, ttl=30, pause_for="urgent")
    assert again is None, "a counselor holds one offer"


@pytest.mark.usefixtures("wrapping")
def test_after_the_call_in_danger_the_paused_wrap_up_comes_back_with_its_own(
    offers: Offers, presence: Presence, wrapups: WrapUps
) -> None:
    offer = offers.claim("danger", "k1", now=T0 + 130, ttl=30, pause_for="imminent")
    assert offer is not None and offers.accept(offer.offer_id, now=T0 + 135)
    assert state(presence, "k1") is S.ON_CALL
    ends = presence.wrap_up("k1", now=T0 + 400, seconds=WRAP)
    assert ends == pytest.approx(T0 + 400 + WRAP + 90), "90 s were left of the first"
    assert state(presence, "k1") is S.WRAP_UP
    assert wrapups.due(T0 + 609) == [] and wrapups.due(T0 + 611) == ["k1"]
    assert presence.wrap_up("k1", now=T0 + 401, seconds=WRAP) is None, "said twice: once"


@pytest.mark.usefixtures("wrapping")
def test_an_offer_declined_or_hung_up_goes_back_to_the_wrap_up_it_paused(
    offers: Offers, queue: LiveQueue, presence: Presence, wrapups: WrapUps
) -> None:
    first = offers.claim("danger", "k1", now=T0 + 130, ttl=30, pause_for="imminent")
    assert first is not None
    assert offers.miss(first.offer_id, now=T0 + 150, max_no_answer=2)
    assert state(presence, "k1") is S.WRAP_UP
    assert presence.paused("k1") is None
    assert wrapups.due(T0 + 239) == [] and wrapups.due(T0 + 241) == ["k1"]  # 150 + 90 left
    second = offers.claim("danger", "k1", now=T0 + 160, ttl=30, pause_for="imminent")
    assert second is not None
    queue.remove_with_offer("danger", now=T0 + 170)  # the caller hung up while it rang
    assert state(presence, "k1") is S.WRAP_UP
    assert wrapups.due(T0 + 249) == [] and wrapups.due(T0 + 251) == ["k1"]  # 170 + 80 left


@pytest.mark.usefixtures("wrapping")
def test_available_again_the_note_of_the_pause_is_gone(offers: Offers, presence: Presence) -> None:
    offer = offers.claim(
        "danger", "k1", now=T0 + 130, ttl=30, pause_for="imminent", paused_call="done"
    )
    assert offer is not None and offers.accept(offer.offer_id, now=T0 + 135)
    presence.wrap_up("k1", now=T0 + 400, seconds=WRAP)
    assert presence.paused("k1") == Paused("done", "imminent"), (
        "shown while its wrap-up is still to do"
    )
    assert presence.set_state("k1", S.AVAILABLE, T0 + 700)
    assert presence.paused("k1") is None
