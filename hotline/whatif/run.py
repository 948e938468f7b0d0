"""A finished simulation as the summaries read it, and the few measures they share."""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from hotline.routing.policy import Rules
from hotline.whatif.engine import Desk, Outcome
from hotline.whatif.erlang import Queue
from hotline.whatif.erlang_a import ErlangA

ALL = "all"
HUNG_UP = ("abandoned", "callback")  # patience ran out: gone, or asked to be called back


def mean(values: Sequence[float]) -> float | None:
    return sum(values) / len(values) if values else None


def p90(values: Sequence[float]) -> float | None:
    if not values:
        return None
    ordered = sorted(values)
    return ordered[max(0, math.ceil(0.9 * len(ordered)) - 1)]


def ratio(a: float | None, b: float | None) -> float | None:
    return a / b if a is not None and b is not None and b > 0 else None


def waited(o: Outcome) -> float:
    assert o.left_at is not None, "the run sets left_at for every caller"
    return o.left_at - o.caller.at


def delay(o: Outcome) -> float:
    """Time in the queue before the offer that was answered (or before they left the line):
    the wait Erlang C counts, as ringing is part of the handle time there."""
    if o.result == "answered" and o.offered_at is not None:
        return o.offered_at - o.caller.at
    return waited(o)


@dataclass(frozen=True)
class Run:
    """What a finished simulation hands to the summary."""

    rules: Rules
    outcomes: Sequence[Outcome]
    desks: Sequence[Desk]
    queues: Sequence[Queue]  # Erlang C, one per simulated hour
    local_hours: Sequence[int]  # local hour of the day of each simulated hour
    agents: Sequence[float]  # counselors on shift, average, per simulated hour
    handle: float
    handle_cv: float
    erlang_a: Sequence[ErlangA]  # Erlang A, one per simulated hour
    patience: Mapping[str, float]  # mean patience per tier, seconds (inf: never hangs up)
    offers: int = 0

    def target(self, o: Outcome) -> int:
        return self.rules.tier_for(o.caller.tier).answer_within

    def queue(self, o: Outcome) -> Queue:
        return self.queues[o.caller.hour]
