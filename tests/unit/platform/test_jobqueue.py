"""The job-queue port: jobs are asked for by name, and a dead Redis only delays them."""

from __future__ import annotations

import logging

import pytest
import redis

from hotline import jobs
from hotline.platform.jobqueue import JOBS, InlineJobQueue, RQJobQueue


def test_inline_queue_runs_jobs_in_order_with_the_jobs_they_ask_for() -> None:
    ran: list[str] = []
    queue = InlineJobQueue()
    queue.handlers = {
        "record": lambda call_id: (ran.append(f"record {call_id}"), queue.enqueue("dispatch")),
        "dispatch": lambda: ran.append("dispatch"),
    }
    queue.enqueue("record", "c1")
    queue.enqueue("record", "c2")
    assert ran == []  # nothing runs behind the service's back
    assert queue.drain() == 4
    assert ran == ["record c1", "record c2", "dispatch", "dispatch"]


def test_an_unknown_job_name_is_refused_at_once() -> None:
    with pytest.raises(KeyError):
        InlineJobQueue().enqueue("dispach")


def test_every_job_names_a_function_of_the_worker() -> None:
    for name, spec in JOBS.items():
        module, function = spec.function.rsplit(".", 1)
        assert module == "hotline.jobs", name
        assert callable(getattr(jobs, function)), name


def test_a_dead_redis_loses_the_job_loudly_and_says_which(
    caplog: pytest.LogCaptureFixture,
) -> None:
    dead = redis.Redis(host="127.0.0.1", port=1, socket_connect_timeout=0.2)
    with caplog.at_level(logging.WARNING, logger="hotline.platform.jobqueue"):
        assert RQJobQueue(dead).enqueue("record", "call-1") is False
    (entry,) = caplog.records
    assert entry.levelno == logging.ERROR
    assert entry.getMessage() == "could not enqueue the call record"
    assert entry.__dict__["job"] == "record" and entry.__dict__["subject_id"] == "call-1"
