"""How long one routing decision takes as the queue and the roster grow.

Run: .venv/bin/python benchmarks/bench_matcher.py  (prints a table; not a test)
"""

from __future__ import annotations

import random
import statistics
import time
from collections.abc import Callable
from dataclasses import replace
from functools import partial
from pathlib import Path

from hotline.routing.index import QueueIndex, best_call_for
from hotline.routing.match import Counselor, CounselorState, WaitingCall, plan
from hotline.routing.rules import Rules, load_rules
from hotline.routing.snapshot import on_call_summary

RULES_FILE = Path(__file__).resolve().parents[1] / "routing_rules.yaml"
NOW = 1_000_000.0
QUEUE_SIZES = (100, 1_000, 10_000, 100_000)
ROSTER_SIZES = (10, 100, 1_000, 10_000)
BUSY = (CounselorState.ON_CALL, CounselorState.WRAP_UP, CounselorState.RINGING)


def make_calls(n: int, rules: Rules, rnd: random.Random, roster: int) -> list[WaitingCall]:
    """Calls spread over each tier's whole wait; 2% want a particular counselor."""
    languages, topics = list(rules.languages), list(rules.specialties)
    calls = []
    for i in range(n):
        tier = rnd.choice(rules.tier_order)
        preferred = f"c{rnd.randrange(roster)}" if rnd.random() < 0.02 else None
        calls.append(
            WaitingCall(
                f"k{i}",
                tier,
                NOW - rnd.uniform(0, rules.tiers[tier].max_wait - 1),
                rnd.choice(languages),
                rnd.choice(topics),
                preferred,
            )
        )
    return calls


def make_roster(m: int, rules: Rules, rnd: random.Random) -> list[Counselor]:
    languages, topics = list(rules.languages), list(rules.specialties)
    return [
        Counselor(
            f"c{i}",
            frozenset(rnd.sample(languages, rnd.randint(1, 2))),
            frozenset(rnd.sample(topics, rnd.randint(0, 3))),
            CounselorState.AVAILABLE if i % 10 == 0 else rnd.choice(BUSY),
            NOW - rnd.uniform(0, 600),
        )
        for i in range(m)
    ]


def median_us(action: Callable[[], object], repeats: int) -> float:
    samples = []
    for _ in range(repeats):
        start = time.perf_counter()
        action()
        samples.append(time.perf_counter() - start)
    return statistics.median(samples) * 1e6


def time_decisions(index: QueueIndex, roster: list[Counselor], rules: Rules, repeats: int) -> float:
    """Median time for a free counselor (a different one each time) to get their call."""
    on_call = on_call_summary(roster)
    free = [c for c in roster if c.state is CounselorState.AVAILABLE]
    turn = iter(range(10**9))

    def decide() -> object:
        return best_call_for(NOW, free[next(turn) % len(free)], index, rules, on_call)

    return median_us(decide, repeats)


def time_churn(index: QueueIndex, call: WaitingCall, repeats: int) -> float:
    def add_and_remove() -> None:
        index.add(call)
        index.remove(call.call_id)

    return median_us(add_and_remove, repeats)


def bench_best_call_for(rules: Rules) -> None:
    rnd = random.Random(7)
    rosters = {m: make_roster(m, rules, rnd) for m in ROSTER_SIZES}
    table: dict[tuple[int, int], float] = {}
    churn: dict[int, float] = {}
    for n in QUEUE_SIZES:
        index = QueueIndex(make_calls(n, rules, rnd, max(ROSTER_SIZES)))
        repeats = 5_000 if n <= 10_000 else 2_000
        for m in ROSTER_SIZES:
            table[n, m] = time_decisions(index, rosters[m], rules, repeats)
        extra = make_calls(1, rules, rnd, 10)[0]
        churn[n] = time_churn(index, replace(extra, call_id="extra"), repeats)
        assert len(index) == n
    print("best_call_for: median microseconds per decision (x ratio to 100 waiting calls)")
    print(
        f"{'waiting':>9} | "
        + " | ".join(f"{m:>6} counselors" for m in ROSTER_SIZES)
        + " | add+remove one call (us)"
    )
    for n in QUEUE_SIZES:
        cells = [f"{table[n, m]:7.1f} (x{table[n, m] / table[100, m]:4.2f})" for m in ROSTER_SIZES]
        print(f"{n:>9} | " + " | ".join(f"{c:>17}" for c in cells) + f" | {churn[n]:7.1f}")


def bench_plan(rules: Rules) -> None:
    rnd = random.Random(11)
    print("\nplan() on a whole snapshot, for reference: median milliseconds")
    for n, m in ((10, 10), (50, 50), (200, 100), (1_000, 200)):
        calls, roster = make_calls(n, rules, rnd, m), make_roster(m, rules, rnd)
        repeats = 200 if n <= 200 else 20
        ms = median_us(partial(plan, NOW, calls, roster, rules), repeats) / 1000
        print(f"{n:>6} waiting x {m:>4} counselors: {ms:8.3f} ms")


def main() -> None:
    rules = load_rules(RULES_FILE)
    started = time.perf_counter()
    bench_best_call_for(rules)
    bench_plan(rules)
    print(f"\n(total {time.perf_counter() - started:.1f} s)")


if __name__ == "__main__":
    main()
