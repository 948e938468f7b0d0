"""No caller number anywhere: after real calls, every table, every Redis key and value,
and every log line are searched for each caller's number in any form."""

from __future__ import annotations

import contextlib
import datetime as dt
import logging
import re
import threading
import zlib

import phonenumbers
import pytest
from apscheduler.jobstores.sqlalchemy import SQLAlchemyJobStore
from apscheduler.schedulers.background import BackgroundScheduler
from phonenumbers import Leniency, PhoneNumberFormat, PhoneNumberMatcher
from sqlalchemy import MetaData, select

from hotline import callbacks
from hotline.jobs import run_worker
from hotline.live.calls import CallStore, LiveCall, new_call_id, now
from hotline.logs import JsonFormatter
from hotline.privacy import caller_key
from hotline.records.models import CallbackVault, CallRecord
from hotline.records.vault import read_number, store_number
from hotline.runtime import Runtime
from hotline.scheduler import ALARMS, set_alarms
from hotline.telephony.client import FakeTelephony
from tests.support.caller import Caller

CALLERS = ("+14155550161", "+14155550172", "+14155550183", "+85261234567", "+8613812345678")
REGIONS = ("US", "HK", "CN")
_SEPARATORS = re.compile(r"[\s\-().\u00a0/]")


def _forms(e164: str) -> set[str]:
    number = phonenumbers.parse(e164)
    national = str(number.national_number)
    return {
        e164,
        e164.lstrip("+"),
        national,
        national[-8:],
        phonenumbers.format_number(number, PhoneNumberFormat.NATIONAL),
        phonenumbers.format_number(number, PhoneNumberFormat.INTERNATIONAL),
    }


def _leaks(text: str) -> list[str]:
    """Every caller number found in `text`, by plain search and by phonenumbers' matcher."""
    found = []
    squeezed = _SEPARATORS.sub("", text)
    for e164 in CALLERS:
        for form in _forms(e164):
            if form in text or _SEPARATORS.sub("", form) in squeezed:
                found.append(f"{e164} as {form!r}")
    wanted = {phonenumbers.parse(e164).national_number for e164 in CALLERS}
    for region in REGIONS:
        for match in PhoneNumberMatcher(text, region, leniency=Leniency.POSSIBLE):
            if match.number.national_number in wanted:
                found.append(f"matcher({region}): {match.raw_string!r}")
    return found


def _text(value: object) -> str:
    if isinstance(value, bytes | bytearray | memoryview):
        raw = bytes(value)
        parts = [raw.decode("latin-1")]
        with contextlib.suppress(zlib.error):  # RQ keeps job data as compressed pickles
            parts.append(zlib.decompress(raw).decode("latin-1"))
        return " ".join(parts)
    return str(value)


def _dump_tables(runtime: Runtime) -> str:
    metadata = MetaData()
    metadata.reflect(bind=runtime.engine)
    lines = []
    with runtime.engine.connect() as conn:
        for table in metadata.sorted_tables:
            for row in conn.execute(select(table)):
                lines.append(table.name + " " + " | ".join(_text(v) for v in row))
    return "\n".join(lines)


def _dump_redis(runtime: Runtime) -> str:
    r = runtime.redis
    lines = []
    for key in r.scan_iter(count=1000):
        kind = _text(r.type(key))
        if kind == "string":
            values: list[object] = [r.get(key)]
        elif kind == "hash":
            values = [x for kv in r.hgetall(key).items() for x in kv]
        elif kind == "set":
            values = list(r.smembers(key))
        elif kind == "zset":
            values = [x for kv in r.zrange(key, 0, -1, withscores=True) for x in kv]
        elif kind == "list":
            values = list(r.lrange(key, 0, -1))
        else:
            values = [kind]
        lines.append(_text(key) + " " + " | ".join(_text(v) for v in values))
    return "\n".join(lines)


def _dump_logs(caplog: pytest.LogCaptureFixture) -> str:
    formatter = JsonFormatter()
    return "\n".join(f"{formatter.format(r)} {r.msg!r} {r.args!r}" for r in caplog.records)


