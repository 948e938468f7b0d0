"""Races on real Redis: whatever the interleaving, nobody is ever double-booked."""

from __future__ import annotations

import multiprocessing
import random
import threading
import time
from collections import Counter
from itertools import count

import pytest
import redis

from hotline.live.offers import LiveOffer, Offers
from hotline.live.presence import Presence
from hotline.live.queue import LiveQueue
from hotline.routing.snapshot import CounselorState as S
from hotline.runtime import Runtime
from tests.integration.live.helpers import available, call
from tests.integration.live.workers import race

THREADS, CALLS, COUNSELORS, STEPS = 16, 50, 10, 250
PROCESSES, ROUNDS = 4, 20


def _real_redis(runtime: Runtime) -> str:
    if runtime.settings.redis_url is None:
        pytest.skip("races need a real Redis server: fakeredis serialises every command")
    return runtime.settings.redis_url


class Ledger:
    """Who holds what, as the threads see it.

    A holder writes its entry after its claim returns and erases it before it releases
    or accepts, so its entry lies inside the offer's life in Redis: two entries for one
    counselor or one call at once can only mean a double booking.
    """

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.counselor: dict[str, str] = {}
        self.call: dict[str, str] = {}
        self.accepted: Counter[str] = Counter()
        self.pool = [f"c{i}" for i in range(CALLS)]
        self.ids = count(CALLS)
        self.problems: list[str] = []

    def hold(self, offer: LiveOffer) -> None:
        with self.lock:
            for index, key in ((self.counselor, offer.counselor_id), (self.call, offer.call_id)):
                if key in index:
                    self.problems.append(f"{key} held by {index[key]} and {offer.offer_id}")
                index[key] = offer.offer_id

    def let_go(self, offer: LiveOffer) -> None:
        with self.lock:
            del self.counselor[offer.counselor_id], self.call[offer.call_id]


