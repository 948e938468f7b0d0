"""Atomic claims under contention: 8 processes against one real Redis, beside 1 process.

    .venv/bin/python benchmarks/bench_claims.py [--seconds S] [--processes N]

Each process loops: pick a random call and a random counselor from the pools (a call
already ringing someone, or a busy counselor, gets the claim refused, which is the
contention being measured), claim, then release (70%) or accept (30%; the call is then
queued again and the counselor set back to available). Two pools: "spread" (2000
calls, 200 counselors) and "hot" (20 calls, 10 counselors, mostly refusals).

Prints claim attempts/s, successful claims/s, refusals, p50/p99 latency of the claim
alone, and the N-process rate as a ratio to the 1-process baseline. The rates are of the
whole loop: a won claim is followed by its release or accept (one more script; an
accept also costs an enqueue and two state changes). Then checks that no counselor
and no call was ever held by two offers at once, and exits non-zero if one was. Needs
Redis on 127.0.0.1:6379 (database 12 is flushed before and after).
"""

from __future__ import annotations

import argparse
import multiprocessing
import multiprocessing.synchronize
import os
import random
import sys
import time
from collections import defaultdict
from dataclasses import dataclass, field
from itertools import pairwise
from multiprocessing.queues import Queue
from pathlib import Path

import redis

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from hotline.live.offers import Offers  # noqa: E402
from hotline.live.presence import Presence  # noqa: E402
from hotline.live.queue import LiveQueue  # noqa: E402
from hotline.routing.snapshot import CounselorState, WaitingCall  # noqa: E402

URL = "redis://127.0.0.1:6379/12"
T0 = 1_718_000_000.0
Interval = tuple[int, int, str]  # monotonic ns after the claim returned, before it ended; offer


@dataclass
class Tally:
    won: int = 0
    refused: int = 0
    elapsed: float = 0.0  # the slowest process's loop time
    latencies: list[float] = field(default_factory=list)  # seconds, every claim attempt
    counselors: dict[str, list[Interval]] = field(default_factory=lambda: defaultdict(list))
    calls: dict[str, list[Interval]] = field(default_factory=lambda: defaultdict(list))


def call_ids(n: int) -> list[str]:
    return [f"call-{i}" for i in range(n)]


def counselor_ids(n: int) -> list[str]:
    return [f"counselor-{i}" for i in range(n)]


def waiting(call_id: str) -> WaitingCall:
    number = int(call_id.split("-")[1])
    tier = ("imminent", "urgent", "standard")[number % 3]
    return WaitingCall(call_id, tier, T0 + number, "en", "general")


def set_up(client: redis.Redis, calls: int, counselors: int) -> None:
    client.flushdb()
    queue, presence = LiveQueue(client), Presence(client)
    for call_id in call_ids(calls):
        queue.enqueue(waiting(call_id))
    for counselor_id in counselor_ids(counselors):
        presence.upsert(counselor_id, languages=["en"], specialties=[])
        presence.set_state(counselor_id, CounselorState.AVAILABLE, T0)


def work(
    seed: int,
    calls: int,
    counselors: int,
    seconds: float,
    start: multiprocessing.synchronize.Barrier,
    out: Queue[Tally],
) -> None:
    """One process's loop; its tally goes back through `out`."""
    rng = random.Random(seed)
    client = redis.Redis.from_url(URL)
    queue, presence, offers = LiveQueue(client), Presence(client), Offers(client)
    client.ping()
    pool_calls, pool_counselors = call_ids(calls), counselor_ids(counselors)
    tally = Tally()
    start.wait(timeout=60)
    began = time.monotonic()
    while time.monotonic() < began + seconds:
        call_id, counselor_id = rng.choice(pool_calls), rng.choice(pool_counselors)
        sent = time.perf_counter()
        offer = offers.claim(call_id, counselor_id, now=time.time(), ttl=60)
        tally.latencies.append(time.perf_counter() - sent)
        if offer is None:
            tally.refused += 1
            continue
        held_from = time.monotonic_ns()
        tally.won += 1
        accept = rng.random() < 0.3
        held_to = time.monotonic_ns()
        if accept:
            assert offers.accept(offer.offer_id, now=time.time()) == offer
        else:
            assert offers.release(offer.offer_id, now=time.time()) == offer
        tally.counselors[counselor_id].append((held_from, held_to, offer.offer_id))
        tally.calls[call_id].append((held_from, held_to, offer.offer_id))
        if accept:
            queue.enqueue(waiting(call_id))
            presence.set_state(counselor_id, CounselorState.WRAP_UP, time.time())
            presence.set_state(counselor_id, CounselorState.AVAILABLE, time.time())
    tally.elapsed = time.monotonic() - began
    tally.counselors, tally.calls = dict(tally.counselors), dict(tally.calls)
    out.put(tally)


