"""The worker entrypoint: RQ's loop that survives a Redis restart, and the jobs it runs.

Jobs take ids, are enqueued after the database commit (by name, through
`platform.jobqueue`), and are safe to run twice. A worker process binds its Runtime once
at start; job functions read it from here. Only this module imports the capabilities'
job functions; nothing in the capabilities imports it.
"""

from __future__ import annotations

import datetime as dt
import logging
import threading
from collections.abc import Callable

import redis
from rq import SimpleWorker, Worker
from rq.timeouts import TimerDeathPenalty

from hotline.call_records.record import record_call
from hotline.call_records.retention import purge
from hotline.callbacks import release, release_due, ring_caller
from hotline.calls.reconcile import reconcile
from hotline.live.calls import now
from hotline.platform.jobqueue import JOBS, QUEUE_NAME
from hotline.queue.dispatch import back_in_line, dispatch, stop_ringing
from hotline.queue.presence import sync_roster
from hotline.queue.sweep import sweep
from hotline.runtime import Runtime

__all__ = ["QUEUE_NAME", "bind", "current", "run_worker"]
log = logging.getLogger(__name__)
_bound: Runtime | None = None


def bind(runtime: Runtime) -> None:
    global _bound
    _bound = runtime


def current() -> Runtime:
    if _bound is None:
        raise RuntimeError("no Runtime bound in this process; start it with `hotline worker`")
    return _bound


class ThreadWorker(SimpleWorker):
    """A worker that runs in a thread of `hotline run`: no forking, no signals (job time
    limits by a timer thread instead of SIGALRM, which only the main thread may use).
    """

    death_penalty_class = TimerDeathPenalty

    def _install_signal_handlers(self) -> None:
        pass


def run_worker(
    runtime: Runtime,
    connection: redis.Redis[bytes],
    *,
    stop: threading.Event,
    in_thread: bool = False,
    burst: bool = False,
) -> None:
    """Work the queue until `stop` is set; start again after a lost Redis, with backoff."""
    bind(runtime)
    worker_class: type[Worker] | type[SimpleWorker] = ThreadWorker if in_thread else Worker
    backoff = 0.5
    while not stop.is_set():
        try:
            worker = worker_class([QUEUE_NAME], connection=connection)
            # RQ logs a line per job at INFO; only its warnings matter unless debugging.
            level = "DEBUG" if runtime.settings.log_level == "DEBUG" else "WARNING"
            worker.work(burst=burst, logging_level=level)
            backoff = 0.5
            if burst:
                return
        except (redis.RedisError, OSError) as exc:
            log.warning("worker lost Redis; retrying", extra={"error": type(exc).__name__})
        stop.wait(backoff)
        backoff = min(backoff * 2, 10.0)


# --- Jobs, by the names in platform.jobqueue.JOBS. Each takes ids (or nothing), reads
# fresh state, and is safe to run twice. ---


def dispatch_job() -> None:
    dispatch(current())


def sync_roster_job() -> None:
    sync_roster(current(), at=now())


def sweep_job() -> None:
    runtime = current()
    store = runtime.calls
    report = sweep(
        runtime.redis,
        now=now(),
        call_exists=lambda call_id: store.get(call_id) is not None,
        max_no_answer=runtime.rules.offer.max_no_answer,
    )
    for offer in (*report.released, *report.cancelled):
        stop_ringing(runtime, offer)
        back_in_line(runtime, offer.call_id)


def reconcile_job() -> None:
    """Calls Twilio says have ended, whose status callback never arrived, end here too."""
    reconcile(current())


def write_record_job(call_id: str) -> None:
    record_call(current(), call_id)


def ring_caller_job(call_id: str) -> None:
    """A counselor accepted a callback: ring the caller now (a job, so the counselor's
    webhook answers at once)."""
    runtime = current()
    call = runtime.calls.get(call_id)
    if call is not None and call.callback_id is not None:
        ring_caller(runtime, call)


def callbacks_job() -> None:
    """Periodic: due callbacks join the queue; closed windows and lost ones are put right."""
    release_due(current())


def callback_due_job(callback_id: str) -> None:
    release(current(), callback_id)


def retention_job() -> None:
    """Nightly: forget what the retention rules say is due; running twice changes nothing."""
    purge(current(), dt.datetime.now(dt.UTC))


def handlers(runtime: Runtime) -> dict[str, Callable[..., None]]:
    """Every job by its name, run against `runtime`: for an inline job queue."""
    bind(runtime)
    here = globals()
    return {name: here[spec.function.rsplit(".", 1)[1]] for name, spec in JOBS.items()}
