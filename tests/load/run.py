"""One load run: a cluster takes a stream of simulated callers while a chaos thread does
its faults; returns what the callers lived through and the records that were written."""

from __future__ import annotations

import random
import threading
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from rq import Queue
from sqlalchemy import create_engine, text

from hotline.devdouble.twilio import Caller, TwilioSim
from hotline.jobs import QUEUE_NAME
from hotline.routing.rules import load_rules as read_rules
from tests.load.cluster import Cluster, always_on_call_roster, load_rules
from tests.load.traffic import Seen, add_parties, make_caller, observe

SID, TOKEN = "AC" + "d" * 32, "load-test-token"
TIME_SCALE = 0.05  # a 20 s hold pause takes 1 s; counselors talk 5 to 10 s
TALK = (100.0, 200.0)  # most counselors talk 5 to 10 s ...
LONG_TALK = 400.0  # ... and every fourth one 20 s, through the Redis restart

# chaos(cluster, start, seconds, faults): does its faults at moments of the run, notes them
Chaos = Callable[[Cluster, float, float, dict[str, str]], None]


@dataclass
class LoadRun:
    seen: Seen
    records: Counter[str]
    faults: dict[str, str]
    logs: str

    def report(self, callers: int, seconds: float) -> str:
        return (
            f"\nload run, {callers} callers over {seconds:.0f} s; faults: {self.faults}\n"
            f"{self.seen.figures()}\nrecords: {self.records}"
        )


def load_run(
    tmp_path: Path, cluster: Cluster, *, callers: int, seconds: float, chaos: Chaos
) -> LoadRun:
    rules_path = load_rules(tmp_path / "rules.yaml")
    roster, phones = always_on_call_roster(tmp_path / "roster.yaml")
    rules = read_rules(rules_path)
    lines = {rules.overflow_number(None), *map(rules.overflow_number, rules.languages)}
    sim = TwilioSim(account_sid=SID, auth_token=TOKEN, time_scale=TIME_SCALE, seed=3)
    cluster.env_extra.update(
        TWILIO_ACCOUNT_SID=SID,
        TWILIO_AUTH_TOKEN=TOKEN,
        TWILIO_API_URL=sim.api_url,
        TWILIO_NUMBER=sim.number,
        ROUTING_RULES=str(rules_path),
    )
    add_parties(sim, phones, lines, TALK, long_talk=LONG_TALK)
    rng = random.Random(11)
    placed: list[Caller] = []
    faults: dict[str, str] = {}
    began = time.monotonic()
    try:
        cluster.start(roster)
        faults["started in"] = f"{time.monotonic() - began:.0f} s"
        sim.service_url = cluster.public_url
        every = seconds / callers
        start = time.monotonic()
        thread = threading.Thread(target=chaos, args=(cluster, start, seconds, faults), daemon=True)
        thread.start()
        for n in range(callers):
            caller = make_caller(rng, n, callback_share=0.1)
            placed.append(caller)
            sim.place_call(caller)
            time.sleep(max(0.0, start + (n + 1) * every - time.monotonic()))  # the call rate
        thread.join(120)
        try:
            sim.wait_for(lambda: all(leg.finished for leg in sim.calls), timeout=240)
        except TimeoutError as exc:
            raise AssertionError(_unfinished(sim)) from exc
        faults["all calls over after"] = f"{time.monotonic() - start:.0f} s"
        seen = observe(sim, placed, phones)
        records = _records_when_written(cluster, sim, calls=seen.calls)
        faults["records after"] = f"{time.monotonic() - start:.0f} s"
    finally:
        sim.close()
        logs = cluster.logs()
        cluster.close()
    return LoadRun(seen, records, faults, logs)


def at(start: float, seconds: float, share: float) -> None:
    """Until `share` of the run has passed."""
    time.sleep(max(0.0, start + share * seconds - time.monotonic()))


def _records_when_written(
    cluster: Cluster, sim: TwilioSim, *, calls: int, timeout: float = 180
) -> Counter[str]:
    """Records are written by workers after each hang-up's status callback: wait until the
    job queue is empty and neither a callback nor a record has come for a few seconds, and
    every call has its record or `timeout` has passed (a call whose status callback was lost
    is recorded by the scheduler's reconcile pass, within two minutes of its start)."""
    engine = create_engine(cluster.database_url)
    queue = Queue(QUEUE_NAME, connection=cluster.client())
    deadline, last, quiet_since = time.monotonic() + timeout, -1, time.monotonic()
    found: Counter[str] = Counter()
    try:
        while time.monotonic() < deadline:
            with engine.connect() as conn:
                rows = conn.execute(
                    text("SELECT outcome, count(*) FROM call_records GROUP BY outcome")
                ).all()
            found = Counter({str(outcome): int(n) for outcome, n in rows})
            progress = found.total() + len(sim.status_callbacks)
            if progress != last:
                last, quiet_since = progress, time.monotonic()
            elif queue.count == 0 and time.monotonic() - quiet_since > 3:
                callbacks = found["called_back"] + found["callback_not_reached"]
                if found.total() - callbacks >= calls:  # one record per call placed
                    break
            time.sleep(0.5)  # the records are written by other processes: poll the table
    finally:
        engine.dispose()
    return found


def _unfinished(sim: TwilioSim) -> str:
    """The legs still going when the run should be over, and what each last did."""
    rows = []
    for leg in sim.calls:
        if not leg.finished:
            last = [f"{e.kind} {str(e.data)[:160]}" for e in leg.transcript[-3:]]
            rows.append(f"{leg.sid} {leg.direction} {leg.status} {leg.phase}: {last}")
    return f"{len(rows)} leg(s) never finished:\n" + "\n".join(rows[:20])
