"""The console's queue in brief, from plain values: callers on the line per tier in the
counselor's languages, and a caller in danger in any language."""

from __future__ import annotations

from pathlib import Path

from hotline.console.desk import TierWaiting, queue_brief
from hotline.console.queue_brief import Queued
from hotline.routing.rules import load_rules

RULES = load_rules(Path(__file__).resolve().parents[3] / "routing_rules.yaml")
AT = 10_000.0


def _call(tier: str, language: str, waited: float, *, callback: bool = False) -> Queued:
    return Queued(f"{tier}-{language}-{waited}", tier, language, AT - waited, callback)


def test_each_tier_counts_my_languages_with_its_longest_wait_most_urgent_first() -> None:
    calls = [
        _call("urgent", "en", 227),
        _call("urgent", "zh", 40),
        _call("urgent", "yue", 500),  # not my language: not counted
        _call("standard", "zh", 12),
    ]
    brief = queue_brief(RULES, calls, frozenset({"en", "zh"}), at=AT)
    assert brief.tiers == (
        TierWaiting("imminent", 0, None),
        TierWaiting("urgent", 2, 227),
        TierWaiting("standard", 1, 12),
    )
    assert (brief.danger_waiting, brief.danger_longest_seconds) == (0, None)


def test_a_caller_in_danger_counts_in_any_language() -> None:
    calls = [_call("imminent", "yue", 95), _call("imminent", "en", 3)]
    brief = queue_brief(RULES, calls, frozenset({"en"}), at=AT)
    assert (brief.danger_tier, brief.danger_waiting, brief.danger_longest_seconds) == (
        "imminent",
        2,
        95,
    )
    assert brief.tiers[0] == TierWaiting("imminent", 1, 3)


def test_a_call_back_has_nobody_on_the_line_and_is_not_counted() -> None:
    calls = [_call("imminent", "en", 60, callback=True), _call("urgent", "en", 60, callback=True)]
    brief = queue_brief(RULES, calls, frozenset({"en"}), at=AT)
    assert brief.danger_waiting == 0
    assert [t.waiting for t in brief.tiers] == [0, 0, 0]
