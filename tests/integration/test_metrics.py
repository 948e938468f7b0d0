"""GET /metrics: closed to the public, and what it shows is what is happening."""

from __future__ import annotations

from prometheus_client.parser import text_string_to_metric_families

from hotline.config import Secret
from hotline.live.calls import now
from hotline.live.presence import Presence
from hotline.routing.snapshot import CounselorState
from hotline.runtime import Runtime
from hotline.services.dispatch import dispatch
from hotline.telephony.client import FakeTelephony
from tests.support.caller import Caller


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
