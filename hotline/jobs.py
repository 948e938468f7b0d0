"""RQ: the job queue, and the worker loop that survives a Redis restart.

Jobs take ids, are enqueued after the database commit, and are safe to run twice.
A worker process binds its Runtime once at start; job functions read it from here.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable

import redis
from rq import Queue, Retry, SimpleWorker, Worker
from rq.timeouts import TimerDeathPenalty

from hotline.runtime import Runtime

log = logging.getLogger(__name__)
QUEUE_NAME = "hotline"
_bound: Runtime | None = None


def bind(runtime: Runtime) -> None:
    global _bound
    _bound = runtime


def current() -> Runtime:
    if _bound is None:
        raise RuntimeError("no Runtime bound in this process; start it with `hotline worker`")
    return _bound


def queue(runtime: Runtime) -> Queue:
    return Queue(QUEUE_NAME, connection=runtime.redis)


class ThreadWorker(SimpleWorker):
    """A worker that runs in a thread of `hotline run`: no forking, no signals (job time
    limits by a timer thread instead of SIGALRM, which only the main thread may use).
    """

    death_penalty_class = TimerDeathPenalty

    def _install_signal_handlers(self) -> None:
        pass


def run_worker(
    runtime: Runtime,
    connection: redis.Redis,
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


# --- Jobs. Each takes ids (or nothing), reads fresh state, and is safe to run twice. ---


def dispatch_job() -> None:
    from hotline.services.dispatch import dispatch

    dispatch(current())


def sync_roster_job() -> None:
    from hotline.live.calls import now
    from hotline.services.presence import sync_roster

    sync_roster(current(), at=now())


def sweep_job() -> None:
    from hotline.live.calls import CallStore, now
    from hotline.live.sweep import sweep
    from hotline.services.dispatch import back_in_line, stop_ringing

    runtime = current()
    store = CallStore(runtime.redis)
    report = sweep(
        runtime.redis,
        now=now(),
        call_exists=lambda call_id: store.get(call_id) is not None,
        max_no_answer=runtime.rules.offer.max_no_answer,
    )
    for offer in (*report.released, *report.cancelled):
        stop_ringing(runtime, offer.call_id)
        back_in_line(runtime, offer.call_id)


def request(runtime: Runtime, job: Callable[[], None]) -> None:
    """Enqueue `job`; a dead Redis only delays it to the next periodic tick."""
    try:
        queue(runtime).enqueue(job, job_timeout=30, result_ttl=0, failure_ttl=24 * 3600)
    except (redis.RedisError, OSError):
        log.warning("could not enqueue job", extra={"job": job.__name__})


def write_record_job(call_id: str) -> None:
    from hotline.services.records import record_call

    record_call(current(), call_id)


def request_record(runtime: Runtime, call_id: str) -> None:
    """The record is written by a worker, from the live call that outlives the hang-up."""
    try:
        queue(runtime).enqueue(
            write_record_job,
            call_id,
            job_timeout=60,
            result_ttl=0,
            failure_ttl=7 * 24 * 3600,
            retry=Retry(max=5, interval=[5, 30, 120, 600, 3600]),
        )
    except (redis.RedisError, OSError):
        log.error("could not enqueue the call record", extra={"call_id": call_id})


def ring_caller_job(call_id: str) -> None:
    from hotline.live.calls import CallStore
    from hotline.services.callbacks import ring_caller

    runtime = current()
    call = CallStore(runtime.redis).get(call_id)
    if call is not None and call.callback_id is not None:
        ring_caller(runtime, call)


def request_ring_caller(runtime: Runtime, call_id: str) -> None:
    """A counselor accepted a callback: ring the caller now (a job, so the counselor's
    webhook answers at once). If it cannot be enqueued, the periodic callbacks pass finds
    the callback stuck and schedules another attempt."""
    try:
        queue(runtime).enqueue(
            ring_caller_job, call_id, job_timeout=60, result_ttl=0, failure_ttl=24 * 3600
        )
    except (redis.RedisError, OSError):
        log.error("could not enqueue the ring to the caller", extra={"call_id": call_id})


def callbacks_job() -> None:
    """Periodic: due callbacks join the queue; closed windows and lost ones are put right."""
    from hotline.services.callbacks import release_due

    release_due(current())


def callback_due_job(callback_id: str) -> None:
    from hotline.services.callbacks import release

    release(current(), callback_id)


def retention_job() -> None:
    """Nightly: forget what the retention rules say is due; running twice changes nothing."""
    import datetime as dt

    from hotline.services.retention import purge

    purge(current(), dt.datetime.now(dt.UTC))
