"""Calls per second sustained on one machine: the whole hotline, real Redis and PostgreSQL.

    .venv/bin/python benchmarks/bench_calls.py [--rates 1,2,4,...] [--step 20] [--p99-ms 250]

One `hotline web` (gunicorn, 2 workers), 2 RQ workers and the scheduler, on their own
Redis server and a fresh PostgreSQL schema (dropped at the end); the local Twilio
(hotline/devdouble/twilio) in this process places callers at a steady rate, step by step, with 40
counselors always on call who answer at once and talk 1 s. A rate is sustained when
every call of the step reaches a counselor and the webhook p99 (as the simulator sees
it) stays under the bound. The simulator shares the machine's cores with the service.

The baseline beside it: GET /healthz (a Redis PING and a SELECT 1) as fast as 8 client
threads can get it from the same server, and the webhook rate at the best call rate
as a share of it.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import random
import statistics
import sys
import tempfile
import threading
import time
import urllib.request
from dataclasses import dataclass
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from hotline.devdouble.twilio import Caller, Leg, Phone, TwilioSim  # noqa: E402
from tests.load.cluster import Cluster, load_rules  # noqa: E402
from tests.load.traffic import LANGUAGES, TOPICS  # noqa: E402

SID, TOKEN = "AC" + "b" * 32, "bench-calls-token"
TIME_SCALE = 0.01  # a 20 s hold pause takes 0.2 s; 100 s of talk takes 1 s
COUNSELORS = 40


def roster(path: Path, rules: dict[str, object]) -> list[str]:
    """COUNSELORS counselors, each speaking every language and trained in every topic."""
    languages = list(rules["languages"])  # type: ignore[call-overload]
    specialties = list(rules["specialties"])  # type: ignore[call-overload]
    phones = [f"+1415555{100 + i:04d}" for i in range(COUNSELORS)]
    counselors = [
        {
            "name": f"Counselor {i}",
            "phone": phone,
            "languages": languages,
            "specialties": specialties,
            "always_on_call": True,
        }
        for i, phone in enumerate(phones)
    ]
    path.write_text(yaml.safe_dump({"timezone": "UTC", "counselors": counselors}))
    return phones


def healthz_rate(base: str, seconds: float = 5.0, threads: int = 8) -> float:
    """Requests per second GET /healthz answers 200, a new connection each (as Twilio)."""
    done = [0] * threads
    end = time.monotonic() + seconds
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))

    def hammer(i: int) -> None:
        while time.monotonic() < end:
            with opener.open(base + "/healthz", timeout=10) as response:
                if response.status == 200:
                    done[i] += 1

    workers = [threading.Thread(target=hammer, args=(i,)) for i in range(threads)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    return sum(done) / seconds


def p(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))] if ordered else 0.0


def latencies(legs: list[Leg]) -> tuple[list[float], int]:
    """Seconds per webhook (request to response, as the simulator saw it); count of 5xx."""
    out, errors = [], 0
    for leg in legs:
        asked: float | None = None
        for event in leg.transcript:
            if event.kind == "request":
                asked = event.at
            elif event.kind == "response" and asked is not None:
                out.append((event.at - asked) * TIME_SCALE)
                errors += event.data["status"] >= 500 or event.data["status"] == 0
                asked = None
    return out, errors


@dataclass
class Step:
    rate: float
    calls: int
    answered: int
    webhooks: int
    p50: float
    p99: float
    errors: int
    answer_p50: float  # seconds from dialling to talking with a counselor (menus included)
    answer_p99: float
    lag: float  # seconds this process fell behind the pace it was placing calls at
    service_cpu: float  # CPU seconds per call: web, workers, scheduler, Redis
    sim_cpu: float  # CPU seconds per call spent by the simulator (this process)
    held: bool = False


def cpu_seconds(pids: list[int]) -> float:
    """CPU time used so far by these processes and their reaped children (RQ work horses)."""
    total = 0.0
    for pid in pids:
        with contextlib.suppress(OSError):
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            total += sum(int(f) for f in fields[11:15]) / os.sysconf("SC_CLK_TCK")
    return total


def step(
    sim: TwilioSim, rng: random.Random, rate: float, seconds: float, first: int, pids: list[int]
) -> Step:
    """Place calls at `rate` per second for `seconds`; wait until each ends; the figures."""
    before = len(sim.calls)
    cpu_before, sim_before = cpu_seconds(pids), time.process_time()
    placed: list[Leg] = []
    start = time.monotonic()
    n = int(rate * seconds)
    for i in range(n):
        key = rng.choices([k for k, _, _ in LANGUAGES], [w for _, _, w in LANGUAGES])[0]
        caller = Caller(f"+1415556{(first + i) % 10000:04d}", digits=[key, rng.choice(TOPICS)])
        placed.append(sim.place_call(caller))
        time.sleep(max(0.0, start + (i + 1) / rate - time.monotonic()))  # the steady rate
    lag = time.monotonic() - start - seconds  # > 0: this process could not keep the pace
    with contextlib.suppress(TimeoutError):  # calls still going count as not answered
        sim.wait_for(lambda: all(leg.finished for leg in placed), timeout=120)
    service_cpu, sim_cpu = cpu_seconds(pids) - cpu_before, time.process_time() - sim_before
    legs = sim.calls[before:]
    webhooks, errors = latencies(legs)
    answered = [leg for leg in placed if leg.outcome == "answered"]
    to_answer = [leg.events("bridged")[0].at * TIME_SCALE for leg in answered]
    return Step(
        rate=rate,
        calls=n,
        answered=len(answered),
        webhooks=len(webhooks),
        p50=statistics.median(webhooks) if webhooks else 0.0,
        p99=p(webhooks, 0.99),
        errors=errors,
        answer_p50=statistics.median(to_answer) if to_answer else 0.0,
        answer_p99=p(to_answer, 0.99),
        lag=lag,
        service_cpu=service_cpu / n,
        sim_cpu=sim_cpu / n,
    )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rates", default="1,2,3,4,6,8,10,12")
    parser.add_argument("--step", type=float, default=20.0, help="seconds per rate")
    parser.add_argument("--p99-ms", type=float, default=250.0, help="webhook p99 bound")
    args = parser.parse_args()
    var = Path(tempfile.mkdtemp())
    rules_path = load_rules(var / "rules.yaml")
    rules = yaml.safe_load(rules_path.read_text())
    for tier in rules["tiers"].values():
        tier["max_wait"] = 120  # a call the service cannot keep up with is not answered
    rules_path.write_text(yaml.safe_dump(rules, sort_keys=False))
    phones = roster(var / "roster.yaml", rules)
    sim = TwilioSim(account_sid=SID, auth_token=TOKEN, time_scale=TIME_SCALE)
    for phone in phones:
        sim.add_phone(Phone(phone, accept_key="1", answer_after=0.5, hang_up_after=100))
    cluster = Cluster(var, {}, webs=1, web_workers=2, workers=2)
    cluster.env_extra.update(
        TWILIO_ACCOUNT_SID=SID,
        TWILIO_AUTH_TOKEN=TOKEN,
        TWILIO_API_URL=sim.api_url,
        TWILIO_NUMBER=sim.number,
        ROUTING_RULES=str(rules_path),
    )
    rng = random.Random(5)
    results: list[Step] = []
    try:
        cluster.start(var / "roster.yaml")
        sim.service_url = cluster.public_url
        bare = healthz_rate(cluster.public_url)
        pids = [p.popen.pid for p in cluster.procs if p.popen] + cluster.redis_pids()
        first = 0
        for rate in (float(r) for r in args.rates.split(",")):
            result = step(sim, rng, rate, args.step, first, pids)
            first += result.calls
            results.append(result)
            result.held = (
                result.answered == result.calls
                and result.errors == 0
                and result.p99 * 1e3 <= args.p99_ms
                and result.lag < 1.0
            )
            if not result.held:
                break
    finally:
        sim.close()
        cluster.close()
    report(results, bare, args.p99_ms, args.step)


def report(results: list[Step], bare: float, bound_ms: float, seconds: float) -> None:
    print(
        f"gunicorn 2 workers + 2 RQ workers + scheduler, real Redis and PostgreSQL, "
        f"{COUNSELORS} counselors talking 1 s; {seconds:.0f} s per rate; bound: every call "
        f"answered, webhook p99 <= {bound_ms:.0f} ms"
    )
    print(
        f"{'calls/s':>8} {'calls':>6} {'answered':>9} {'webhooks/s':>11} {'p50 ms':>7} "
        f"{'p99 ms':>7} {'5xx':>4} {'to counselor p50/p99 s':>23} {'CPU ms/call svc+sim':>20} "
        f"{'held':>5}"
    )
    for r in results:
        print(
            f"{r.rate:>8.1f} {r.calls:>6} {r.answered:>9} {r.webhooks / seconds:>11.1f} "
            f"{r.p50 * 1e3:>7.1f} {r.p99 * 1e3:>7.1f} {r.errors:>4} "
            f"{r.answer_p50:>11.2f} / {r.answer_p99:<9.2f} "
            f"{r.service_cpu * 1e3:>11.0f} + {r.sim_cpu * 1e3:<6.0f} {'yes' if r.held else 'NO':>5}"
        )
    held = [r for r in results if r.held]
    print(f"baseline: GET /healthz {bare:.0f} requests/s (8 client threads, same server)")
    if held:
        best = held[-1]
        per_call = best.webhooks / best.calls
        rate = best.webhooks / seconds
        print(
            f"sustained: {best.rate:.1f} calls/s ({per_call:.1f} webhooks per call, "
            f"{rate:.0f} webhooks/s = {rate / bare:.2f} x the /healthz rate); the service "
            f"used {best.service_cpu * 1e3:.0f} ms CPU per call, the simulator "
            f"{best.sim_cpu * 1e3:.0f} ms, on {os.cpu_count()} cores"
        )
    else:
        print("sustained: none of the rates tried")


if __name__ == "__main__":
    main()
