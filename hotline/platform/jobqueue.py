"""The job-queue port: a service asks for work by name; only the worker knows the functions.

RQ stores a job's function as a dotted path, so enqueueing needs no import of the
worker's code: that is what keeps `hotline.jobs` (the worker entrypoint, which imports
the services) out of the services' imports. Jobs take ids, are safe to run twice, and a
dead Redis only delays them (the periodic passes find the work again), so `enqueue`
never raises: it logs why and returns False.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Protocol

import redis
from rq import Queue, Retry

log = logging.getLogger(__name__)
QUEUE_NAME = "hotline"
DAY = 24 * 3600


@dataclass(frozen=True)
class JobSpec:
    function: str  # dotted path of the worker's function, as RQ stores it
    timeout: int
    failure_ttl: int = DAY
    retry: tuple[int, ...] = ()  # seconds before each retry
    level: int = logging.WARNING  # how loud a job that could not be enqueued is
    lost: str = "could not enqueue job"


JOBS: Mapping[str, JobSpec] = {
    "dispatch": JobSpec("hotline.jobs.dispatch_job", 30),
    "sync_roster": JobSpec("hotline.jobs.sync_roster_job", 30),
    "sweep": JobSpec("hotline.jobs.sweep_job", 30),
    "retention": JobSpec("hotline.jobs.retention_job", 30),
    "callbacks": JobSpec("hotline.jobs.callbacks_job", 30),
    "reconcile": JobSpec("hotline.jobs.reconcile_job", 120),
    "callback_due": JobSpec("hotline.jobs.callback_due_job", 60),
    # The record is written from the live call, which outlives the hang-up.
    "record": JobSpec(
        "hotline.jobs.write_record_job",
        60,
        failure_ttl=7 * DAY,
        retry=(5, 30, 120, 600, 3600),
        level=logging.ERROR,
        lost="could not enqueue the call record",
    ),
    # If it cannot be enqueued, the periodic callbacks pass finds the callback stuck.
    "ring_caller": JobSpec(
        "hotline.jobs.ring_caller_job",
        60,
        level=logging.ERROR,
        lost="could not enqueue the ring to the caller",
    ),
}


class JobQueue(Protocol):
    def enqueue(self, name: str, *args: str) -> bool:
        """Ask for the job `name` with these ids; False when it could not be asked for."""
        ...


def _subject(args: tuple[str, ...]) -> dict[str, str]:
    return {"subject_id": args[0]} if args else {}


class RQJobQueue:
    """Jobs in RQ's queue on the live Redis; made once per process, it opens no connection."""

    def __init__(self, connection: redis.Redis[bytes]) -> None:
        self.queue = Queue(QUEUE_NAME, connection=connection)

    def enqueue(self, name: str, *args: str) -> bool:
        spec = JOBS[name]
        try:
            self.queue.enqueue(
                spec.function,
                *args,
                job_timeout=spec.timeout,
                result_ttl=0,
                failure_ttl=spec.failure_ttl,
                retry=Retry(max=len(spec.retry), interval=list(spec.retry)) if spec.retry else None,
            )
        except (redis.RedisError, OSError) as exc:
            log.log(
                spec.level,
                spec.lost,
                extra={"job": name, "error": type(exc).__name__, **_subject(args)},
            )
            return False
        return True


class InlineJobQueue:
    """Jobs kept in memory and run when the test (or the embedding code) says so.

    `handlers` maps each job's name to a function of its ids; the composition root gives
    them, so this module imports no capability.
    """

    def __init__(self, handlers: Mapping[str, Callable[..., None]] | None = None) -> None:
        self.handlers = dict(handlers or {})
        self.pending: list[tuple[str, tuple[str, ...]]] = []

    def enqueue(self, name: str, *args: str) -> bool:
        JOBS[name]  # an unknown name is a bug, here as with RQ
        self.pending.append((name, args))
        return True

    def names(self) -> list[str]:
        return [name for name, _ in self.pending]

    def drain(self) -> int:
        """Run every pending job, and the jobs they ask for, in order; how many ran."""
        ran = 0
        while self.pending:
            name, args = self.pending.pop(0)
            self.handlers[name](*args)
            ran += 1
        return ran
