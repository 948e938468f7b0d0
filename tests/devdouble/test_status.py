"""Status callbacks: numbered per call; duplicated and shuffled on request."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from twilio.rest import Client

from hotline.devdouble.twilio import Phone, TwilioSim
from tests.devdouble.apps import TwimlApp, twiml
from tests.devdouble.conftest import SID, TOKEN

PHONE = "+14155550105"
EVENTS = ["initiated", "ringing", "answered", "completed"]


@pytest.fixture
def noisy_sim() -> Iterator[TwilioSim]:
    with TwilioSim(
        account_sid=SID, auth_token=TOKEN, duplicate_status=True, shuffle_status=True, seed=3
    ) as sim:
        yield sim


def _ring(sim: TwilioSim, app: TwimlApp) -> None:
    sim.add_phone(Phone(PHONE))
    app.routes["/answer"] = twiml("<Say>Hello.</Say>")
    client = Client(SID, TOKEN)
    client.api.base_url = sim.api_url
    client.calls.create(
        to=PHONE,
        from_="+15005550006",
        url=app.url("/answer"),
        status_callback=app.url("/status"),
        status_callback_event=EVENTS,
    )


def test_in_order_once_by_default(app: TwimlApp, sim: TwilioSim) -> None:
    _ring(sim, app)
    sim.wait_for(lambda: len(sim.status_callbacks) == 4, timeout=10)
    posted = app.posted("/status")
    assert [int(f["SequenceNumber"]) for f in posted] == [0, 1, 2, 3]
    assert [f["CallStatus"] for f in posted] == ["initiated", "ringing", "in-progress", "completed"]
    assert all(f["Direction"] == "outbound-api" and f["Timestamp"] for f in posted)
    assert "CallDuration" in posted[3] and "CallDuration" not in posted[2]
    assert all(s.status == 200 for s in sim.status_callbacks)


def test_duplicated_and_shuffled(app: TwimlApp, noisy_sim: TwilioSim) -> None:
    _ring(noisy_sim, app)
    noisy_sim.wait_for(lambda: len(noisy_sim.status_callbacks) == 8, timeout=10)
    numbers = [int(f["SequenceNumber"]) for f in app.posted("/status")]
    assert sorted(numbers) == [0, 0, 1, 1, 2, 2, 3, 3]
    assert numbers != sorted(numbers), "delivered out of order"
    assert all(hit.signed for hit in app.hits)
