"""What the simulation assumes about callers and counselors: plain, frozen values.

Every assumption has a default suited to a crisis line and can be set in an arrivals file
(`scenario_file.py`) or built from past call records (`arrivals.profile_from_records`).
"""

from __future__ import annotations

import bisect
import itertools
import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from statistics import NormalDist

from hotline.routing.policy import SPECIALTY_IDS, TIER_NAMES, Rules

HOURS_PER_WEEK = 7 * 24

# Relative calls by local hour of the day: busiest late evening and at night, quietest
# early and mid-morning (the usual shape of a crisis line's traffic).
DAY_SHAPE = (
    1.30, 1.20, 1.05, 0.90, 0.70, 0.55, 0.45, 0.45, 0.50, 0.50, 0.50, 0.55,
    0.65, 0.70, 0.75, 0.80, 0.90, 1.00, 1.10, 1.20, 1.35, 1.45, 1.50, 1.45,
)  # fmt: skip
WEEK_SHAPE = (1.05, 1.0, 1.0, 1.0, 1.0, 1.05, 1.10)  # Monday first; weekends a little busier
DEFAULT_CALLS_PER_DAY = 100.0
DEFAULT_TIERS = {"imminent": 0.08, "urgent": 0.27, "standard": 0.65}
DEFAULT_TOPICS = {
    "suicide": 0.22,
    "domestic_violence": 0.12,
    "relationships": 0.18,
    "youth": 0.08,
    "lgbtq": 0.05,
    "substance_use": 0.10,
    "general": 0.25,
}
DEFAULT_LANGUAGE_SHARE = 0.7  # of calls in the rules' default language; the rest share


@dataclass(frozen=True)
class Mix:
    """Shares of named kinds (tiers, languages, topics), normalised to sum to 1."""

    shares: tuple[tuple[str, float], ...]

    @classmethod
    def of(cls, weights: Mapping[str, float]) -> Mix:
        total = sum(w for w in weights.values() if w > 0)
        if total <= 0:
            raise ValueError("a mix needs at least one positive share")
        return cls(tuple((name, w / total) for name, w in weights.items() if w > 0))

    def pick(self, u: float) -> str:
        """The kind a uniform draw `u` in [0, 1) falls on."""
        cumulative = list(itertools.accumulate(share for _, share in self.shares))
        at = bisect.bisect_right(cumulative, u * cumulative[-1])
        return self.shares[min(at, len(self.shares) - 1)][0]

    def share(self, name: str) -> float:
        return dict(self.shares).get(name, 0.0)


@dataclass(frozen=True)
class ArrivalProfile:
    """Expected calls per hour for each hour of the week (Monday 00:00 local first)."""

    rates: tuple[float, ...]
    tiers: Mix
    languages: Mix
    topics: Mix

    def __post_init__(self) -> None:
        if len(self.rates) != HOURS_PER_WEEK or any(r < 0 for r in self.rates):
            raise ValueError(f"a profile has {HOURS_PER_WEEK} rates, none negative")

    @property
    def calls_per_week(self) -> float:
        return sum(self.rates)


@dataclass(frozen=True)
class CallerModel:
    """Talk time (lognormal) and patience (exponential, mean seconds per tier).

    Patience is per tier because nothing says a caller in danger waits longer: the
    default is the same for every tier. `math.inf` means never hanging up.
    """

    talk_mean: float = 20 * 60.0  # seconds
    talk_sigma: float = 0.6  # of the log; 0.6 gives a coefficient of variation near 0.66
    patience: Mapping[str, float] = field(default_factory=lambda: dict.fromkeys(TIER_NAMES, 300.0))
    callback_take_up: float = 0.5  # of callers offered a callback who take it, not hang up
    callback_reached: float = 0.7  # chance each callback attempt reaches the caller

    def talk(self, u: float) -> float:
        """Talk time for a uniform draw `u` in (0, 1): the lognormal's quantile."""
        mu = math.log(self.talk_mean) - self.talk_sigma**2 / 2
        return math.exp(mu + self.talk_sigma * NormalDist().inv_cdf(u))

    def patience_for(self, tier: str, u: float) -> float:
        """Patience for a uniform draw `u` in [0, 1): the exponential's quantile."""
        mean = self.patience.get(tier, math.inf)
        return math.inf if math.isinf(mean) else -mean * math.log(1.0 - u)


@dataclass(frozen=True)
class CounselorModel:
    """How counselors answer offers; `away_for` is how soon one set away comes back."""

    answer_rate: float = 0.95
    answer_after: tuple[float, float] = (5.0, 15.0)  # seconds: ring, whisper, key
    # The last seconds of answer_after, after the pickup: the whisper and the key (the
    # quickest accept is a pickup at once). A ring timeout cuts only the ringing before
    # them, as Twilio's `timeout` does; the offer waits CLAIM_GRACE more for the key.
    whisper_and_key: float = 5.0
    away_for: float = 15 * 60.0

    @property
    def mean_answer(self) -> float:
        return sum(self.answer_after) / 2


@dataclass(frozen=True)
class Scenario:
    profile: ArrivalProfile
    callers: CallerModel = field(default_factory=CallerModel)
    counselors: CounselorModel = field(default_factory=CounselorModel)
    source: str = "default crisis-line profile"


def default_languages(rules: Rules) -> Mix:
    """Most calls in the default language; the others share the rest equally."""
    others = [code for code in rules.languages if code != rules.default_language]
    if not others:
        return Mix.of({rules.default_language: 1.0})
    rest = (1 - DEFAULT_LANGUAGE_SHARE) / len(others)
    return Mix.of({rules.default_language: DEFAULT_LANGUAGE_SHARE, **dict.fromkeys(others, rest)})


def shaped_rates(calls_per_day: float) -> tuple[float, ...]:
    """The default week shape scaled to `calls_per_day` on average."""
    raw = [day * hour for day in WEEK_SHAPE for hour in DAY_SHAPE]
    scale = calls_per_day * 7 / sum(raw)
    return tuple(r * scale for r in raw)


def default_scenario(rules: Rules, calls_per_day: float = DEFAULT_CALLS_PER_DAY) -> Scenario:
    profile = ArrivalProfile(
        rates=shaped_rates(calls_per_day),
        tiers=Mix.of({t: DEFAULT_TIERS[t] for t in TIER_NAMES if t in rules.tiers}),
        languages=default_languages(rules),
        topics=Mix.of({t: DEFAULT_TOPICS[t] for t in SPECIALTY_IDS}),
    )
    return Scenario(profile, source=f"default crisis-line profile, {calls_per_day:g} calls/day")
