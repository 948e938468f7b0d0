"""Webhook latency under gunicorn (2 workers), against a bare Flask endpoint in the same server.

    .venv/bin/python benchmarks/bench_webhooks.py [--requests N]

Prints median and p99 of: POST /voice/incoming (a new call: its first menu), one menu
step (POST /voice/ivr with a key, to the next menu), the bare endpoint, and, for
information, the key that leaves the menus (the live call written, the caller key and
region made, the call queued and a dispatch job requested); each as a ratio to the bare
one. The target (under x2) is for the first two. Requests are interleaved, so machine
noise falls on all of them alike. Needs Redis on 127.0.0.1:6379 (database 13 is flushed).
"""

from __future__ import annotations

import argparse
import http.client
import os
import re
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.parse
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from tests.support.signing import sign  # noqa: E402

TOKEN = "bench-token"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--requests", type=int, default=1500)
    args = parser.parse_args()
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    var = tempfile.mkdtemp()
    env = {
        **os.environ,
        "HOTLINE_MODE": "local",
        "HOTLINE_VAR_DIR": var,
        "TWILIO_AUTH_TOKEN": TOKEN,
        "PUBLIC_URL": base,
        "LOG_LEVEL": "WARNING",
        "REDIS_URL": "redis://127.0.0.1:6379/13",
        "ROUTING_RULES": str(ROOT / "routing_rules.yaml"),
        "IVR_SCRIPTS": str(ROOT / "ivr_scripts"),
    }
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "-w",
            "2",
            "-b",
            f"127.0.0.1:{port}",
            "--log-level",
            "warning",
            "benchmarks.webhook_pair:make()",
        ],
        cwd=ROOT,
        env=env,
    )
    try:
        _wait(port)
        timings = run(port, base, args.requests)
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(10)
        import redis

        redis.Redis.from_url("redis://127.0.0.1:6379/13").flushdb()
    report(timings, args.requests)


def _wait(port: int) -> None:
    for _ in range(200):
        try:
            socket.create_connection(("127.0.0.1", port), 0.2).close()
            return
        except OSError:
            time.sleep(0.05)
    raise SystemExit("gunicorn did not start")


def run(port: int, base: str, n: int) -> dict[str, list[float]]:
    conn = http.client.HTTPConnection("127.0.0.1", port)
    out: dict[str, list[float]] = {"bare": [], "incoming": [], "menu step": [], "to the queue": []}

    def post(path: str, form: dict[str, str]) -> tuple[float, str]:
        body = urllib.parse.urlencode(form)
        headers = {
            "Content-Type": "application/x-www-form-urlencoded",
            "X-Twilio-Signature": sign(base + path, form, TOKEN),
        }
        start = time.perf_counter()
        conn.request("POST", path, body, headers)
        response = conn.getresponse()
        text = response.read().decode()
        elapsed = time.perf_counter() - start
        assert response.status == 200, (path, response.status, text[:200])
        return elapsed, text

    for i in range(n + 50):
        form = {
            "CallSid": f"CA{i:032d}",
            "From": "+14155550100",
            "To": "+15005550006",
            "CallStatus": "ringing",
        }
        bare, _ = post("/bare/", form)
        incoming, twiml = post("/voice/incoming", form)
        step, twiml = post(_action(twiml), {**form, "Digits": "1"})  # English
        queue, twiml = post(_action(twiml), {**form, "Digits": "7"})  # anything else
        assert "/voice/hold" in twiml, twiml
        if i >= 50:  # warm-up excluded
            out["bare"].append(bare)
            out["incoming"].append(incoming)
            out["menu step"].append(step)
            out["to the queue"].append(queue)
    return out


def _action(twiml: str) -> str:
    action = re.search(r'action="([^"]+)"', twiml)
    assert action, twiml
    return action.group(1).replace("&amp;", "&")


def report(timings: dict[str, list[float]], n: int) -> None:
    def p(values: list[float], q: float) -> float:
        ordered = sorted(values)
        return ordered[min(len(ordered) - 1, int(q * len(ordered)))]

    bare_med, bare_p99 = statistics.median(timings["bare"]), p(timings["bare"], 0.99)
    print(f"gunicorn, 2 workers, {n} requests each, interleaved, one keep-alive client")
    print(
        f"{'endpoint':<13} {'median ms':>10} {'p99 ms':>8} {'x bare (median)':>16} "
        f"{'x bare (p99)':>13}"
    )
    for name, values in timings.items():
        med, p99 = statistics.median(values), p(values, 0.99)
        print(
            f"{name:<13} {med * 1000:>10.2f} {p99 * 1000:>8.2f} {med / bare_med:>16.2f} "
            f"{p99 / bare_p99:>13.2f}"
        )


if __name__ == "__main__":
    main()
