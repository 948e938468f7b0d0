"""Hour by hour (local hour of the day, over the days run): the simulation beside Erlang C and
Erlang A for the same load and counselors on shift, all pooled.

Erlang A takes the callers' mean patience (its rate averaged over the tiers' mix), so unlike
Erlang C it stays finite in an hour whose load reaches the counselors on shift.
"""

from __future__ import annotations

from dataclasses import dataclass

import hotline.whatif.bound as bound
from hotline.whatif.run import HUNG_UP, Run, delay, mean, waited


@dataclass(frozen=True)
class HourFigures:
    hour: int  # local hour of the day
    calls: int
    mean_wait: float | None  # simulated, on hold
    service_level: float | None
    agents: float  # counselors on shift, average
    erlang_mean_wait: float | None  # Erlang C; None if every such hour was overloaded
    queue_wait: float | None  # simulated: until the counselor who answered was rung
    p_wait: float | None  # simulated: not offered at once
    hung_up: float | None  # simulated: share whose patience ran out
    erlang_p_wait: float | None  # Erlang C
    erlang_a_p_wait: float | None
    erlang_a_p_abandon: float | None
    erlang_a_mean_wait: float | None  # over all calls, those who hang up included


def hour_figures(run: Run) -> tuple[HourFigures, ...]:
    out = []
    for hour in range(24):
        calls = [o for o in run.outcomes if run.local_hours[o.caller.hour] == hour]
        slots = [h for h, local in enumerate(run.local_hours) if local == hour]
        answered = [o for o in calls if o.result == "answered" and waited(o) <= run.target(o)]
        models = [run.erlang_a[o.caller.hour] for o in calls]
        out.append(
            HourFigures(
                hour=hour,
                calls=len(calls),
                mean_wait=mean([waited(o) for o in calls]),
                service_level=len(answered) / len(calls) if calls else None,
                agents=mean([run.agents[h] for h in slots]) or 0.0,
                erlang_mean_wait=bound.mean_wait(run.queue(o) for o in calls),
                queue_wait=mean([delay(o) for o in calls]),
                p_wait=mean([1.0 if delay(o) > 1e-6 else 0.0 for o in calls]),
                hung_up=mean([1.0 if o.result in HUNG_UP else 0.0 for o in calls]),
                erlang_p_wait=bound.p_wait(run.queue(o) for o in calls),
                erlang_a_p_wait=mean([m.p_wait for m in models]),
                erlang_a_p_abandon=mean([m.p_abandon for m in models]),
                erlang_a_mean_wait=mean([m.mean_wait for m in models]),
            )
        )
    return tuple(out)
