"""The one scheduler: periodic jobs declared in one list, run only while holding the lock.

It only enqueues (or does a tiny Redis write); the work itself is done by RQ workers.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass

from apscheduler.schedulers.background import BackgroundScheduler

from hotline.live.leader import LeaderLock, beat
from hotline.runtime import Runtime

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Periodic:
    id: str  # stable: the job store keys on it
    every_seconds: float
    run: Callable[[Runtime], None]


def _heartbeat(runtime: Runtime) -> None:
    beat(runtime.redis)


def _enqueue(job: Callable[[], None]) -> Callable[[Runtime], None]:
    def run(runtime: Runtime) -> None:
        from hotline.jobs import request

        request(runtime, job)

    return run


def _jobs() -> tuple[Periodic, ...]:
    from hotline import jobs

    return (
        Periodic("heartbeat", 10, _heartbeat),
        # Relaxation steps and wrap-ups fall due with time, not with an event.
        Periodic("dispatch", 2, _enqueue(jobs.dispatch_job)),
        Periodic("sync-roster", 60, _enqueue(jobs.sync_roster_job)),
        Periodic("sweep", 10, _enqueue(jobs.sweep_job)),
        Periodic("retention", 24 * 3600, _enqueue(jobs.retention_job)),
    )


def run_scheduler(runtime: Runtime, *, stop: threading.Event, poll: float = 5.0) -> None:
    """Stand by until the lock is ours, run the schedule while it stays ours, repeat."""
    lock = LeaderLock(runtime.redis)
    while not stop.is_set():
        if not lock.try_acquire():
            stop.wait(poll)
            continue
        log.info("scheduler: leading")
        scheduler = BackgroundScheduler(timezone="UTC")
        schedule = _jobs()
        for job in schedule:
            scheduler.add_job(
                job.run,
                "interval",
                seconds=job.every_seconds,
                args=[runtime],
                id=job.id,
                replace_existing=True,
                coalesce=True,
                max_instances=1,
            )
        scheduler.start()
        for job in schedule:  # run each once now rather than one interval from now
            _safely(job, runtime)
        try:
            while not stop.wait(lock.lease / 3):
                if not lock.renew():
                    log.warning("scheduler: lost the lock; standing by")
                    break
        finally:
            scheduler.shutdown(wait=False)
    lock.release()


def _safely(job: Periodic, runtime: Runtime) -> None:
    try:
        job.run(runtime)
    except Exception:
        log.exception("periodic job failed", extra={"job": job.id})