def run(processes: int, calls: int, counselors: int, seconds: float) -> Tally:
    client = redis.Redis.from_url(URL)
    set_up(client, calls, counselors)
    ctx = multiprocessing.get_context("spawn")
    start, out = ctx.Barrier(processes + 1), ctx.Queue()
    procs = [
        ctx.Process(target=work, args=(seed, calls, counselors, seconds, start, out))
        for seed in range(processes)
    ]
    for p in procs:
        p.start()
    start.wait(timeout=60)
    tallies = [out.get(timeout=seconds + 60) for _ in procs]
    for p in procs:
        p.join(30)
    total = Tally()
    for t in tallies:
        total.won += t.won
        total.refused += t.refused
        total.elapsed = max(total.elapsed, t.elapsed)
        total.latencies += t.latencies
        for mine, theirs in ((total.counselors, t.counselors), (total.calls, t.calls)):
            for key, spans in theirs.items():
                mine[key] += spans
    check_no_double_booking(total)
    check_settled(client, calls, counselors)
    client.flushdb()
    return total


def check_no_double_booking(tally: Tally) -> None:
    """Each span lies inside its offer's life in Redis: two that overlap are a double booking."""
    for what, index in (("counselor", tally.counselors), ("call", tally.calls)):
        for key, spans in index.items():
            spans.sort()
            for (_, end, first), (begin, _, second) in pairwise(spans):
                assert begin > end, f"{what} {key} held by {first} and {second} at once"


def check_settled(client: redis.Redis, calls: int, counselors: int) -> None:
    assert Offers(client).expired(float("inf")) == [], "an offer outlived the run"
    assert len(LiveQueue(client).waiting()) == calls
    states = {c.state for c in Presence(client).all()}
    assert states == {CounselorState.AVAILABLE}, states
    assert len(Presence(client).all()) == counselors


def quantile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def line(label: str, tally: Tally) -> float:
    attempts, elapsed = tally.won + tally.refused, tally.elapsed
    rate = attempts / elapsed
    print(
        f"  {label:<12} attempts/s {rate:>8.0f}   won/s {tally.won / elapsed:>7.0f}"
        f"   won {tally.won:>6}   refused {tally.refused:>6} ({tally.refused / attempts:4.0%})"
        f"   p50 {quantile(tally.latencies, 0.5) * 1e3:5.2f} ms"
        f"   p99 {quantile(tally.latencies, 0.99) * 1e3:5.2f} ms"
    )
    return rate


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=float, default=6.0)
    parser.add_argument("--processes", type=int, default=8)
    args = parser.parse_args()
    redis_version = redis.Redis.from_url(URL).info("server")["redis_version"]
    print(f"claims against Redis {redis_version}, {os.cpu_count()} CPUs, {args.seconds:g} s each")
    for name, calls, counselors in (("spread", 2000, 200), ("hot", 20, 10)):
        print(f"{name}: {calls} calls, {counselors} counselors")
        many = line(
            f"{args.processes} processes", run(args.processes, calls, counselors, args.seconds)
        )
        one = line("1 process", run(1, calls, counselors, args.seconds))
        print(f"  ratio {args.processes} processes / 1: {many / one:.2f}x")
    print("no counselor and no call was ever held by two offers at once")


if __name__ == "__main__":
    main()
