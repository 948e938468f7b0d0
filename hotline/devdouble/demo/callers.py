"""Who calls in the demo, and when: the mix of languages and topics, the few in danger,
the few who press nothing or ask to be called back, and a day's rhythm.

Calls arrive as a Poisson stream whose rate follows the hour of the day (busiest in the
evening and at night, as crisis lines are) on a demo clock that starts at this hour and
runs a day in DAY_MINUTES minutes.
"""

from __future__ import annotations

import datetime as dt
import random
import time
from dataclasses import dataclass, field

from hotline.devdouble.twilio import Caller

LANGUAGE_KEYS = {"en": "1", "zh": "2", "yue": "3", "wuu": "4"}
LANGUAGE_MIX = (("en", 0.45), ("zh", 0.27), ("yue", 0.18), ("wuu", 0.10))
# topic key -> (share of callers, tier the menus give it)
TOPIC_MIX = {
    "1": (0.30, "urgent"),
    "2": (0.12, "standard"),
    "3": (0.25, "standard"),
    "4": (0.10, "standard"),
    "5": (0.05, "standard"),
    "6": (0.08, "standard"),
    "7": (0.10, "standard"),
}
CALLBACK_SHARE = 0.08  # callers who press the callback key when it is offered
# Relative call volume by hour of the day: quiet in the morning, busiest from evening
# into the small hours.
BY_HOUR = (
    *(1.5, 1.4, 1.2, 1.0, 0.7, 0.5, 0.4, 0.4, 0.5, 0.6, 0.7, 0.7),  # 00:00 to 11:00
    *(0.8, 0.8, 0.8, 0.9, 0.9, 1.0, 1.2, 1.4, 1.6, 1.8, 1.8, 1.7),  # 12:00 to 23:00
)
DAY_MINUTES = 24.0  # a demo day: an hour of calls in a minute


@dataclass
class DemoClock:
    """The hour the arrivals follow: starts at this local time, a day in `day_minutes`."""

    day_minutes: float = DAY_MINUTES
    start: float = field(default_factory=time.monotonic)
    start_hour: float = field(
        default_factory=lambda: dt.datetime.now().hour + dt.datetime.now().minute / 60
    )

    def hour(self, at: float | None = None) -> float:
        elapsed = (time.monotonic() if at is None else at) - self.start
        return (self.start_hour + elapsed * 24 / (self.day_minutes * 60)) % 24

    def weight(self, at: float | None = None) -> float:
        return BY_HOUR[int(self.hour(at))] / (sum(BY_HOUR) / 24)

    def next_gap(self, rng: random.Random, every: float, at: float | None = None) -> float:
        """Seconds from `at` (now) to the next call: a Poisson stream thinned to the hour's
        rate, so the mean gap over a whole day is `every`."""
        peak = max(BY_HOUR) / (sum(BY_HOUR) / 24)
        gap, now = 0.0, time.monotonic() if at is None else at
        while True:
            gap += rng.expovariate(peak / every)
            if rng.random() * peak <= self.weight(now + gap):
                return gap


def caller(rng: random.Random, n: int) -> tuple[Caller, str, str, bool]:
    """A caller with a plausible path through the menus, the tier it leads to, and whether
    they will press the callback key when it is offered."""
    language = rng.choices([c for c, _ in LANGUAGE_MIX], [w for _, w in LANGUAGE_MIX])[0]
    number = f"+1415555{n % 10000:04d}"  # the 555 range is reserved for fiction
    roll = rng.random()
    if roll < 0.05:
        return Caller(number, digits=["9"]), "imminent", language, False  # in danger now
    if roll < 0.10:
        return Caller(number, digits=[]), "urgent", "en", False  # presses nothing at all
    keys = list(TOPIC_MIX)
    topic = rng.choices(keys, [TOPIC_MIX[k][0] for k in keys])[0]
    digits = [LANGUAGE_KEYS[language], topic]
    wants_callback = rng.random() < CALLBACK_SHARE
    if wants_callback:
        digits.append("1")  # the callback key, the first time it is offered
    patience = None if wants_callback else rng.choice([None, None, None, 2000.0])
    return (
        Caller(number, digits=digits, patience=patience),
        TOPIC_MIX[topic][1],
        language,
        wants_callback,
    )