def test_threads_hammering_claims_never_double_book(runtime: Runtime) -> None:
    url = _real_redis(runtime)
    setup = LiveQueue(runtime.redis)
    for call_id in [f"c{i}" for i in range(CALLS)]:
        setup.enqueue(call(call_id, random.choice(["imminent", "urgent", "standard"])))
    counselors = [f"k{i}" for i in range(COUNSELORS)]
    for k in counselors:
        available(Presence(runtime.redis), k)
    ledger = Ledger()
    start = threading.Barrier(THREADS)

    def work(seed: int) -> None:
        rng = random.Random(seed)
        client = redis.Redis.from_url(url)
        queue, presence, offers = LiveQueue(client), Presence(client), Offers(client)
        held: list[LiveOffer] = []

        def consistent(offer: LiveOffer) -> None:
            if offers.for_counselor(offer.counselor_id) != offer:
                ledger.problems.append(f"{offer.counselor_id} lost {offer.offer_id}")
            if offers.for_call(offer.call_id) != offer:
                ledger.problems.append(f"{offer.call_id} lost {offer.offer_id}")

        start.wait()
        for _ in range(STEPS):
            if not held or (len(held) < 2 and rng.random() < 0.6):
                with ledger.lock:
                    call_id = rng.choice(ledger.pool)
                offer = offers.claim(call_id, rng.choice(counselors), now=time.time(), ttl=600)
                if offer is not None:
                    ledger.hold(offer)
                    held.append(offer)
            else:
                offer = held.pop(rng.randrange(len(held)))
                consistent(offer)
                ledger.let_go(offer)
                if rng.random() < 0.7:
                    assert offers.release(offer.offer_id, now=time.time()) == offer
                    assert offers.release(offer.offer_id, now=time.time()) is None
                else:
                    assert offers.accept(offer.offer_id, now=time.time()) == offer
                    assert offers.accept(offer.offer_id, now=time.time()) is None
                    with ledger.lock:
                        ledger.accepted[offer.call_id] += 1
                        fresh = f"c{next(ledger.ids)}"
                        ledger.pool[ledger.pool.index(offer.call_id)] = fresh
                    queue.enqueue(call(fresh))
                    assert presence.set_state(offer.counselor_id, S.WRAP_UP, time.time())
                    assert presence.set_state(offer.counselor_id, S.AVAILABLE, time.time())
            for mine in held:
                consistent(mine)
        for offer in held:
            ledger.let_go(offer)
            assert offers.release(offer.offer_id, now=time.time()) == offer

    errors: list[BaseException] = []

    def guarded(seed: int) -> None:
        try:
            work(seed)
        except BaseException as exc:  # surfaced below, with the thread's assertion
            errors.append(exc)

    threads = [threading.Thread(target=guarded, args=(seed,)) for seed in range(THREADS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(120)
    assert not errors, errors[0]
    assert ledger.problems == []
    assert ledger.accepted and set(ledger.accepted.values()) == {1}, "no call accepted twice"
    queue, offers = LiveQueue(runtime.redis), Offers(runtime.redis)
    assert offers.expired(float("inf")) == []
    assert {c.call_id for c in queue.waiting()} == set(ledger.pool)
    assert all(queue.get(c) is None for c in ledger.accepted)
    assert {c.state for c in Presence(runtime.redis).all()} == {S.AVAILABLE}


def test_processes_racing_for_one_call_or_one_counselor_have_one_winner(
    runtime: Runtime,
) -> None:
    url = _real_redis(runtime)
    queue, presence = LiveQueue(runtime.redis), Presence(runtime.redis)
    for r in range(ROUNDS):
        queue.enqueue(call(f"one-call-{r}"))
        available(presence, f"one-counselor-{r}")
        for i in range(PROCESSES):
            available(presence, f"p{i}-r{r}")
            queue.enqueue(call(f"c{i}-r{r}", at=i))
    ctx = multiprocessing.get_context("spawn")
    barrier = ctx.Barrier(PROCESSES)
    results = ctx.Queue()
    procs = [
        ctx.Process(target=race, args=(url, i, ROUNDS, barrier, results)) for i in range(PROCESSES)
    ]
    for p in procs:
        p.start()
    got = [results.get(timeout=60) for _ in range(2 * ROUNDS * PROCESSES)]
    for p in procs:
        p.join(30)
        assert p.exitcode == 0
    offers = Offers(runtime.redis)
    for kind in ("same call", "same counselor"):
        for r in range(ROUNDS):
            winners = [(i, o) for k, rr, i, o in got if k == kind and rr == r and o]
            assert len(winners) == 1, f"{kind}, round {r}: {winners}"
            index, offer_id = winners[0]
            offer = offers.get(offer_id)
            assert offer is not None
            if kind == "same call":
                assert offers.for_call(f"one-call-{r}") == offer
                assert offer.counselor_id == f"p{index}-r{r}"
            else:
                assert offers.for_counselor(f"one-counselor-{r}") == offer
                assert offer.call_id == f"c{index}-r{r}"


def test_callers_in_danger_racing_for_one_counselor_in_wrap_up_have_one_winner(
    runtime: Runtime,
) -> None:
    """Wrap-up yields to danger: eight dispatchers at once, eight callers in danger, one
    counselor in wrap-up; while the wrap-up timer also tries to free them."""
    url = _real_redis(runtime)
    queue, presence, offers = (
        LiveQueue(runtime.redis),
        Presence(runtime.redis),
        Offers(runtime.redis),
    )
    for r in range(ROUNDS):
        counselor = f"wrapping-{r}"
        available(presence, counselor)
        queue.enqueue(call(f"done-{r}"))
        first = offers.claim(f"done-{r}", counselor, now=time.time(), ttl=60)
        assert first is not None and offers.accept(first.offer_id, now=time.time())
        assert presence.wrap_up(counselor, now=time.time(), seconds=120)
        callers = [f"danger-{r}-{i}" for i in range(8)]
        for caller in callers:
            queue.enqueue(call(caller, "imminent"))
        won = _race_for_wrap_up(url, counselor, callers)
        assert len(won) == 1, f"round {r}: {won}"
        got = presence.get(counselor)
        assert got is not None and got.state is S.RINGING
        assert {c.call_id for c in queue.waiting()} >= set(callers) - {won[0].call_id}


def _race_for_wrap_up(url: str, counselor: str, callers: list[str]) -> list[LiveOffer]:
    start = threading.Barrier(len(callers) + 1)
    won: list[LiveOffer] = []

    def claim(caller: str) -> None:
        offers = Offers(redis.Redis.from_url(url))
        start.wait()
        got = offers.claim(caller, counselor, now=time.time(), ttl=60, pause_for="imminent")
        if got is not None:
            won.append(got)

    def timer() -> None:
        mine = Presence(redis.Redis.from_url(url))
        start.wait()
        mine.set_state(counselor, S.AVAILABLE, time.time())  # the wrap-up ending meanwhile

    threads = [threading.Thread(target=claim, args=(c,)) for c in callers]
    threads.append(threading.Thread(target=timer))
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    return won
