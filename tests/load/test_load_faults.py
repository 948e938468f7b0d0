"""Load and fault test: the deployed shape of the hotline (4 web processes behind a balancer,
2 RQ workers, the scheduler, real Redis and PostgreSQL) takes a stream of simulated
callers while Redis is restarted empty, a worker is SIGKILLed in the middle of a dispatch
and a web process is restarted as a deployment restarts it (a rolling restart: taken out
of the balancer and drained, SIGTERM, started, healthy, back in).

It passes when no caller is dropped (each is answered, called back or overflowed to a
backup line), no counselor's phone is in two conversations at once, no webhook gets a
5xx, and every call has exactly one record. The short run (about 60 callers over a
minute) runs in CI; HOTLINE_LOAD_LONG=1 runs 300 callers over 5 minutes.

A second run restarts Redis with its data kept (appendonly, as the README's production
set-up has it): then no call at all is recorded as state_lost.

A third is the web fault a deployment does not choose: a web process killed (SIGKILL)
with a caller's first webhook on its listener. That webhook gets a 502 from the balancer
(a POST is never retried), and Twilio's fallback URL, answered by another process, puts
the caller through to a backup line.
"""

from __future__ import annotations

import os
import shutil
import threading
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
    assert not run.seen.server_errors, run.seen.server_errors[:20]
    _every_call_accounted(run)


def _every_call_accounted(run: LoadRun) -> None:
    seen, records = run.seen, run.records
    assert not seen.dropped, (seen.dropped, run.logs)
    assert not seen.double_booked, seen.double_booked
    callbacks = records["called_back"] + records["callback_not_reached"]
    assert records.total() - callbacks == seen.calls, f"one record per call: {records}"
    assert records["called_back"] == seen.outcomes["callback"]


def test_no_caller_is_dropped_through_redis_worker_and_web_restarts(tmp_path: Path) -> None:
    """Faults: a worker SIGKILLed mid-dispatch, Redis restarted empty, and a web process's
    rolling restart (drained behind the balancer first), as a deployment does it."""
    cluster = _cluster(tmp_path)
    run = load_run(tmp_path, cluster, callers=CALLERS, seconds=SECONDS, chaos=_three_faults)
    print(run.report(CALLERS, SECONDS))
    assert run.faults.get("killed", "").endswith("mid-job"), run.faults
    assert run.faults.get("web") == "web1 drained, restarted, back in", run.faults
    _no_caller_dropped(run)
    assert cluster.balancer is not None
    assert cluster.balancer.skipped == 0, "a request was sent to a web process while it was down"


def test_a_web_process_killed_mid_request_sends_its_caller_to_the_backup_line(
    tmp_path: Path,
) -> None:
    """Fault: an ABRUPT web death (a crash, an OOM kill; not a deployment). web1 is SIGKILLed
    holding a caller's /voice/incoming connection: the balancer answers 502 (a POST is not
    retried), the simulator asks the number's fallback URL as Twilio does, the other
    process answers it, and the caller reaches a backup line. Any other request web1 held
    as it died gets a 502 too; if it was a status callback, which Twilio sends once, the
    reconcile pass ends that call from Twilio's call log, so every call still has its
    record."""
    callers, seconds = 16, 16.0
    cluster = _cluster(tmp_path, webs=2)
    run = load_run(tmp_path, cluster, callers=callers, seconds=seconds, chaos=_web_crash)
    print(run.report(callers, seconds))
    assert run.faults.get("web") == "web1 killed mid-request", run.faults
    errors = run.seen.server_errors
    assert all("HTTP 502" in e for e in errors), errors  # only what web1 held as it died
    [error] = [e for e in errors if e.endswith("/voice/incoming")]
    sid = error.split(":")[0]
    assert run.seen.fallbacks.get(sid) == "overflowed", run.seen.fallbacks
    _every_call_accounted(run)


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
    cluster.rolling_restart(cluster.by_name("web1"))
    done["web"] = "web1 drained, restarted, back in"


def _web_crash(cluster: Cluster, start: float, seconds: float, done: dict[str, str]) -> None:
    """At 30%: the next /voice/incoming web1 takes, it is SIGKILLed holding; then restarted."""
    at(start, seconds, 0.3)
    web1, killed = cluster.by_name("web1"), threading.Event()
    assert cluster.balancer is not None and web1.port is not None

    def die() -> None:
        cluster.kill(web1)
        killed.set()

    cluster.balancer.break_during(web1.port, "/voice/incoming", die)
    if not killed.wait(seconds):
        done["web"] = "web1 took no /voice/incoming"
        return
    done["web"] = "web1 killed mid-request"
    cluster.restart(web1)  # a supervisor (systemd, the platform) starts it again


def _redis_restart(cluster: Cluster, start: float, seconds: float, done: dict[str, str]) -> None:
    """Halfway: Redis stopped and started again on its append-only file."""
    at(start, seconds, 0.5)
    cluster.restart_redis()
    done["redis"] = "restarted with its data"
