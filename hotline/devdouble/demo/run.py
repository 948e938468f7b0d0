"""`hotline demo`: the whole hotline at work, with no Twilio account.

Starts `hotline run` wired to the Twilio double, gives every counselor on the roster a
simulated phone (and a desk that files wrap-ups) and every overflow number a line, then
places a stream of callers (`callers.py`) and shows what happens to them (`tally.py`),
refreshed every second. Counselors' talk times are scaled by `time_scale`; the
service's own clock (shifts, relaxation, max_wait) runs in real time.
"""

from __future__ import annotations

import random
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field

from hotline.accounts.service import ensure_demo_users
from hotline.config import Settings, child_environment
from hotline.devdouble.demo.callers import DAY_MINUTES, DemoClock, caller
from hotline.devdouble.demo.desks import Desks
from hotline.devdouble.demo.tally import Placed, Tally, View
from hotline.devdouble.process import stop as stop_service
from hotline.devdouble.process import wait_healthy
from hotline.devdouble.twilio import Line, Phone, TwilioSim
from hotline.routing.rules import Rules
from hotline.runtime import Runtime
from hotline.staffing.roster import load_roster

REFRESH = 1.0  # seconds between two views
CALLS_WAIT = 600.0  # seconds the end of a demo waits for its last calls to end
NOTES_WAIT = 30.0  # seconds the end of a demo waits for the counselors' last wrap-ups


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


@dataclass
class _Screen:
    """The live view on the demo clock, redrawn between two waits."""

    tally: Tally
    view: View
    clock: DemoClock
    pause: threading.Event = field(default_factory=threading.Event)  # never set: Ctrl-C ends it

    def refresh(self, wait: float) -> None:
        self.view.draw(self.tally, self.clock)
        self.pause.wait(wait)


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
    rng = random.Random(seed)
    sim = _twilio_double(settings, runtime, rng, time_scale=time_scale, seed=seed)
    accounts = ensure_demo_users(runtime)
    base = f"http://127.0.0.1:{port}"
    service = _start_hotline(settings, sim, base=base, port=port)
    targets = {name: float(tier.answer_within) for name, tier in runtime.rules.tiers.items()}
    tally = Tally(sim=sim, targets=targets)
    counselors = [(name, password) for name, password, role in accounts if role == "counselor"]
    desks = Desks(base, counselors, time_scale=time_scale, seed=seed)
    view = View(show, live=sys.stdout.isatty())
    try:
        wait_healthy(base, service)
        sim.service_url = base
        desks.start()
        show(f"Dashboard: {base}/  (Ctrl-C stops the demo)\nSign in as (name / password):\n")
        show("".join(f"{line}\n" for line in sign_in_lines(accounts)))
        screen = _Screen(tally, view, DemoClock(day_minutes))
        _place_calls(screen, sim, rng, calls=calls, every=every)
        if calls is not None:
            _wait_for_the_end(screen, desks)
        view.close(tally)
    except KeyboardInterrupt:
        show("\n")
    finally:
        desks.close()
        tally.wrap_ups = desks.filed
        stop_service(service)
        sim.close()
    return tally


def _twilio_double(
    settings: Settings, runtime: Runtime, rng: random.Random, *, time_scale: float, seed: int
) -> TwilioSim:
    """The double with a phone for every counselor on the roster (each answers after a few
    seconds and presses the accept key) and a line for every overflow number."""
    token = settings.twilio_auth_token.reveal() if settings.twilio_auth_token else ""
    sim = TwilioSim(
        account_sid=settings.twilio_account_sid, auth_token=token, time_scale=time_scale, seed=seed
    )
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
    return sim


def _start_hotline(
    settings: Settings, sim: TwilioSim, *, base: str, port: int
) -> subprocess.Popen[bytes]:
    """`hotline run` in a child process, wired to the double; its log goes under var/."""
    env = child_environment(TWILIO_API_URL=sim.api_url, PUBLIC_URL=base, TWILIO_NUMBER=sim.number)
    with open(settings.var_dir / "demo-service.log", "ab") as log:  # the child keeps its copy
        return subprocess.Popen(
            [sys.executable, "-m", "hotline.cli", "run", "--port", str(port)],
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=log,
        )


def _place_calls(
    screen: _Screen, sim: TwilioSim, rng: random.Random, *, calls: int | None, every: float
) -> None:
    """Callers as a Poisson stream on the demo clock, until `calls` are placed (or Ctrl-C)."""
    n, next_call = 0, time.monotonic()
    while calls is None or n < calls:
        if time.monotonic() >= next_call:
            person, tier, language, wants_callback = caller(rng, n)
            placed = Placed(sim.place_call(person), tier, language, wants_callback)
            screen.tally.placed.append(placed)
            n += 1
            next_call += screen.clock.next_gap(rng, every)
        screen.refresh(max(0.0, min(next_call - time.monotonic(), REFRESH)))


def _wait_for_the_end(screen: _Screen, desks: Desks) -> None:
    """Until every placed call has ended (at most CALLS_WAIT), then until the counselors
    have filed the answered calls' notes (at most NOTES_WAIT), so the summary counts them."""
    placed = screen.tally.placed
    deadline = time.monotonic() + CALLS_WAIT
    while time.monotonic() < deadline and not all(p.leg.finished for p in placed):
        screen.refresh(REFRESH / 2)
    notes = time.monotonic() + NOTES_WAIT
    answered = sum(1 for p in placed if p.leg.outcome == "answered")
    while desks.filed < answered and time.monotonic() < notes:
        screen.pause.wait(REFRESH / 2)
