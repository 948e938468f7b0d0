"""The one scheduler: periodic jobs declared in one list, run only while holding the lock.

It only enqueues (or does a tiny Redis write); the work itself is done by RQ workers.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass

from apscheduler.jobstores.base import JobLookupError
from apscheduler.jobstores.sqlalchemy import SQLAlchemyJobStore
from apscheduler.schedulers.background import BackgroundScheduler
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError

from hotline.callbacks import due_ids
from hotline.platform.leader import LeaderLock, beat
from hotline.runtime import Runtime

log = logging.getLogger(__name__)
ALARMS = "callbacks"  # the persistent job store: one alarm per callback falling due
ALARM_HORIZON = 24 * 3600  # alarms are set for callbacks due within this many seconds
_leading: Runtime | None = None  # what a persisted alarm runs against (its args must pickle)


@dataclass(frozen=True)
class Periodic:
    id: str  # stable: the job store keys on it
    every_seconds: float
    run: Callable[[Runtime], None]


def _heartbeat(runtime: Runtime) -> None:
    beat(runtime.redis)


def _enqueue(name: str) -> Callable[[Runtime], None]:
    def run(runtime: Runtime) -> None:
        runtime.jobs.enqueue(name)

    return run


def alarm(callback_id: str) -> None:
    """A callback's alarm went off (from the persistent store): a worker releases it."""
    runtime = _leading
    if runtime is None:
        return
    if not runtime.jobs.enqueue("callback_due", callback_id):
        log.warning("callback alarm not enqueued; the periodic pass will release it")


def set_alarms(runtime: Runtime, scheduler: BackgroundScheduler) -> int:
    """An alarm in the persistent job store for each callback due within a day, so a
    restarted scheduler still has them (the periodic pass is the safety net)."""

    made = 0
    for callback_id, due in due_ids(runtime, within=ALARM_HORIZON):
        job_id = f"callback:{callback_id}"
        try:
            existing = scheduler.get_job(job_id, jobstore=ALARMS)
        except JobLookupError:
            existing = None
        if existing is not None and existing.next_run_time == due:
            continue
        scheduler.add_job(
            "hotline.scheduler:alarm",
            "date",
            run_date=due,
            args=[callback_id],
            id=job_id,
            jobstore=ALARMS,
            replace_existing=True,
            misfire_grace_time=None,  # late is better than never
            coalesce=True,
        )
        made += 1
    return made


def _jobs() -> tuple[Periodic, ...]:
    return (
        Periodic("heartbeat", 10, _heartbeat),
        # Relaxation steps and wrap-ups fall due with time, not with an event.
        Periodic("dispatch", 2, _enqueue("dispatch")),
        Periodic("sync-roster", 60, _enqueue("sync_roster")),
        Periodic("sweep", 10, _enqueue("sweep")),
        # A call whose status callback was lost (a web process died taking it) still ends.
        Periodic("reconcile", 60, _enqueue("reconcile")),
        Periodic("retention", 24 * 3600, _enqueue("retention")),
        # Due callbacks join the queue; callbacks whose window shut, or lost, are put right.
        Periodic("callbacks", 10, _enqueue("callbacks")),
    )


def run_scheduler(runtime: Runtime, *, stop: threading.Event, poll: float = 5.0) -> None:
    """Stand by until the lock is ours, run the schedule while it stays ours, repeat."""
    lock = LeaderLock(runtime.redis)
    while not stop.is_set():
        if not lock.try_acquire():
            stop.wait(poll)
            continue
        log.info("scheduler: leading")
        global _leading
        _leading = runtime
        scheduler = BackgroundScheduler(timezone="UTC")
        schedule = _jobs()
        if _database_answers(runtime):
            scheduler.add_jobstore(
                SQLAlchemyJobStore(engine=runtime.engine, tablename="scheduled_jobs"), ALARMS
            )
            schedule = (*schedule, Periodic("callback-alarms", 30, _alarms_of(scheduler)))
        else:  # the periodic callbacks pass still releases them, only less promptly
            log.warning("scheduler: database down; callback alarms off until re-elected")
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


def _database_answers(runtime: Runtime) -> bool:

    try:
        with runtime.engine.connect() as conn:
            conn.execute(text("SELECT 1"))
    except SQLAlchemyError:
        return False
    return True


def _alarms_of(scheduler: BackgroundScheduler) -> Callable[[Runtime], None]:
    def run(runtime: Runtime) -> None:
        try:
            set_alarms(runtime, scheduler)
        except SQLAlchemyError:
            log.warning("callback alarms not set: database unavailable")

    return run


def _safely(job: Periodic, runtime: Runtime) -> None:
    try:
        job.run(runtime)
    except Exception:
        log.exception("periodic job failed", extra={"job": job.id})
