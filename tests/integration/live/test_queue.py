"""The live queue: who waits, in what order, and how deep each tier is."""

from __future__ import annotations

from hotline.live.queue import LiveQueue
from tests.integration.live.helpers import T0, TIERS, call


def test_an_enqueued_call_can_be_read_back_exactly(queue: LiveQueue) -> None:
    sent = call("a", "urgent", 1.5, language="zh", topic="suicide", preferred_counselor="k9")
    assert queue.enqueue(sent)
    assert queue.get("a") == sent
    assert queue.waiting() == [sent]
    assert not queue.is_offered("a")


def test_enqueue_twice_keeps_the_first_arrival(queue: LiveQueue) -> None:
    assert queue.enqueue(call("a", "standard", 0))
    assert not queue.enqueue(call("a", "standard", 60)), "a redelivery is not a new call"
    got = queue.get("a")
    assert got is not None and got.entered_at == T0
    assert len(queue.waiting()) == 1


def test_remove_takes_the_call_out_and_says_what_was_there(queue: LiveQueue) -> None:
    queue.enqueue(call("a"))
    queue.enqueue(call("b", at=1))
    assert queue.remove("a") == call("a")
    assert queue.get("a") is None
    assert [c.call_id for c in queue.waiting()] == ["b"]
    assert queue.position("a", TIERS) is None
    assert queue.remove("a") is None, "a second hang-up report changes nothing"
    assert queue.depth(TIERS)["standard"] == (1, T0 + 1)


def test_nothing_is_queued_at_first(queue: LiveQueue) -> None:
    assert queue.get("nope") is None
    assert queue.waiting() == []
    assert queue.position("nope", TIERS) is None
    assert queue.depth(TIERS) == {"imminent": (0, None), "urgent": (0, None), "standard": (0, None)}


def test_a_more_urgent_call_that_came_later_is_ahead(queue: LiveQueue) -> None:
    queue.enqueue(call("std-early", "standard", 0))
    queue.enqueue(call("urgent-early", "urgent", 1))
    queue.enqueue(call("urgent-late", "urgent", 5))
    queue.enqueue(call("imminent-latest", "imminent", 9))
    places = {c: queue.position(c, TIERS) for c in ("std-early", "urgent-early", "urgent-late")}
    assert queue.position("imminent-latest", TIERS) == 1
    assert places == {"urgent-early": 2, "urgent-late": 3, "std-early": 4}


def test_position_moves_up_when_someone_ahead_leaves(queue: LiveQueue) -> None:
    for i in range(5):
        queue.enqueue(call(f"c{i}", "urgent", i))
    assert queue.position("c4", TIERS) == 5
    queue.remove("c1")
    assert queue.position("c4", TIERS) == 4
    assert queue.position("c0", TIERS) == 1


def test_depth_counts_each_tier_and_its_oldest_call(queue: LiveQueue) -> None:
    queue.enqueue(call("u1", "urgent", 7))
    queue.enqueue(call("u2", "urgent", 3))
    queue.enqueue(call("s1", "standard", 1))
    assert queue.depth(TIERS) == {
        "imminent": (0, None),
        "urgent": (2, T0 + 3),
        "standard": (1, T0 + 1),
    }


def test_a_tier_the_rules_no_longer_name_is_served_first_and_shown(queue: LiveQueue) -> None:
    queue.enqueue(call("old", "crisis", 10))  # queued under rules since edited
    queue.enqueue(call("imm", "imminent", 0))
    queue.enqueue(call("urg", "urgent", 0))
    assert queue.position("imm", TIERS) == 1, "earlier arrival among the most urgent"
    assert queue.position("old", TIERS) == 2
    assert queue.position("urg", TIERS) == 3
    assert queue.depth(TIERS)["crisis"] == (1, T0 + 10)
    queue.remove("old")
    assert "crisis" not in queue.depth(TIERS)