def _callbacks_of_every_kind(runtime: Runtime) -> None:
    """One asked for from the queue, one agreed at wrap-up, and the scheduler's alarms."""
    hash_key = runtime.settings.hash_key.reveal().encode()  # type: ignore[union-attr]
    calls = []
    for i, number in enumerate((CALLERS[2], CALLERS[4])):
        call = LiveCall(
            call_id=new_call_id(),
            call_sid=f"CA{i:032d}",
            started_at=now() - 300,
            script_version="v",
            rules_version=runtime.rules.version,
            caller_key=caller_key(number, hash_key),
            stage="queued",
            queued_at=now() - 200,
            language="zh",
            topic="suicide",
            tier="urgent",
        )
        CallStore(runtime.redis).create(call)
        calls.append(call)
    assert callbacks.request_from_queue(runtime, calls[0], CALLERS[2])
    runtime.telephony.numbers[calls[1].call_sid] = CALLERS[4]  # type: ignore[attr-defined]
    soon = dt.datetime.now(dt.UTC) + dt.timedelta(hours=1)
    agreed = callbacks.agree_follow_up(
        runtime,
        call_id=calls[1].call_id,
        counselor_id="1",
        earliest=soon,
        latest=None,
        urgent=True,
        actor="test",
    )
    assert agreed.scheduled
    alarms = BackgroundScheduler(timezone="UTC")
    alarms.add_jobstore(
        SQLAlchemyJobStore(engine=runtime.engine, tablename="scheduled_jobs"), ALARMS
    )
    alarms.start(paused=True)
    try:
        assert set_alarms(runtime, alarms) >= 1
    finally:
        alarms.shutdown(wait=False)


def test_the_detector_finds_a_number_in_any_form() -> None:
    assert _leaks("caller +14155550161 rang")
    assert _leaks("call me at (415) 555-0161")
    assert _leaks("ref 55550161")
    assert _leaks("tel 138 1234 5678")
    assert _leaks("hk 6123 4567")
    assert not _leaks("call id 3f9a-77, tier urgent, 2026-11-22T03:00:00Z")


def test_no_caller_number_anywhere_after_calls(
    client,  # type: ignore[no-untyped-def]
    runtime: Runtime,
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.DEBUG)
    runtime.telephony = FakeTelephony()
    for i, number in enumerate(CALLERS):
        caller = Caller(client, number=number)
        verbs = caller.call()
        if i % 2 == 0:  # some reach the queue, some hang up in the menus
            verbs = caller.give(verbs, "2")
            caller.give(verbs, "1")
        caller.post("/voice/status", {"CallStatus": "completed", "SequenceNumber": "1"})
    run_worker(runtime, runtime.redis, stop=threading.Event(), in_thread=True, burst=True)
    with runtime.sessions() as session:
        records = list(session.scalars(select(CallRecord)))
    assert len(records) == len(CALLERS)
    hash_key = runtime.settings.hash_key.reveal().encode()  # type: ignore[union-attr]
    vault_id = store_number(
        runtime.sessions,
        runtime.settings,
        call_id=records[0].id,
        caller_key=caller_key(CALLERS[3], hash_key),
        e164=CALLERS[3],
    )
    assert read_number(runtime.sessions, runtime.settings, vault_id, actor="t", purpose="test")
    with runtime.sessions() as session:
        entry = session.get(CallbackVault, vault_id)
        assert entry is not None and entry.ciphertext  # present, and encrypted

    _callbacks_of_every_kind(runtime)

    tables, keys, logs = _dump_tables(runtime), _dump_redis(runtime), _dump_logs(caplog)
    assert "callbacks" in tables and "scheduled_jobs" in tables
    assert "callback_vault" in tables and "call_records" in tables and "hotline:" in keys
    assert logs  # the calls were logged, by call id
    assert _leaks(tables) == []
    assert _leaks(keys) == []
    assert _leaks(logs) == []
