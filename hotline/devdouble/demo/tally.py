"""What the demo shows: each placed call's fate per tier, the service level, the
callbacks, and the view that redraws it every second (or a line per change)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field

from hotline.devdouble.demo.callers import DemoClock
from hotline.devdouble.twilio import Leg, TwilioSim

TIERS = ("imminent", "urgent", "standard")


@dataclass
class Placed:
    leg: Leg
    tier: str
    language: str
    wants_callback: bool = False


@dataclass
class Tally:
    placed: list[Placed] = field(default_factory=list)
    sim: TwilioSim | None = None
    targets: dict[str, float] = field(default_factory=dict)  # tier -> answer_within
    wrap_ups: int = 0  # wrap-ups the demo's counselors wrote before the timer ran out

    def line(self) -> str:
        legs = [p.leg for p in self.placed]
        phases = Counter(leg.phase for leg in legs if not leg.finished)
        outcomes = Counter(leg.outcome for leg in legs if leg.finished)
        other = sum(outcomes.values()) - sum(
            outcomes[k] for k in ("answered", "overflowed", "hung_up")
        )
        return (
            f"placed {len(legs):>3} | menus {phases['ivr']:>2} holding {phases['hold']:>2} "
            f"talking {phases['talk']:>2} | answered {outcomes['answered']:>3} "
            f"overflowed {outcomes['overflowed']:>2} hung up {outcomes['hung_up']:>2} "
            f"other {other:>2}"
        )

    def called_back(self) -> set[str]:
        """Numbers of callers who were rung back and talked to a counselor."""
        legs = self.sim.calls if self.sim else []
        callers = {p.leg.from_ for p in self.placed}
        return {
            leg.to
            for leg in legs
            if leg.direction == "outbound-api" and leg.to in callers and leg.partners
        }

    def view(self, clock: DemoClock) -> list[str]:
        """The live view: who waits and talks per tier, how calls ended, service level."""
        hour = clock.hour()
        rows = [
            f"demo clock {int(hour):02d}:{int(hour % 1 * 60):02d}  calls now x{clock.weight():.1f}"
            f" the day's average  |  placed {len(self.placed)}",
            f"{'':<10}{'waiting':>8}{'talking':>8}{'answered':>9}{'overflowed':>11}"
            f"{'hung up':>8}{'service level':>15}",
        ]
        for tier in TIERS:
            mine = [p.leg for p in self.placed if p.tier == tier]
            live = Counter(leg.phase for leg in mine if not leg.finished)
            ended = Counter(leg.outcome for leg in mine if leg.finished)
            rows.append(
                f"{tier:<10}{live['hold']:>8}{live['talk']:>8}{ended['answered']:>9}"
                f"{ended['overflowed']:>11}{ended['hung_up']:>8}"
                f"{self.service_level(tier):>15}"
            )
        asked = sum(1 for p in self.placed if asked_callback(p.leg))
        rows.append(f"callbacks: asked {asked}, done {len(self.called_back())}")
        return rows

    def service_level(self, tier: str) -> str:
        """Calls answered within the tier's answer_within, of those that have waited it
        out or ended; '-' before there are any."""
        target = self.targets.get(tier)
        if target is None:
            return "-"
        met = due = 0
        for placed in (p for p in self.placed if p.tier == tier):
            waited = wait_seconds(placed.leg)
            if waited is None:
                continue
            answered = placed.leg.outcome == "answered"
            if answered or placed.leg.finished or waited > target:
                due += 1
                met += answered and waited <= target
        return f"{100 * met / due:.0f}% of {due}" if due else "-"

    def summary(self) -> list[str]:
        rows = [
            f"{'tier':<10}{'calls':>6}{'answered':>10}{'overflowed':>11}{'hung up':>9}"
            f"{'errors':>8}{'service level':>16}"
        ]
        for tier in TIERS:
            mine = [p.leg for p in self.placed if p.tier == tier]
            if not mine:
                continue
            count = Counter(leg.outcome for leg in mine)
            errors = sum(1 for leg in mine if leg.errors)
            rows.append(
                f"{tier:<10}{len(mine):>6}{count['answered']:>10}"
                f"{count['overflowed']:>11}{count['hung_up']:>9}{errors:>8}"
                f"{self.service_level(tier):>16}"
            )
        asked = [p for p in self.placed if asked_callback(p.leg)]
        done = self.called_back()
        rows.append(
            f"callbacks asked: {len(asked)}, called back so far: "
            f"{sum(1 for p in asked if p.leg.from_ in done)}"
        )
        dropped = [
            p
            for p in self.placed
            if p.leg.outcome not in ("answered", "overflowed", "hung_up")
            and not asked_callback(p.leg)
        ]
        rows.append(f"calls that ended without a person or their own hang-up: {len(dropped)}")
        rows.append(f"wrap-ups written, then back to taking calls: {self.wrap_ups}")
        return rows


def wait_seconds(leg: Leg) -> float | None:
    """Real seconds from joining the queue (the last answer before the first hold turn)
    until a person answered, or until now / the end; None if it never queued."""
    events = leg.transcript
    first_hold = next(
        (i for i, e in enumerate(events) if e.kind == "request" and "/voice/hold" in e.data["url"]),
        None,
    )
    if first_hold is None:
        return None
    queued = next((e.at for e in reversed(events[:first_hold]) if e.kind == "response"), None)
    bridged = leg.events("bridged")
    if queued is None:
        return None
    end = bridged[0].at if bridged else (leg.sim_seconds(until=leg.ended_at))
    return max(0.0, end - queued) * leg.time_scale


def asked_callback(leg: Leg) -> bool:
    """The caller pressed the callback key on hold and was let go to wait for the call."""
    return leg.outcome not in ("answered", "overflowed") and any(
        e.kind == "request" and "/voice/hold" in e.data["url"] and "Digits" in e.data["params"]
        for e in leg.transcript
    )


class View:
    """In a terminal, the table redrawn in place every second; else a line per change."""

    def __init__(self, show: Callable[[str], None], *, live: bool) -> None:
        self.show, self.live = show, live
        self.height = 0
        self.shown = ""

    def draw(self, tally: Tally, clock: DemoClock) -> None:
        if not self.live:
            if tally.line() != self.shown:  # a new line only when something changed
                self.shown = tally.line()
                self.show("\r" + self.shown)
            return
        rows = tally.view(clock)
        up = f"\x1b[{self.height}F" if self.height else ""
        self.show(up + "".join(f"\x1b[2K{row}\n" for row in rows))
        self.height = len(rows)

    def close(self, tally: Tally) -> None:
        if not self.live:
            self.show("\r" + tally.line() + "\n")
