"""A fuzz of validly signed webhooks: random form fields and random URL state (query values
real, altered or nonsense) over every /voice/* route, against the real app on real Redis
and PostgreSQL. Prints the tally; exits 1 on any 5xx, answer that is not TwiML, caller
left in silence, or traceback logged.

    .venv/bin/python benchmarks/bench_webhook_fuzz.py [--requests 10000] [--seed 18]

Redis: HOTLINE_TEST_REDIS (flushed; default database 14); PostgreSQL: a fresh schema in
HOTLINE_TEST_POSTGRES, dropped at the end. Telephony is recorded, never dialled.
"""

from __future__ import annotations

import argparse
import logging
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from hotline.bootstrap import build_runtime  # noqa: E402
from hotline.platform.migrate import upgrade  # noqa: E402
from hotline.web import create_app  # noqa: E402
from tests.conftest import AUTH_TOKEN, PUBLIC_URL, make_settings  # noqa: E402
from tests.support import backends  # noqa: E402
from tests.support.desk import open_desk  # noqa: E402
from tests.support.webhook_fuzz import fuzz  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--requests", type=int, default=10_000)
    parser.add_argument("--seed", type=int, default=18)
    args = parser.parse_args()
    logging.basicConfig(level=logging.CRITICAL + 1)  # the tally, not the service's logs
    schema, url = backends.new_postgres_schema()
    try:
        upgrade(url)
        runtime = build_runtime(make_settings(database_url=url, redis_url=backends.REAL_REDIS))
        runtime.redis.flushdb()
        app = create_app(runtime.settings, runtime=runtime)
        desk = open_desk(runtime, app.test_client())
        began = time.perf_counter()
        tally = fuzz(
            desk, requests=args.requests, seed=args.seed, token=AUTH_TOKEN, public_url=PUBLIC_URL
        )
        seconds = time.perf_counter() - began
        runtime.redis.flushdb()
        runtime.engine.dispose()
    finally:
        backends.drop_postgres_schema(schema)
    print(tally.summary())
    print(f"per route: {dict(sorted(tally.by_route.items()))}")
    print(f"{seconds:.1f} s, {tally.requests / seconds:.0f} requests/s, seed {args.seed}")
    for failure in tally.failures()[:20]:
        print("FAILED:", failure)
    sys.exit(1 if tally.failures() else 0)


if __name__ == "__main__":
    main()
