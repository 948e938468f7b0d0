"""Erlang A: the M/M/N+M queue, where callers hang up after an exponential patience.

Erlang C assumes nobody leaves; a crisis line's callers do, and their leaving shortens the
others' waits. Erlang A (Palm's model; Garnett, Mandelbaum & Reiman 2002) takes patience
into account and, unlike Erlang C, stays finite when the load reaches the counselors.

The closed forms (Mandelbaum & Zeltyn's summary of M/M/n+G), with A(x, y) = x e^y y^-x
gamma(x, y) (gamma: the lower incomplete gamma) taken at A = A(n mu/theta, lambda/theta):

    P(wait)              = A E / (1 + (A - 1) E)        E: Erlang B of n lines, load lambda/mu
    P(abandon | wait)    = 1 / (rho A) + 1 - 1 / rho     rho = lambda / (n mu)
    P(abandon)           = P(abandon | wait) P(wait)
    mean wait (all calls) = P(abandon) / theta           (every caller's time on hold)

A(x, y) is summed as the series 1 + y/(x+1) + y^2/((x+1)(x+2)) + ..., which needs neither
the gamma function nor powers that overflow.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import cached_property

from hotline.whatif.erlang import erlang_b

SERIES_LIMIT = 100_000


def a_function(x: float, y: float) -> float:
    """A(x, y) = x e^y y^-x gamma(x, y), for x > 0 and y >= 0."""
    total, term, k = 1.0, 1.0, 0
    while True:
        k += 1
        term *= y / (x + k)
        total += term
        if (term < 1e-16 * total and x + k > y) or k > SERIES_LIMIT:
            return total


@dataclass(frozen=True)
class ErlangA:
    """`servers` counselors; calls at `rate` per second; `handle` and `patience` the mean
    handle time and mean patience, seconds (patience inf: Erlang C's callers)."""

    servers: int
    rate: float
    handle: float
    patience: float

    @property
    def load(self) -> float:
        return self.rate * self.handle

    @cached_property
    def p_wait(self) -> float:
        n, load = self.servers, self.load
        if self.rate <= 0:
            return 0.0
        if n <= 0:
            return 1.0
        blocked = erlang_b(n, load)
        if math.isinf(self.patience):
            if load >= n:
                return 1.0
            return n * blocked / (n - load * (1.0 - blocked))
        a = self._a
        return a * blocked / (1.0 + (a - 1.0) * blocked)

    @cached_property
    def p_abandon(self) -> float:
        """Share of all callers who hang up before an answer."""
        if self.rate <= 0 or math.isinf(self.patience):
            return 0.0
        if self.servers <= 0:
            return 1.0
        rho = self.load / self.servers
        given_wait = 1.0 / (rho * self._a) + 1.0 - 1.0 / rho
        return min(1.0, max(0.0, given_wait)) * self.p_wait

    @property
    def mean_wait(self) -> float:
        """Mean time on hold over all callers (answered or gone); inf for Erlang C overloaded."""
        if math.isinf(self.patience):
            n, load = self.servers, self.load
            if self.rate <= 0:
                return 0.0
            if load >= n:
                return math.inf
            return self.p_wait * self.handle / (n - load)
        return self.p_abandon * self.patience

    @cached_property
    def _a(self) -> float:
        theta = 1.0 / self.patience
        return a_function(self.servers / self.handle / theta, self.rate / theta)
