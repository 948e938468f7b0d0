"""The service's log: one JSON object a line, and no phone number from a library."""

from __future__ import annotations

import io
import json
import logging
from collections.abc import Iterator

import pytest

from hotline.logs import configure


@pytest.fixture
def service_log() -> Iterator[io.StringIO]:
    """configure() as the service calls it; what it writes to stderr lands here."""
    root = logging.getLogger()
    handlers, level = root.handlers[:], root.level
    configure("INFO")
    written = io.StringIO()
    handler = root.handlers[0]
    assert isinstance(handler, logging.StreamHandler)
    handler.setStream(written)
    yield written
    root.handlers[:] = handlers
    root.setLevel(level)


def test_twilio_requests_never_reach_the_log_with_a_number(service_log: io.StringIO) -> None:
    """Twilio's client logs a GET's query string at INFO: `calls.list(to=...)`, which asks
    whether a counselor's phone is on a call, would write the number into the log."""
    twilio = logging.getLogger("twilio.http_client")
    twilio.info("GET Request: https://api.twilio.com/Calls.json?To=%2B14155550101")
    logging.getLogger("hotline.queue.dispatch").info("offer made", extra={"call_id": "c1"})
    written = service_log.getvalue()
    assert "4155550101" not in written
    lines = [json.loads(line) for line in written.splitlines()]
    assert [(line["event"], line["call_id"]) for line in lines] == [("offer made", "c1")]
