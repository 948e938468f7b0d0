"""Erlang C for the same offered load, hour by hour, with every counselor on shift pooled.

Each simulated hour is taken as an M/M/N queue in steady state (the pointwise stationary
approximation): the hour's expected arrivals, the mean handle time (talk + wrap-up +
ringing), and N = the counselors on shift in that hour, one who works any part of it
counted whole. That is a best case: one pool, no language or specialty to match, no missed
offers. An hour whose load reaches N has no finite Erlang C wait (it is overloaded): its
calls count as all waiting and none within target, and are left out of the mean waits.
Figures over a set of calls average the bound of the hour each call arrived in.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence

from hotline.whatif.erlang import Queue


def hourly_queues(rates: Sequence[float], agents: Sequence[float], handle: float) -> list[Queue]:
    """One queue per hour: `rates` calls expected, `agents` on shift on average."""
    return [
        Queue(math.ceil(n - 1e-9), rate * handle / 3600, handle)
        for rate, n in zip(rates, agents, strict=True)
    ]


def p_wait(queues: Iterable[Queue]) -> float | None:
    values = [q.p_wait for q in queues]
    return sum(values) / len(values) if values else None


def service_level(pairs: Iterable[tuple[Queue, float]]) -> float | None:
    """Mean over calls of P(wait <= target), each call as (its hour's queue, its target)."""
    values = [q.service_level(target) for q, target in pairs]
    return sum(values) / len(values) if values else None


def mean_wait(queues: Iterable[Queue]) -> float | None:
    """Over the calls in hours that are not overloaded."""
    values = [q.mean_wait for q in queues if q.stable]
    return sum(values) / len(values) if values else None
