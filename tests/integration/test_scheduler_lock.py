"""Exactly one scheduler leads; when it dies, another takes over once its lease runs out."""

from __future__ import annotations

import threading

from hotline.platform.leader import LeaderLock, last_beat
from hotline.runtime import Runtime
from hotline.scheduler import run_scheduler


def test_only_one_holder_at_a_time(runtime: Runtime) -> None:
    first, second = LeaderLock(runtime.redis), LeaderLock(runtime.redis)
    assert first.try_acquire()
    assert not second.try_acquire()
    assert first.renew()
    first.release()
    assert second.try_acquire()
    assert not first.renew(), "a holder that lost the lock must know it"


def test_a_dead_leaders_lease_runs_out(runtime: Runtime) -> None:
    dead = LeaderLock(runtime.redis, lease=0.2)
    assert dead.try_acquire()
    survivor = LeaderLock(runtime.redis)
    taken = threading.Event()

    def poll() -> None:
        for _ in range(100):
            if survivor.try_acquire():
                taken.set()
                return
            threading.Event().wait(0.02)

    thread = threading.Thread(target=poll)
    thread.start()
    assert taken.wait(5), "the survivor never took over"
    thread.join()


def test_the_leading_scheduler_runs_its_jobs(runtime: Runtime) -> None:
    stop = threading.Event()
    thread = threading.Thread(target=run_scheduler, args=(runtime,), kwargs={"stop": stop})
    thread.start()
    try:
        for _ in range(200):
            if last_beat(runtime.redis) is not None:
                break
            stop.wait(0.01)
        assert last_beat(runtime.redis) is not None
        assert not LeaderLock(runtime.redis).try_acquire(), "a second scheduler must stand by"
    finally:
        stop.set()
        thread.join(5)
    assert LeaderLock(runtime.redis).try_acquire(), "a stopped scheduler gives the lock back"
