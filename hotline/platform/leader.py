"""One scheduler across all machines: a Redis lock with a short lease, renewed while alive."""

from __future__ import annotations

import contextlib
import time

import redis
from redis.lock import Lock

LOCK_KEY = "hotline:scheduler:leader"
HEARTBEAT_KEY = "hotline:scheduler:heartbeat"
LEASE_SECONDS = 30


class LeaderLock:
    """Whoever holds the lock runs the periodic jobs; a dead holder's lease simply runs out."""

    def __init__(self, client: redis.Redis[bytes], *, lease: float = LEASE_SECONDS) -> None:
        self._lock: Lock = client.lock(LOCK_KEY, timeout=lease, thread_local=False)
        self.lease = lease

    def try_acquire(self) -> bool:
        try:
            return bool(self._lock.acquire(blocking=False))
        except (redis.RedisError, OSError):
            return False

    def renew(self) -> bool:
        """Extend the lease; False means leadership is lost and the jobs must stop."""
        try:
            return bool(self._lock.reacquire())
        except (redis.RedisError, OSError):
            return False

    def release(self) -> None:
        with contextlib.suppress(redis.RedisError, OSError):  # else the lease runs out
            self._lock.release()


def beat(client: redis.Redis[bytes], now: float | None = None) -> None:
    client.set(HEARTBEAT_KEY, repr(now if now is not None else time.time()), ex=LEASE_SECONDS * 4)


def last_beat(client: redis.Redis[bytes]) -> float | None:
    try:
        raw = client.get(HEARTBEAT_KEY)
    except (redis.RedisError, OSError):
        return None
    return float(raw) if raw else None
