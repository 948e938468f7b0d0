"""RQ: the job queue, and the worker loop that survives a Redis restart.

Jobs take ids, are enqueued after the database commit, and are safe to run twice.
A worker process binds its Runtime once at start; job functions read it from here.
"""

from __future__ import annotations

import logging
import threading

import redis
from rq import Queue, SimpleWorker, Worker

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
    """A worker that runs in a thread of `hotline run`: no forking, no signal handlers."""

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
            worker.work(burst=burst, logging_level=runtime.settings.log_level)
            backoff = 0.5
            if burst:
                return
        except (redis.RedisError, OSError) as exc:
            log.warning("worker lost Redis; retrying", extra={"error": type(exc).__name__})
        stop.wait(backoff)
        backoff = min(backoff * 2, 10.0)
