"""Call records as the status callback would have written them, for tests that need a
history (repeat callers, what-if simulations learnt from the records)."""

from __future__ import annotations

import dataclasses
import datetime as dt

from hotline.records.calls import NewRecord


def answered(call_id: str, started: dt.datetime, **changes: object) -> NewRecord:
    """A call answered after half a minute in line and ten minutes' talk; `changes` set
    any other field."""
    record = NewRecord(
        id=call_id,
        caller_key=None,
        region="US/CA",
        started_at=started,
        ended_at=None,
        language="en",
        topic="suicide",
        tier="urgent",
        speech_used=False,
        ivr_seconds=20,
        queue_seconds=30,
        talk_seconds=600,
        outcome="answered",
        counselor_id=None,
        rules_version="",
        script_version="",
    )
    return dataclasses.replace(record, **changes)  # type: ignore[arg-type]
