"""How long the hold message's estimate (routing/wait.py) takes for the last caller in line,
as the queue and the roster grow: each hold turn (every ~20 s per caller) runs it once.

Run: .venv/bin/python benchmarks/bench_hold_wait.py  (prints a table; not a test)
"""

from __future__ import annotations

import random
import statistics
import time
from pathlib import Path

from hotline.routing.rules import load_rules
from hotline.routing.snapshot import Counselor, CounselorState, WaitingCall
from hotline.routing.wait import CallTimes, expected_wait

RULES = load_rules(Path(__file__).resolve().parents[1] / "routing_rules.yaml")
NOW = 1_000_000.0
SIZES = ((10, 5), (30, 10), (100, 30), (300, 60))  # (callers waiting, counselors on call)
BUSY = (CounselorState.ON_CALL, CounselorState.WRAP_UP, CounselorState.RINGING)
TIMES = CallTimes(talk=20 * 60, wrap_up=RULES.offer.wrap_up)


def main() -> None:
    rnd = random.Random(15)
    languages, topics = list(RULES.languages), list(RULES.specialties)
    print(f"{'waiting':>8} {'on call':>8} {'median ms':>10} {'max ms':>8}")
    for n_calls, n_counselors in SIZES:
        calls = [
            WaitingCall(
                f"k{i}",
                tier := rnd.choice(RULES.tier_order),
                NOW - rnd.uniform(0, RULES.tiers[tier].max_wait - 1),
                rnd.choice(languages),
                rnd.choice(topics),
            )
            for i in range(n_calls)
        ]
        roster = [
            Counselor(
                f"c{i}",
                frozenset(rnd.sample(languages, 2)),
                frozenset(rnd.sample(topics, 3)),
                rnd.choice(BUSY),
                NOW - 300,
                NOW + rnd.uniform(0, RULES.offer.wrap_up),
            )
            for i in range(n_counselors)
        ]
        last = max(calls, key=lambda c: (RULES.tier_rank(c.tier), c.entered_at))
        runs = []
        for _ in range(7):
            start = time.perf_counter()
            expected_wait(NOW, last, calls, roster, RULES, TIMES)
            runs.append((time.perf_counter() - start) * 1000)
        print(f"{n_calls:>8} {n_counselors:>8} {statistics.median(runs):>10.1f} {max(runs):>8.1f}")


if __name__ == "__main__":
    main()
