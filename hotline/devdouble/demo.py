"""`hotline demo`: the whole hotline at work, with no Twilio account.

Starts `hotline run` wired to the local Twilio, gives every counselor on the roster a
simulated phone and every overflow number a line, then places a stream of callers
(languages, topics, a few in danger, a few who press nothing, a few who ask to be
called back) and shows what happens to them, refreshed every second.

Calls arrive as a Poisson stream whose rate follows the hour of the day (busiest in
the evening and at night, as crisis lines are) on a demo clock that starts at this
hour and runs a day in DAY_MINUTES minutes; `every` is the mean gap over a whole day.
Counselors' talk times are scaled by `time_scale`; the service's own clock (shifts,
relaxation, max_wait) runs in real time.
"""

from __future__ import annotations

import datetime as dt
import random
import subprocess
import sys
import threading
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field

from hotline.accounts.service import ensure_demo_users
from hotline.config import Settings, child_environment
from hotline.devdouble.desks import Desks
from hotline.devdouble.process import stop as stop_service
from hotline.devdouble.process import wait_healthy
from hotline.devdouble.twilio import Caller, Leg, Line, Phone, TwilioSim
from hotline.routing.rules import Rules
from hotline.runtime import Runtime
from hotline.staffing.roster import load_roster

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
TIERS = ("imminent", "urgent", "standard")
CALLBACK_SHARE = 0.08  # callers who press the callback key when it is offered
# Relative call volume by hour of the day: quiet in the morning, busiest from evening
# into the small hours.
BY_HOUR = (
    *(1.5, 1.4, 1.2, 1.0, 0.7, 0.5, 0.4, 0.4, 0.5, 0.6, 0.7, 0.7),  # 00:00 to 11:00
    *(0.8, 0.8, 0.8, 0.9, 0.9, 1.0, 1.2, 1.4, 1.6, 1.8, 1.8, 1.7),  # 12:00 to 23:00
)
DAY_MINUTES = 24.0  # a demo day: an hour of calls in a minute
REFRESH = 1.0  # seconds between two views
NOTES_WAIT = 30.0  # seconds the end of a demo waits for the counselors' last wrap-ups


@dataclass
class Placed:
    leg: Leg
    tier: str
    language: str
    wants_callback: bool = False


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


def sign_in_lines(users: list[tuple[str, str, str]]) -> list[str]:
    """The demo's sign-ins for the console and dashboard, one line per role."""
    lines = []
    for role in ("supervisor", "admin", "counselor"):
        mine = [f"{name} / {password}" for name, password, r in users if r == role]
        if mine:
            lines.append(f"  {role + ':':<12}" + ", ".join(mine))
    return lines


def _lines(rules: Rules) -> set[str]:
    return {rules.overflow_number(None), *map(rules.overflow_number, rules.languages)}


def run_demo(
    settings: Settings,
    runtime: Runtime,
    *,
    port: int,
    calls: int | None,
    every: float,
    time_scale: float,
    seed: int,
    show: Callable[[str], None],
    day_minutes: float = DAY_MINUTES,
) -> Tally:
    """Run until `calls` have been placed and finished (or until Ctrl-C when None)."""
    token = settings.twilio_auth_token.reveal() if settings.twilio_auth_token else ""
    sim = TwilioSim(
        account_sid=settings.twilio_account_sid, auth_token=token, time_scale=time_scale, seed=seed
    )
    rng = random.Random(seed)
    for row in load_roster(runtime.sessions):
        sim.add_phone(
            Phone(
                row.phone,
                accept_key="1",
                answer_after=rng.uniform(2, 10),
                hang_up_after=rng.uniform(300, 1200),
            )
        )
    for number in _lines(runtime.rules):
        sim.add_line(Line(number, talk_for=600))
    accounts = ensure_demo_users(runtime)
    sign_ins = sign_in_lines(accounts)
    base = f"http://127.0.0.1:{port}"
    env = child_environment(TWILIO_API_URL=sim.api_url, PUBLIC_URL=base, TWILIO_NUMBER=sim.number)
    service = subprocess.Popen(
        [sys.executable, "-m", "hotline.cli", "run", "--port", str(port)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=open(settings.var_dir / "demo-service.log", "ab"),  # noqa: SIM115
    )
    targets = {name: float(tier.answer_within) for name, tier in runtime.rules.tiers.items()}
    tally = Tally(sim=sim, targets=targets)
    view = View(show, live=sys.stdout.isatty())
    stop = threading.Event()
    desks = Desks(
        base,
        [(name, password) for name, password, role in accounts if role == "counselor"],
        time_scale=time_scale,
        seed=seed,
    )
    try:
        wait_healthy(base, service)
        sim.service_url = base
        desks.start()
        show(f"Dashboard: {base}/  (Ctrl-C stops the demo)\nSign in as (name / password):\n")
        show("".join(f"{line}\n" for line in sign_ins))
        clock = DemoClock(day_minutes)
        n, next_call = 0, time.monotonic()
        while not stop.is_set() and (calls is None or n < calls):
            if time.monotonic() >= next_call:
                person, tier, language, wants_callback = caller(rng, n)
                tally.placed.append(Placed(sim.place_call(person), tier, language, wants_callback))
                n += 1
                next_call += clock.next_gap(rng, every)
            view.draw(tally, clock)
            stop.wait(max(0.0, min(next_call - time.monotonic(), REFRESH)))
        deadline = time.monotonic() + 600
        while calls is not None and time.monotonic() < deadline:
            if all(p.leg.finished for p in tally.placed):
                break
            view.draw(tally, clock)
            stop.wait(REFRESH / 2)
        notes = time.monotonic() + NOTES_WAIT  # the last calls' notes, before the summary
        answered = sum(1 for p in tally.placed if p.leg.outcome == "answered")
        while calls is not None and desks.filed < answered and time.monotonic() < notes:
            stop.wait(REFRESH / 2)
        view.close(tally)
    except KeyboardInterrupt:
        show("\n")
    finally:
        desks.close()
        tally.wrap_ups = desks.filed
        stop_service(service)
        sim.close()
    return tally


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
