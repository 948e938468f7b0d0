"""Erlang C: the M/M/N queue's waits, the textbook bound a routed queue is measured against.

Computed through the Erlang B recursion, which stays finite for hundreds of agents where
the factorial formula overflows.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import cached_property


def erlang_b(servers: int, load: float) -> float:
    """Blocking probability of `servers` lines offered `load` Erlangs (M/M/N/N)."""
    if servers < 0 or load < 0:
        raise ValueError("servers and load must not be negative")
    blocked = 1.0
    for n in range(1, servers + 1):
        blocked = load * blocked / (n + load * blocked)
    return blocked


def erlang_c(servers: int, load: float) -> float:
    """Probability that a call waits at all; 1.0 when the load reaches the servers."""
    if servers <= 0 or load >= servers:
        return 1.0
    if load <= 0:
        return 0.0
    blocked = erlang_b(servers, load)
    return servers * blocked / (servers - load * (1.0 - blocked))


@dataclass(frozen=True)
class Queue:
    """An M/M/N queue: `load` Erlangs (arrival rate x mean handle time) on `servers` agents."""

    servers: int
    load: float
    handle: float  # mean handle time, seconds

    @property
    def stable(self) -> bool:
        return self.load < self.servers

    @cached_property
    def p_wait(self) -> float:
        return erlang_c(self.servers, self.load)

    @property
    def mean_wait(self) -> float:
        """Mean wait over all calls (those answered at once count 0); inf when unstable."""
        if not self.stable:
            return math.inf
        return self.p_wait * self.handle / (self.servers - self.load)

    def service_level(self, within: float) -> float:
        """Share of calls whose wait is at most `within` seconds."""
        if not self.stable:
            return 0.0
        rate = (self.servers - self.load) / self.handle
        return 1.0 - self.p_wait * math.exp(-rate * within)
