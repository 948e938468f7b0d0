"""Process bodies for the multi-process race (importable by a spawned interpreter)."""

from __future__ import annotations

import multiprocessing.synchronize
from multiprocessing.queues import Queue

import redis

from hotline.live.offers import Offers

NOW = 1_718_000_000.0


def race(
    url: str,
    index: int,
    rounds: int,
    barrier: multiprocessing.synchronize.Barrier,
    results: Queue[tuple[str, int, int, str | None]],
) -> None:
    """Each round, every process claims at the same instant; report who won what."""
    offers = Offers(redis.Redis.from_url(url))
    offers.redis.ping()  # connect before the start line, so the race is on the claim
    for r in range(rounds):
        barrier.wait(timeout=30)
        won = offers.claim(f"one-call-{r}", f"p{index}-r{r}", now=NOW, ttl=60)
        results.put(("same call", r, index, won.offer_id if won else None))
    for r in range(rounds):
        barrier.wait(timeout=30)
        won = offers.claim(f"c{index}-r{r}", f"one-counselor-{r}", now=NOW, ttl=60)
        results.put(("same counselor", r, index, won.offer_id if won else None))
