"""Load and fault test: the deployed shape of the hotline (4 web processes behind a balancer,
2 RQ workers, the scheduler, real Redis and PostgreSQL) takes a stream of simulated
callers while Redis is restarted empty, a worker is SIGKILLed in the middle of a dispatch
and a web process is restarted.

It passes when no caller is dropped (each is answered, called back or overflowed to a
backup line), no counselor's phone is in two conversations at once, no webhook gets a
5xx, and every call has exactly one record. The short run (about 60 callers over a
minute) runs in CI; HOTLINE_LOAD_LONG=1 runs 300 callers over 5 minutes.

A second run restarts Redis with its data kept (appendonly, as the README's production
set-up has it): then no call at all is recorded as state_lost.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from tests.conftest import BACKENDS
from tests.load.cluster import Cluster
from tests.load.faults import kill_worker_mid_dispatch
from tests.load.run import LoadRun, at, load_run
from tests.support import backends

LONG = os.environ.get("HOTLINE_LOAD_LONG") == "1"
CALLERS, SECONDS = (300, 300.0) if LONG else (60, 60.0)


def _cluster(tmp_path: Path, **options: object) -> Cluster:
    if "real" not in BACKENDS:
        pytest.skip("the load test runs on the real servers only (HOTLINE_TEST_BACKENDS)")
    problem = backends.real_services_problem()
    if problem or not shutil.which("redis-server"):
        pytest.fail(problem or "redis-server is not installed; run: make services", pytrace=False)
    return Cluster(tmp_path, {}, **options)  # type: ignore[arg-type]


def _no_caller_dropped(run: LoadRun) -> None:
    seen, records = run.seen, run.records
    assert not seen.dropped, (seen.dropped, run.logs)
    assert not seen.double_booked, seen.double_booked
    assert not seen.server_errors, seen.server_errors[:20]
    callbacks = records["called_back"] + records["callback_not_reached"]
    assert records.total() - callbacks == seen.calls, f"one record per call: {records}"
    assert records["called_back"] == seen.outcomes["callback"]


def test_no_caller_is_dropped_through_redis_worker_and_web_restarts(tmp_path: Path) -> None:
    run = load_run(
        tmp_path, _cluster(tmp_path), callers=CALLERS, seconds=SECONDS, chaos=_three_faults
    )
    print(run.report(CALLERS, SECONDS))
    assert run.faults.get("killed", "").endswith("mid-job"), run.faults
    _no_caller_dropped(run)


def test_a_redis_restart_with_its_data_kept_loses_no_call(tmp_path: Path) -> None:
    callers, seconds = 40, 40.0
    cluster = _cluster(tmp_path, appendonly=True, webs=2)
    run = load_run(tmp_path, cluster, callers=callers, seconds=seconds, chaos=_redis_restart)
    print(run.report(callers, seconds))
    assert run.faults.get("redis") == "restarted with its data"
    _no_caller_dropped(run)
    assert run.records["state_lost"] == 0, run.records
    # Each record says what its caller lived through: nobody on the backup line is pulled
    # into a counselor's room later by a stale place in the queue, nor recorded otherwise.
    assert run.records["answered"] == run.seen.outcomes["answered"], run.records
    assert run.records["overflowed"] == run.seen.outcomes["overflowed"], run.records


def _three_faults(cluster: Cluster, start: float, seconds: float, done: dict[str, str]) -> None:
    """At 15%, 45% and 70% of the run: a worker killed mid-dispatch, Redis, a web process."""
    at(start, seconds, 0.15)
    killed = kill_worker_mid_dispatch(cluster)
    done["killed"] = f"{killed.worker} in job {killed.job_id} " + (
        "mid-job" if killed.still_started else "after the job"
    )
    cluster.restart(cluster.by_name(killed.worker))  # a supervisor brings it back
    at(start, seconds, 0.45)
    cluster.restart_redis()
    done["redis"] = "restarted empty"
    at(start, seconds, 0.70)
    cluster.restart(cluster.by_name("web1"))
    done["web"] = "web1 restarted"


def _redis_restart(cluster: Cluster, start: float, seconds: float, done: dict[str, str]) -> None:
    """Halfway: Redis stopped and started again on its append-only file."""
    at(start, seconds, 0.5)
    cluster.restart_redis()
    done["redis"] = "restarted with its data"
