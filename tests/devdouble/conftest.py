"""Fixtures for the simulator's tests: a simulator, and a TwiML app it can call."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from hotline.devdouble.twilio import TwilioSim
from tests.devdouble.apps import TwimlApp, serve

SID = "AC" + "7" * 32
TOKEN = "sim-test-token-3c1d"


@pytest.fixture
def sim() -> Iterator[TwilioSim]:
    with TwilioSim(account_sid=SID, auth_token=TOKEN, time_scale=0.01) as simulator:
        yield simulator


@pytest.fixture
def app() -> Iterator[TwimlApp]:
    with serve(TwimlApp(TOKEN)) as running:
        yield running
