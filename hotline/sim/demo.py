"""`hotline demo`: the whole hotline at work, with no Twilio account.

Starts `hotline run` wired to the local Twilio, gives every counselor on the roster a
simulated phone and every overflow number a line, then places a stream of callers
(languages, topics, a few in danger, a few who press nothing) and shows what happens
to them. Counselors' talk times are scaled by `time_scale`; the service's own clock
(relaxation, max_wait) runs in real time.
"""

from __future__ import annotations

import random
import subprocess
import sys
import threading
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field

from hotline.config import Settings, child_environment
from hotline.records.roster import load_roster
from hotline.runtime import Runtime
from hotline.sim import Caller, Leg, Line, Phone, TwilioSim
from hotline.sim.service import stop as stop_service
from hotline.sim.service import wait_healthy

LANGUAGE_KEYS = {"en": "1", "zh": "2", "yue": "3"}
LANGUAGE_MIX = (("en", 0.5), ("zh", 0.3), ("yue", 0.2))
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


@dataclass
class Placed:
    leg: Leg
    tier: str
    language: str


@dataclass
class Tally:
    placed: list[Placed] = field(default_factory=list)

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

    def summary(self) -> list[str]:
        rows = [
            f"{'tier':<10}{'calls':>6}{'answered':>10}{'overflowed':>11}{'hung up':>9}{'errors':>8}"
        ]
        for tier in ("imminent", "urgent", "standard"):
            mine = [p.leg for p in self.placed if p.tier == tier]
            if not mine:
                continue
            count = Counter(leg.outcome for leg in mine)
            errors = sum(1 for leg in mine if leg.errors)
            rows.append(
                f"{tier:<10}{len(mine):>6}{count['answered']:>10}"
                f"{count['overflowed']:>11}{count['hung_up']:>9}{errors:>8}"
            )
        dropped = [
            p for p in self.placed if p.leg.outcome not in ("answered", "overflowed", "hung_up")
        ]
        rows.append(f"calls that ended without a person or their own hang-up: {len(dropped)}")
        return rows


def caller(rng: random.Random, n: int) -> tuple[Caller, str, str]:
    """A caller with a plausible path through the menus, and the tier it leads to."""
    language = rng.choices([c for c, _ in LANGUAGE_MIX], [w for _, w in LANGUAGE_MIX])[0]
    number = f"+1415555{n % 10000:04d}"  # the 555 range is reserved for fiction
    roll = rng.random()
    if roll < 0.05:
        return Caller(number, digits=["9"]), "imminent", language  # in danger now
    if roll < 0.10:
        return Caller(number, digits=[]), "urgent", "en"  # presses nothing at all
    keys = list(TOPIC_MIX)
    topic = rng.choices(keys, [TOPIC_MIX[k][0] for k in keys])[0]
    patience = rng.choice([None, None, None, 2000.0])
    return (
        Caller(number, digits=[LANGUAGE_KEYS[language], topic], patience=patience),
        TOPIC_MIX[topic][1],
        language,
    )


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
    rules = runtime.rules
    for number in {rules.overflow_number(None), *map(rules.overflow_number, rules.languages)}:
        sim.add_line(Line(number, talk_for=600))
    base = f"http://127.0.0.1:{port}"
    env = child_environment(TWILIO_API_URL=sim.api_url, PUBLIC_URL=base, TWILIO_NUMBER=sim.number)
    service = subprocess.Popen(
        [sys.executable, "-m", "hotline.cli", "run", "--port", str(port)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=open(settings.var_dir / "demo-service.log", "ab"),  # noqa: SIM115
    )
    tally = Tally()
    stop = threading.Event()
    try:
        wait_healthy(base, service)
        sim.service_url = base
        show(f"Hotline demo on {base}: simulated callers and counselors; Ctrl-C stops it.\n")
        n = 0
        while not stop.is_set() and (calls is None or n < calls):
            person, tier, language = caller(rng, n)
            tally.placed.append(Placed(sim.place_call(person), tier, language))
            n += 1
            show("\r" + tally.line())
            stop.wait(rng.expovariate(1 / every))
        deadline = time.monotonic() + 600
        shown = ""
        while calls is not None and time.monotonic() < deadline:
            if all(p.leg.finished for p in tally.placed):
                break
            if tally.line() != shown:  # a new line only when something changed
                shown = tally.line()
                show("\r" + shown)
            stop.wait(0.5)
        show("\r" + tally.line() + "\n")
    except KeyboardInterrupt:
        show("\n")
    finally:
        stop_service(service)
        sim.close()
    return tally
