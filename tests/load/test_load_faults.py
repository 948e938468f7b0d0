"""Load and fault test: the deployed shape of the hotline (4 web processes behind a balancer,
2 RQ workers, the scheduler, real Redis and PostgreSQL) takes a stream of simulated
callers while Redis is restarted empty, a worker is SIGKILLed in the middle of a dispatch
and a web process is restarted.

It passes when no caller is dropped (each is answered, called back or overflowed to a
backup line), no counselor's phone is in two conversations at once, no webhook gets a
5xx, and every call has exactly one record. The short run (about 60 callers over a
minute) runs in CI; HOTLINE_LOAD_LONG=1 runs 300 callers over 5 minutes.
"""

from __future__ import annotations

import os
import random
import shutil
import threading
import time
from collections import Counter
from pathlib import Path

import pytest
from rq import Queue
from sqlalchemy import create_engine, text

from hotline.jobs import QUEUE_NAME
from hotline.routing.rules import load_rules as read_rules
from hotline.sim import Caller, TwilioSim
from tests.conftest import BACKENDS
from tests.load.cluster import Cluster, always_on_call_roster, load_rules
from tests.load.faults import kill_worker_mid_dispatch
from tests.load.traffic import add_parties, make_caller, observe
from tests.support import backends

SID, TOKEN = "AC" + "d" * 32, "load-test-token"
LONG = os.environ.get("HOTLINE_LOAD_LONG") == "1"
CALLERS, SECONDS = (300, 300.0) if LONG else (60, 60.0)
TIME_SCALE = 0.05  # a 20 s hold pause takes 1 s; counselors talk 5 to 10 s
TALK = (100.0, 200.0)  # most counselors talk 5 to 10 s ...
LONG_TALK = 400.0  # ... and every fourth one 20 s, through the Redis restart


@pytest.fixture
def cluster(tmp_path: Path) -> Cluster:
    if "real" not in BACKENDS:
        pytest.skip("the load test runs on the real servers only (HOTLINE_TEST_BACKENDS)")
    problem = backends.real_services_problem()
    if problem or not shutil.which("redis-server"):
        pytest.fail(problem or "redis-server is not installed; run: make services", pytrace=False)
    return Cluster(tmp_path, {})


def test_no_caller_is_dropped_through_redis_worker_and_web_restarts(
    tmp_path: Path, cluster: Cluster
) -> None:
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
    callers: list[Caller] = []
    faults: dict[str, str] = {}
    began = time.monotonic()
    try:
        cluster.start(roster)
        faults["started in"] = f"{time.monotonic() - began:.0f} s"
        sim.service_url = cluster.public_url
        every = SECONDS / CALLERS
        start = time.monotonic()
        chaos = threading.Thread(target=_faults, args=(cluster, start, faults), daemon=True)
        chaos.start()
        for n in range(CALLERS):
            caller = make_caller(rng, n, callback_share=0.1)
            callers.append(caller)
            sim.place_call(caller)
            time.sleep(max(0.0, start + (n + 1) * every - time.monotonic()))  # the call rate
        chaos.join(120)
        sim.wait_for(lambda: all(leg.finished for leg in sim.calls), timeout=240)
        faults["all calls over after"] = f"{time.monotonic() - start:.0f} s"
        seen = observe(sim, callers, phones)
        records = _records_when_written(cluster, sim)
        faults["records after"] = f"{time.monotonic() - start:.0f} s"
    finally:
        sim.close()
        logs = cluster.logs()
        cluster.close()
    print(f"\nload run, {CALLERS} callers over {SECONDS:.0f} s; faults: {faults}")
    print(seen.figures())
    print(f"records: {records}")
    assert faults.get("killed", "").endswith("mid-job"), faults
    assert not seen.dropped, (seen.dropped, logs)
    assert not seen.double_booked, seen.double_booked
    assert not seen.server_errors, seen.server_errors[:20]
    callbacks = records["called_back"] + records["callback_not_reached"]
    assert records.total() - callbacks == seen.calls, f"one record per call: {records}"
    assert records["called_back"] == seen.outcomes["callback"]


def _faults(cluster: Cluster, start: float, done: dict[str, str]) -> None:
    """At 15%, 45% and 70% of the run: a worker killed mid-dispatch, Redis, a web process."""

    def at(share: float) -> None:
        time.sleep(max(0.0, start + share * SECONDS - time.monotonic()))

    at(0.15)
    killed = kill_worker_mid_dispatch(cluster)
    done["killed"] = f"{killed.worker} in job {killed.job_id} " + (
        "mid-job" if killed.still_started else "after the job"
    )
    cluster.restart(cluster.by_name(killed.worker))  # a supervisor brings it back
    at(0.45)
    cluster.restart_redis()
    done["redis"] = "restarted empty"
    at(0.70)
    cluster.restart(cluster.by_name("web1"))
    done["web"] = "web1 restarted"


def _records_when_written(cluster: Cluster, sim: TwilioSim, timeout: float = 90) -> Counter[str]:
    """Records are written by workers after each hang-up's status callback: wait until the
    job queue is empty and neither a callback nor a record has come for a few seconds."""
    engine = create_engine(cluster.database_url)
    queue = Queue(QUEUE_NAME, connection=cluster.client())
    deadline, last, quiet_since = time.monotonic() + timeout, -1, time.monotonic()
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
                break
            time.sleep(0.5)  # the records are written by other processes: poll the table
    finally:
        engine.dispose()
    return found
