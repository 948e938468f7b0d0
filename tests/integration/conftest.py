"""Fixtures shared by the integration tests."""

from __future__ import annotations

import pytest

from hotline.runtime import Runtime
from tests.support.desk import Desk, open_desk


@pytest.fixture
def desk(runtime: Runtime, client) -> Desk:  # type: ignore[no-untyped-def]
    """The dispatch desk: three counselors on call, telephony recorded, not dialled."""
    return open_desk(runtime, client)
