"""Callers for a load run, and what the simulator saw happen to each of them.

Every caller has a number of their own, so all their legs (the call they placed, and a
callback to them) can be found again. They never hang up while waiting: any end other
than a person (a counselor or a backup line) is a dropped caller.
"""

from __future__ import annotations

import itertools
import random
import statistics
from collections import Counter
from dataclasses import dataclass, field

from hotline.devdouble.twilio import Caller, Leg, Line, Phone, TwilioSim

LANGUAGES = (("1", "en", 0.5), ("2", "zh", 0.3), ("3", "yue", 0.2))
TOPICS = ("1", "2", "3", "4", "5", "6", "7")


def make_caller(rng: random.Random, n: int, *, callback_share: float = 0.0) -> Caller:
    """A caller with a plausible path: a language and topic; a few in danger, a few silent,
    and `callback_share` of them press the callback key the first time it is offered."""
    number = f"+1415556{n % 10000:04d}"  # 555 numbers are fiction; one per caller
    roll = rng.random()
    if roll < 0.05:
        return Caller(number, digits=["9"])  # in danger now
    if roll < 0.10:
        return Caller(number, digits=[])  # presses nothing at all
    key = rng.choices([k for k, _, _ in LANGUAGES], [w for _, _, w in LANGUAGES])[0]
    digits = [key, rng.choice(TOPICS)]
    if rng.random() < callback_share:
        digits.append("1")  # the callback key, at the first hold turn that offers it
    return Caller(number, digits=digits)


def add_parties(
    sim: TwilioSim,
    phones: list[str],
    lines: set[str],
    talk: tuple[float, float],
    *,
    long_talk: float | None = None,
    seed: int = 7,
) -> None:
    """Counselors' phones (answer in a second, accept, talk `talk` Twilio seconds; every
    fourth talks `long_talk`) and the backup lines."""
    rng = random.Random(seed)
    for i, number in enumerate(phones):
        seconds = long_talk if long_talk and i % 4 == 3 else rng.uniform(*talk)
        sim.add_phone(Phone(number, accept_key="1", answer_after=1, hang_up_after=seconds))
    for number in lines:
        sim.add_line(Line(number, talk_for=talk[0]))


@dataclass
class Seen:
    """The run as the simulator saw it: outcomes, overlaps, answers and timings."""

    callers: int = 0
    outcomes: Counter[str] = field(default_factory=Counter)
    dropped: list[str] = field(default_factory=list)  # "number: what happened"
    double_booked: list[str] = field(default_factory=list)
    rung_while_talking: int = 0
    webhooks: int = 0
    server_errors: list[str] = field(default_factory=list)  # 5xx or no answer at all
    latencies: list[float] = field(default_factory=list)  # real seconds per webhook
    calls: int = 0  # calls placed to the hotline: each should have one record
    fallbacks: dict[str, str] = field(default_factory=dict)  # leg sid -> its outcome

    def p(self, q: float) -> float:
        ordered = sorted(self.latencies)
        return ordered[min(len(ordered) - 1, int(q * len(ordered)))] if ordered else 0.0

    def figures(self) -> str:
        median = statistics.median(self.latencies) if self.latencies else 0.0
        return (
            f"callers {self.callers}: answered {self.outcomes['answered']}, "
            f"overflowed {self.outcomes['overflowed']}, called back {self.outcomes['callback']}, "
            f"dropped {len(self.dropped)} | webhooks {self.webhooks}: p50 {median * 1e3:.1f} ms, "
            f"p99 {self.p(0.99) * 1e3:.1f} ms, 5xx or unanswered {len(self.server_errors)}, "
            f"calls served by the fallback URL {len(self.fallbacks)} | "
            f"double-booked {len(self.double_booked)}, counselors rung while talking "
            f"{self.rung_while_talking}"
        )


def _talking(leg: Leg, scale: float) -> tuple[float, float] | None:
    """(from, to) in monotonic seconds while this leg was bridged with another party."""
    bridged = leg.events("bridged")
    if not bridged or leg.ended_at is None:
        return None
    return leg.created + bridged[0].at * scale, leg.ended_at


def observe(sim: TwilioSim, callers: list[Caller], phones: list[str]) -> Seen:
    seen = Seen(callers=len(callers))
    legs = sim.calls
    phone_set = set(phones)
    for caller in callers:
        mine = [leg for leg in legs if leg.direction == "inbound" and leg.from_ == caller.number]
        back = [leg for leg in legs if leg.direction == "outbound-api" and leg.to == caller.number]
        placed = mine[0] if mine else None
        if placed is not None and placed.outcome in ("answered", "overflowed"):
            seen.outcomes[placed.outcome] += 1
        elif any(leg.outcome == "answered" and leg.bridged_with in phone_set for leg in back):
            seen.outcomes["callback"] += 1
        else:
            what = placed.outcome if placed else "never placed"
            where = placed.hung_up_in or placed.ended_by if placed else ""
            seen.dropped.append(f"{caller.number}: {what} ({where}), {len(back)} callback legs")
    seen.calls = sum(1 for leg in legs if leg.direction == "inbound")
    scale = sim.time_scale
    for phone in phones:
        talks = sorted(
            (span, leg.sid)
            for leg in legs
            if leg.to == phone and (span := _talking(leg, scale)) is not None
        )
        for (a, sid_a), (b, sid_b) in itertools.pairwise(talks):
            if b[0] < a[1]:
                seen.double_booked.append(f"{phone}: {sid_a} and {sid_b} overlap")
        rings = [leg.created for leg in legs if leg.to == phone]
        seen.rung_while_talking += sum(1 for t in rings if any(a < t < b for (a, b), _ in talks))
    for leg in legs:
        pending: float | None = None
        for event in leg.transcript:
            if event.kind == "request":
                pending = event.at
                if str(event.data["url"]).endswith(sim.paths[2]):
                    seen.fallbacks[leg.sid] = str(leg.outcome)
            elif event.kind == "response" and pending is not None:
                seen.webhooks += 1
                seen.latencies.append((event.at - pending) * scale)
                status = event.data["status"]
                if status >= 500 or status == 0:
                    seen.server_errors.append(f"{leg.sid}: HTTP {status} from {event.data['url']}")
                pending = None
    for callback in sim.status_callbacks:
        seen.webhooks += 1
        if callback.status >= 500 or callback.status == 0:
            seen.server_errors.append(f"status callback: HTTP {callback.status} {callback.url}")
    return seen
