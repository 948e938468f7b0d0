"""One anonymous record per call, whatever Twilio delivers twice or late; never a number."""

from __future__ import annotations

import threading

from sqlalchemy import select

from hotline.jobs import run_worker
from hotline.records.models import CallRecord
from hotline.runtime import Runtime
from hotline.telephony.client import FakeTelephony
from tests.support.caller import Caller

NUMBER = "+14155550142"


def _work(runtime: Runtime) -> None:
    """Run the queued jobs (dispatch, record writing) as a worker would, then stop."""
    run_worker(runtime, runtime.redis, stop=threading.Event(), in_thread=True, burst=True)


def _records(runtime: Runtime) -> list[CallRecord]:
    with runtime.sessions() as session:
        return list(session.scalars(select(CallRecord)))


def test_a_caller_who_hangs_up_in_the_queue_gets_one_record(client, runtime: Runtime) -> None:  # type: ignore[no-untyped-def]
    runtime.telephony = FakeTelephony()
    caller = Caller(client, number=NUMBER)
    verbs = caller.call()
    verbs = caller.give(verbs, "2")
    caller.give(verbs, "1")
    for seq in ("4", "4", "2"):  # duplicated, then a late, older one
        caller.post("/voice/status", {"CallStatus": "completed", "SequenceNumber": seq})
    _work(runtime)
    _work(runtime)  # running the jobs again writes nothing more
    [record] = _records(runtime)
    assert record.outcome == "hung_up_queue"
    assert (record.language, record.topic, record.tier) == ("zh", "suicide", "urgent")
    assert record.region == "US/CA"
    assert record.caller_key and len(record.caller_key) == 64
    assert record.queue_seconds is not None and record.talk_seconds is None
    dump = " ".join(str(getattr(record, c.name)) for c in CallRecord.__table__.columns)
    assert "4155550142" not in dump and "55550142" not in dump


def test_a_hang_up_in_the_menus_is_recorded_as_such(client, runtime: Runtime) -> None:  # type: ignore[no-untyped-def]
    caller = Caller(client, number="anonymous")
    caller.call()
    caller.post("/voice/status", {"CallStatus": "completed", "SequenceNumber": "1"})
    _work(runtime)
    [record] = _records(runtime)
    assert record.outcome == "hung_up_ivr"
    assert record.caller_key is None and record.region is None
    assert record.queue_seconds is None


def test_the_same_caller_gets_the_same_key(client, runtime: Runtime) -> None:  # type: ignore[no-untyped-def]
    for _ in range(2):
        caller = Caller(client, number=NUMBER)
        caller.call()
        caller.post("/voice/status", {"CallStatus": "completed", "SequenceNumber": "1"})
    _work(runtime)
    keys = {r.caller_key for r in _records(runtime)}
    assert len(_records(runtime)) == 2 and len(keys) == 1
