"""The live adapters, built on the `runtime` fixture so each test runs on both back-ends."""

from __future__ import annotations

import pytest

from hotline.live.offers import Offers
from hotline.live.presence import Presence
from hotline.live.queue import LiveQueue
from hotline.runtime import Runtime
from tests.integration.live.helpers import TIERS


@pytest.fixture
def queue(runtime: Runtime) -> LiveQueue:
    return LiveQueue(runtime.redis)


@pytest.fixture
def presence(runtime: Runtime) -> Presence:
    return Presence(runtime.redis)


@pytest.fixture
def offers(runtime: Runtime) -> Offers:
    return Offers(runtime.redis)


@pytest.fixture
def tiers(runtime: Runtime) -> tuple[str, ...]:
    assert runtime.rules.tier_order == TIERS, "these tests assume the shipped tiers"
    return runtime.rules.tier_order
