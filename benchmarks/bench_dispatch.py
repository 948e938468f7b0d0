"""Dispatch latency: a counselor becomes available -> the REST call to ring them is issued.

    .venv/bin/python benchmarks/bench_dispatch.py [--rounds N]

Real Redis (database 11, flushed), a SQLite roster of 40 counselors, telephony
recorded in-process (the REST request itself is Twilio's time, not ours). Each round:
one counselor goes available with W calls waiting; we time `dispatch()` until the ring
request is made. A Redis PING round trip is timed in the same loop as the baseline.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from hotline.bootstrap import build_runtime  # noqa: E402
from hotline.live.calls import now  # noqa: E402
from hotline.live.offers import Offers  # noqa: E402
from hotline.live.presence import Presence  # noqa: E402
from hotline.live.queue import LiveQueue  # noqa: E402
from hotline.platform.migrate import upgrade  # noqa: E402
from hotline.queue.dispatch import dispatch  # noqa: E402
from hotline.roster import CounselorEntry, Roster  # noqa: E402
from hotline.routing.snapshot import CounselorState, WaitingCall  # noqa: E402
from hotline.staffing.roster import load_roster, save_roster  # noqa: E402
from hotline.telephony.client import FakeTelephony  # noqa: E402
from tests.conftest import make_settings  # noqa: E402


class StampedTelephony(FakeTelephony):
    stamp: float = 0.0

    def call(self, *, to: str, url: str, status_callback: str, timeout: int) -> str:
        self.stamp = time.perf_counter()
        return super().call(to=to, url=url, status_callback=status_callback, timeout=timeout)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=300)
    args = parser.parse_args()
    db = Path(tempfile.mkdtemp()) / "bench.db"
    upgrade(f"sqlite:///{db}")
    runtime = build_runtime(
        make_settings(database_url=f"sqlite:///{db}", redis_url="redis://127.0.0.1:6379/11")
    )
    runtime.redis.flushdb()
    phone = StampedTelephony()
    runtime.telephony = phone
    languages, topics = ["en", "zh", "yue"], list(runtime.rules.specialties)
    save_roster(
        runtime.sessions,
        Roster(
            "UTC",
            tuple(
                CounselorEntry(
                    f"c{i}",
                    f"+1415555{i:04d}",
                    (languages[i % 3],),
                    (topics[i % 7],),
                    "counselor",
                    True,
                    (),
                )
                for i in range(40)
            ),
        ),
        actor="bench",
    )
    ids = [row.counselor_id for row in load_roster(runtime.sessions)]
    presence, queue, offers = (
        Presence(runtime.redis),
        LiveQueue(runtime.redis),
        Offers(runtime.redis),
    )
    for i, cid in enumerate(ids):
        presence.upsert(cid, languages=[languages[i % 3]], specialties=[topics[i % 7]])
        presence.set_state(cid, CounselorState.AWAY, now(), force=True)
    print(f"{'waiting':>8} {'median ms':>10} {'p99 ms':>8} {'ping median ms':>15} {'x ping':>7}")
    try:
        for waiting in (1, 10, 100, 1000):
            runtime.redis.delete(*runtime.redis.keys("hotline:{live}:q*") or ["none"])
            for n in range(waiting):
                queue.enqueue(
                    WaitingCall(f"w{waiting}-{n}", "standard", now() - n, "en", "general")
                )
            lat, pings = [], []
            for r in range(args.rounds):
                counselor = ids[r % 3 * 3]  # an English speaker: can take the general calls
                t = time.perf_counter()
                runtime.redis.ping()
                pings.append(time.perf_counter() - t)
                presence.set_state(counselor, CounselorState.AVAILABLE, now(), force=True)
                start = time.perf_counter()
                report = dispatch(runtime)
                assert report.offered, report
                lat.append(phone.stamp - start)
                pending = offers.for_counselor(counselor)
                assert pending is not None
                offers.release(pending.offer_id, now=now(), to_state=CounselorState.AWAY)
            med, p99 = statistics.median(lat), sorted(lat)[int(0.99 * len(lat))]
            ping = statistics.median(pings)
            print(
                f"{waiting:>8} {med * 1e3:>10.2f} {p99 * 1e3:>8.2f} {ping * 1e3:>15.3f} "
                f"{med / ping:>7.1f}"
            )
    finally:
        runtime.redis.flushdb()


if __name__ == "__main__":
    main()
