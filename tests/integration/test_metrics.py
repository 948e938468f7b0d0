"""GET /metrics: closed to the public, and what it shows is what is happening."""

from __future__ import annotations

import subprocess
import sys
import urllib.parse
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from prometheus_client.parser import text_string_to_metric_families

from hotline.config import Secret
from hotline.devdouble.process import stop, wait_healthy
from hotline.live.calls import now
from hotline.live.presence import Presence
from hotline.queue.dispatch import dispatch
from hotline.routing.snapshot import CounselorState
from hotline.runtime import Runtime
from hotline.telephony.client import FakeTelephony
from tests.conftest import AUTH_TOKEN
from tests.support import backends
from tests.support.caller import Caller
from tests.support.processes import ROOT, free_port, hotline_env
from tests.support.signing import sign


def _samples(body: str) -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
    return {
        (s.name, tuple(sorted(s.labels.items()))): s.value
        for family in text_string_to_metric_families(body)
        for s in family.samples
    }


def test_metrics_are_closed_without_a_token(client, runtime: Runtime) -> None:  # type: ignore[no-untyped-def]
    assert client.get("/metrics").status_code == 403
    runtime.settings = runtime.settings.replace(metrics_token=Secret("scrape-me"))
    assert client.get("/metrics").status_code == 403
    wrong = {"Authorization": "Bearer not-it"}
    assert client.get("/metrics", headers=wrong).status_code == 403


def test_metrics_show_the_queue_counselors_and_offers(client, runtime: Runtime) -> None:  # type: ignore[no-untyped-def]
    runtime.settings = runtime.settings.replace(metrics_token=Secret("scrape-me"))
    runtime.telephony = FakeTelephony()
    presence = Presence(runtime.redis)
    presence.upsert("7", languages=["zh"], specialties=["youth"])
    presence.set_state("7", CounselorState.AVAILABLE, now())
    caller = Caller(client)
    verbs = caller.call()
    caller.give(caller.give(verbs, "1"), "1")  # English, suicide, urgent: nobody can take it
    response = client.get("/metrics", headers={"Authorization": "Bearer scrape-me"})
    assert response.status_code == 200
    samples = _samples(response.get_data(as_text=True))
    assert samples[("hotline_callers_waiting", (("tier", "urgent"),))] == 1
    assert samples[("hotline_callers_waiting", (("tier", "imminent"),))] == 0
    assert samples[("hotline_longest_wait_seconds", (("tier", "urgent"),))] >= 0
    assert samples[("hotline_counselors", (("state", "available"),))] == 1
    assert samples[("hotline_calls_queued_total", ())] == 1
    dispatch(runtime, at=now() + 10_000)  # long past max_wait: overflowed
    samples = _samples(
        client.get("/metrics", headers={"Authorization": "Bearer scrape-me"}).get_data(as_text=True)
    )
    assert samples[("hotline_overflows_total", ())] == 1
    assert samples[("hotline_callers_waiting", (("tier", "urgent"),))] == 0


def _latency(body: str) -> dict[str, float]:
    """route -> number of webhooks timed, from the histogram's _count samples."""
    return {
        s.labels["route"]: s.value
        for family in text_string_to_metric_families(body)
        if family.name == "hotline_webhook_seconds"
        for s in family.samples
        if s.name.endswith("_count")
    }


def test_webhook_latency_is_timed_by_route_never_by_call(client, runtime: Runtime) -> None:  # type: ignore[no-untyped-def]
    runtime.settings = runtime.settings.replace(metrics_token=Secret("scrape-me"))
    runtime.telephony = FakeTelephony()
    caller = Caller(client)
    verbs = caller.call()
    caller.give(caller.give(verbs, "1"), "1")  # two menu turns, each at /voice/ivr?call=...
    unsigned = client.post("/voice/incoming", data={"CallSid": "CA" + "0" * 32})
    assert unsigned.status_code == 403  # refused requests are timed too: Twilio waited
    body = client.get("/metrics", headers={"Authorization": "Bearer scrape-me"}).get_data(
        as_text=True
    )
    assert _latency(body) == {"/voice/incoming": 2, "/voice/ivr": 2}
    call_id = caller.url.split("call=")[1]
    assert call_id not in body, "a call id must never become a label"
    buckets = {
        s.labels["le"]: s.value
        for family in text_string_to_metric_families(body)
        if family.name == "hotline_webhook_seconds"
        for s in family.samples
        if s.name.endswith("_bucket") and s.labels["route"] == "/voice/ivr"
    }
    assert buckets["+Inf"] == 2 and buckets["15.0"] == 2, "every webhook answered within 15 s"


def test_gunicorn_workers_share_one_latency_histogram(tmp_path: Path) -> None:
    """With PROMETHEUS_MULTIPROC_DIR set, any worker's scrape counts every worker's webhooks."""
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    (tmp_path / "prom").mkdir()
    env = hotline_env(
        tmp_path,
        TWILIO_AUTH_TOKEN=AUTH_TOKEN,
        PUBLIC_URL=base,
        METRICS_TOKEN="scrape-me",
        PROMETHEUS_MULTIPROC_DIR=str(tmp_path / "prom"),
        REDIS_URL=backends.REAL_REDIS,
    )
    # As a site does before its first start: `hotline web` refuses an unprepared database.
    subprocess.run(
        [sys.executable, "-m", "hotline.cli", "db", "upgrade"], env=env, cwd=ROOT, check=True
    )
    log = open(tmp_path / "web.log", "wb")  # noqa: SIM115
    web = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "hotline.cli",
            "web",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            "3",
        ],
        env=env,
        cwd=ROOT,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    try:
        wait_healthy(base, web)

        # Concurrent connections, until at least two workers have served some (gunicorn
        # leaves the choice to whichever worker accepts first): then one scrape must
        # count every request, whichever worker answers it.
        def post(i: int) -> None:
            form = {"CallSid": f"CA{i:032d}", "From": "+14155550100", "To": "+15005550006"}
            request = urllib.request.Request(
                base + "/voice/fallback",
                data=urllib.parse.urlencode(form).encode(),
                headers={"X-Twilio-Signature": sign(base + "/voice/fallback", form, AUTH_TOKEN)},
            )
            with urllib.request.urlopen(request, timeout=10) as response:
                assert response.status == 200

        sent = 0
        with ThreadPoolExecutor(max_workers=6) as pool:
            while sent < 600 and len(list((tmp_path / "prom").glob("histogram_*.db"))) < 2:
                list(pool.map(post, range(sent, sent + 30)))
                sent += 30
        scrape = urllib.request.Request(
            base + "/metrics", headers={"Authorization": "Bearer scrape-me"}
        )
        with urllib.request.urlopen(scrape, timeout=10) as response:
            body = response.read().decode()
        assert _latency(body) == {"/voice/fallback": sent}
        assert len(list((tmp_path / "prom").glob("histogram_*.db"))) > 1, "several workers served"
    finally:
        stop(web)
        log.close()
