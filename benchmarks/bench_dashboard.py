"""What one poll of the supervisor's dashboard costs on a busy night.

    .venv/bin/python benchmarks/bench_dashboard.py [--polls 60] [--real]

A week of records (400 calls a day), 100 callers waiting in every tier and language,
30 calls in progress and 60 counselors; GET /supervisor/live.json (every panel, rendered)
through Flask's test client, as a dashboard left open does every 3 s. Prints the median
and p95 time of a poll, its size, and the share of one core that one open dashboard
takes. --real uses PostgreSQL and Redis (HOTLINE_TEST_POSTGRES, HOTLINE_TEST_REDIS: it
flushes that Redis database); the default is the embedded back-end (SQLite, fakeredis).
"""

from __future__ import annotations

import argparse
import datetime as dt
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from hotline.bootstrap import build_runtime  # noqa: E402
from hotline.live.calls import CallStore, LiveCall, new_call_id  # noqa: E402
from hotline.live.presence import Presence  # noqa: E402
from hotline.live.queue import LiveQueue  # noqa: E402
from hotline.platform.migrate import upgrade  # noqa: E402
from hotline.records.models import CallRecord  # noqa: E402
from hotline.routing.snapshot import CounselorState, WaitingCall  # noqa: E402
from hotline.runtime import Runtime  # noqa: E402
from hotline.web import create_app  # noqa: E402
from tests.conftest import make_settings  # noqa: E402
from tests.integration.web_support import signed_in_client  # noqa: E402
from tests.support import backends  # noqa: E402

POLL_EVERY = 3.0  # seconds, as static/dashboard.js


def busy_night(runtime: Runtime, now: float) -> None:
    rules = runtime.rules
    tiers, languages = list(rules.tier_order), list(rules.languages)
    start = dt.datetime.fromtimestamp(now, dt.UTC)
    outcomes = ("answered",) * 6 + ("hung_up_queue", "overflowed", "hung_up_ivr")
    with runtime.sessions.begin() as session:
        for n in range(7 * 400):
            session.add(
                CallRecord(
                    id=f"bench-{n}",
                    started_at=start - dt.timedelta(minutes=n * 3.6),
                    language=languages[n % len(languages)],
                    topic="general",
                    tier=tiers[n % len(tiers)],
                    queue_seconds=None if n % 9 == 8 else (n * 37) % 400,
                    talk_seconds=900,
                    outcome=outcomes[n % len(outcomes)],
                )
            )
    queue = LiveQueue(runtime.redis)
    for n in range(100):
        queue.enqueue(
            WaitingCall(
                f"wait-{n}",
                tiers[n % len(tiers)],
                now - n * 7,
                languages[n % len(languages)],
                "general",
            )
        )
    presence, calls = Presence(runtime.redis), CallStore(runtime.redis)
    for n in range(60):
        presence.upsert(str(n), languages=languages[: 1 + n % 3], specialties=[])
        presence.set_state(
            str(n), CounselorState.ON_CALL if n < 30 else CounselorState.AVAILABLE, now
        )
    for n in range(30):
        calls.create(
            LiveCall(
                call_id=new_call_id(),
                call_sid=f"CA{n:032d}",
                started_at=now - 600,
                script_version="v",
                rules_version=rules.version,
                stage="connected",
                language=languages[n % len(languages)],
                topic="general",
                tier=tiers[n % len(tiers)],
                counselor_id=str(n),
                connected_at=now - 500 + n,
            )
        )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--polls", type=int, default=60)
    parser.add_argument("--real", action="store_true")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        schema = None
        if args.real:
            schema, url = backends.new_postgres_schema()
            settings = make_settings(
                database_url=url, redis_url=backends.REAL_REDIS, var_dir=Path(tmp)
            )
        else:
            url = f"sqlite:///{tmp}/bench.db"
            settings = make_settings(database_url=url, var_dir=Path(tmp))
        upgrade(url)
        runtime = build_runtime(settings)
        runtime.redis.flushdb()
        try:
            busy_night(runtime, time.time())
            app = create_app(settings, runtime=runtime)
            client = signed_in_client(app, runtime, "sam", "supervisor")
            times, size = [], 0
            for _ in range(args.polls):
                began = time.perf_counter()
                response = client.get("/supervisor/live.json")
                times.append(time.perf_counter() - began)
                assert response.status_code == 200
                size = len(response.data)
            panels = response.get_json()["panels"]
            assert panels["calls"].count("data-call=") == 30
        finally:
            runtime.redis.flushdb()
            runtime.engine.dispose()
            if schema:
                backends.drop_postgres_schema(schema)
    times.sort()
    median, p95 = statistics.median(times), times[int(0.95 * (len(times) - 1))]
    back_end = "PostgreSQL + Redis" if args.real else "SQLite + fakeredis"
    print(f"live.json on {back_end}: 2800 records, 100 waiting, 30 in progress, 60 counselors")
    print(f"  {args.polls} polls: median {median * 1000:.0f} ms, p95 {p95 * 1000:.0f} ms")
    share = median / POLL_EVERY
    print(f"  size {size / 1024:.0f} KiB; one open dashboard takes {share:.1%} of a core")


if __name__ == "__main__":
    main()
