"""Event counters shared by every process (offers, misses, overflows, ...), for /metrics."""

from __future__ import annotations

import contextlib

import redis

_KEY = "hotline:{live}:counters"
NAMES = (
    "calls_queued",
    "offers",
    "offers_missed",
    "offers_accepted",
    "overflows",
    "callbacks_requested",
    "callbacks_agreed",
    "callbacks_done",
    "callbacks_failed",
)


def count(client: redis.Redis[bytes], name: str, n: int = 1) -> None:
    """Best effort: a lost count must never stop a call."""
    assert name in NAMES, name
    with contextlib.suppress(redis.RedisError, OSError):
        client.hincrby(_KEY, name, n)


def counters(client: redis.Redis[bytes]) -> dict[str, int]:
    raw = client.hgetall(_KEY)
    found = {k.decode(): int(v) for k, v in raw.items()}
    return {name: found.get(name, 0) for name in NAMES}
