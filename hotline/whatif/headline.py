"""The headline of a what-if: each tier's figures beside the pooled ideal's on the same calls.

A caller "hangs up" when their patience runs out before an answer: they leave the line,
some of them after asking for a callback. The expected hang-ups come from the waits alone:
for exponential patience each second on hold ends in a hang-up with chance 1 / mean
patience (Erlang A's P(abandon) = theta x E[wait]), whatever ended the wait. The simulated
hang-ups are events of the run; the two agreeing checks the simulation's impatience.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

from hotline.whatif.engine import Outcome
from hotline.whatif.run import ALL, HUNG_UP, Run, delay, mean, ratio, waited

SHORT_HANG_UP = 5.0  # seconds: a hang-up this soon is left out of the second service level


@dataclass(frozen=True)
class Measures:
    calls: int
    service_level: float | None  # answered within target, of all calls
    service_level_short_out: float | None  # the same, hang-ups under 5 s left out
    p_wait: float | None  # share not offered to a counselor the moment they joined
    asa: float | None  # mean wait of the answered (average speed of answer), seconds
    mean_wait: float | None  # on hold, until answered or gone, every caller
    hung_up: int  # patience ran out before an answer
    expected_hung_up: float  # sum of waits / the tier's mean patience

    @property
    def abandoned_share(self) -> float | None:
        return self.hung_up / self.calls if self.calls else None

    @property
    def expected_abandoned_share(self) -> float | None:
        return self.expected_hung_up / self.calls if self.calls else None


@dataclass(frozen=True)
class TierHeadline:
    tier: str  # a tier name, or "all"
    target: int | None  # answer_within, seconds (None for all: each its own)
    rules: Measures
    ideal: Measures
    erlang_a_p_wait: float | None  # each call's hour, pooled, patience as simulated
    erlang_c_p_wait: float | None  # the same, nobody hanging up

    @property
    def service_level_ratio(self) -> float | None:
        return ratio(self.rules.service_level, self.ideal.service_level)

    @property
    def p_wait_ratio(self) -> float | None:
        return ratio(self.rules.p_wait, self.ideal.p_wait)


def measures(run: Run, calls: Sequence[Outcome]) -> Measures:
    answered = [o for o in calls if o.result == "answered"]
    in_time = sum(1 for o in answered if waited(o) <= run.target(o))
    short = sum(1 for o in calls if o.result in HUNG_UP and waited(o) < SHORT_HANG_UP)
    kept = len(calls) - short
    patience = run.patience
    return Measures(
        calls=len(calls),
        service_level=in_time / len(calls) if calls else None,
        service_level_short_out=in_time / kept if kept else None,
        p_wait=mean([1.0 if delay(o) > 1e-6 else 0.0 for o in calls]),
        asa=mean([waited(o) for o in answered]),
        mean_wait=mean([waited(o) for o in calls]),
        hung_up=sum(1 for o in calls if o.result in HUNG_UP),
        expected_hung_up=sum(
            waited(o) / patience[o.caller.tier]
            for o in calls
            if not math.isinf(patience.get(o.caller.tier, math.inf))
        ),
    )


def headline(run: Run, ideal: Run, tier: str) -> TierHeadline:
    """`run` and `ideal` simulated the same callers; `tier` a tier name or "all"."""

    def mine(r: Run) -> list[Outcome]:
        return [o for o in r.outcomes if tier == ALL or o.caller.tier == tier]

    calls = mine(run)
    return TierHeadline(
        tier=tier,
        target=run.rules.tiers[tier].answer_within if tier in run.rules.tiers else None,
        rules=measures(run, calls),
        ideal=measures(ideal, mine(ideal)),
        erlang_a_p_wait=mean([run.erlang_a[o.caller.hour].p_wait for o in calls]),
        erlang_c_p_wait=mean([run.queue(o).p_wait for o in calls]),
    )
