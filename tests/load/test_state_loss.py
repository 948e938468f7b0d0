"""What the load test's Redis restart does, one step at a time: Redis comes back empty
(no persistence) while a caller holds and a counselor talks.

The caller must still be counted (one record per call), and the counselor, still on
the phone, must not be offered a second caller once the roster is synced again.
"""

from __future__ import annotations

import threading

import pytest
from flask.testing import FlaskClient
from sqlalchemy import func, select

from hotline.jobs import run_worker
from hotline.live.calls import CallStore, now
from hotline.privacy import caller_key
from hotline.queue.dispatch import accept, dispatch
from hotline.queue.presence import sync_roster
from hotline.records.models import CallRecord
from hotline.roster import CounselorEntry, Roster
from hotline.runtime import Runtime
from hotline.staffing.roster import save_roster
from hotline.telephony.client import FakeTelephony
from tests.support.caller import Caller, names

ANA = "+14155550101"


def _queue(client: FlaskClient, number: str) -> Caller:
    """A caller through the menus (English, suicide) into the hold loop."""
    caller = Caller(client, number=number)
    caller.follow(caller.give(caller.give(caller.call(), "1"), "1"))
    return caller


def _records(runtime: Runtime) -> int:
    run_worker(runtime, runtime.redis, stop=threading.Event(), in_thread=True, burst=True)
    with runtime.sessions() as session:
        return int(session.scalar(select(func.count()).select_from(CallRecord)) or 0)


def test_a_caller_holding_when_redis_loses_its_state_is_overflowed_and_recorded(
    client: FlaskClient,
    runtime: Runtime,
) -> None:
    runtime.telephony = FakeTelephony()
    caller = _queue(client, "+14155550142")  # nobody on call: holding
    runtime.redis.flushdb()  # Redis restarted with no persistence
    verbs = caller.post(caller.url)  # the next turn of the hold loop
    assert "Dial" in names(verbs), "lost from the queue, the caller goes to a backup line"
    caller.post("/voice/status", {"CallStatus": "completed", "SequenceNumber": "3"})
    assert _records(runtime) == 1, "every call has a record, also one whose state was lost"


def test_a_counselor_talking_when_redis_loses_its_state_is_not_offered_another_caller(
    client: FlaskClient,
    runtime: Runtime,
) -> None:
    phone = FakeTelephony()
    runtime.telephony = phone
    entry = CounselorEntry("Ana", ANA, ("en",), ("suicide",), "counselor", True, ())
    save_roster(runtime.sessions, Roster("UTC", (entry,)), actor="test")
    sync_roster(runtime, at=now())
    _queue(client, "+14155550142")
    dispatch(runtime)
    [ring] = phone.calls
    offer_id = str(ring["url"]).split("offer=")[1]
    assert accept(runtime, offer_id) is not None  # Ana is talking with the first caller
    runtime.redis.flushdb()  # Redis restarted with no persistence; Ana talks on
    sync_roster(runtime, at=now())  # the scheduler's first run once Redis is back
    _queue(client, "+14155550143")
    dispatch(runtime)
    assert [c["to"] for c in phone.calls] == [ANA], "Ana is on a call: she must not be rung"


def test_a_call_ending_while_redis_is_down_still_gets_one_record(
    runtime: Runtime, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The status callback reaches a web process that cannot reach Redis: once its grace
    for a restart is over, the record is written straight to the database, from what the
    callback itself says."""
    from hotline.calls import status

    monkeypatch.setattr(status, "REDIS_GRACE", 0.5)

    from hotline.bootstrap import on_redis
    from hotline.platform.redis import connect
    from hotline.web import create_app

    down = on_redis(runtime, connect(runtime.settings.replace(redis_url="redis://127.0.0.1:1/0")))
    app = create_app(runtime.settings, runtime=down)
    app.config["TESTING"] = True
    caller = Caller(app.test_client(), number="+14155550144")
    ended = {"CallStatus": "completed", "SequenceNumber": "4", "CallDuration": "95"}
    caller.post("/voice/status", ended)
    caller.post("/voice/status", ended)  # delivered twice
    with runtime.sessions() as session:
        [record] = session.scalars(select(CallRecord)).all()
    assert record.outcome == "state_lost" and record.region == "US/CA"
    assert record.caller_key is not None


def test_after_a_restart_only_calls_that_began_before_it_are_said_lost(
    client: FlaskClient,
    runtime: Runtime,
) -> None:
    """A call that hangs up in the menus is unknown to Redis at its end (the menus keep
    their state in the URLs). Only one that began before Redis came back empty may have
    lost its state; one that began after it hung up in the menus."""
    runtime.telephony = FakeTelephony()
    holding = _queue(client, "+14155550145")
    in_menus = Caller(client, number="+14155550146")
    in_menus.call()
    runtime.redis.flushdb()  # Redis restarted with no persistence
    runtime.in_force.refresh()  # every process looks at Redis within ~2 s
    later = Caller(client, number="+14155550147")
    later.call()
    for caller, seconds in ((holding, "60"), (in_menus, "30"), (later, "0")):
        ended = {"CallStatus": "completed", "SequenceNumber": "9", "CallDuration": seconds}
        caller.post("/voice/status", ended)
    assert _records(runtime) == 3
    hash_key = runtime.settings.hash_key.reveal().encode() if runtime.settings.hash_key else b""
    with runtime.sessions() as session:
        outcomes = {r.caller_key: r.outcome for r in session.scalars(select(CallRecord))}
    assert [outcomes[caller_key(c.number, hash_key)] for c in (holding, in_menus, later)] == [
        "state_lost",
        "state_lost",
        "hung_up_ivr",
    ]


def test_a_caller_in_the_menus_sent_on_while_redis_is_down_is_recorded_overflowed(
    client: FlaskClient, runtime: Runtime
) -> None:
    """With Redis kept across a restart, nothing is lost: a caller who was in the menus
    during the outage was dialled through to the backup line, and says so in the record."""
    from hotline.bootstrap import on_redis
    from hotline.platform.redis import connect
    from hotline.web import create_app

    runtime.telephony = FakeTelephony()
    caller = Caller(client, number="+14155550148")
    menu = caller.call()
    down = on_redis(runtime, connect(runtime.settings.replace(redis_url="redis://127.0.0.1:1/0")))
    app = create_app(runtime.settings, runtime=down)
    app.config["TESTING"] = True
    caller.client = app.test_client()
    verbs = caller.give(menu, "1")  # leaving the first menu needs no Redis ...
    verbs = caller.give(verbs, "1")  # ... joining the queue does: dialled through
    assert "Dial" in names(verbs)
    caller.client = client  # Redis is back (with its data); the call ends
    ended = {"CallStatus": "completed", "SequenceNumber": "5", "CallDuration": "400"}
    caller.post("/voice/status", ended)
    caller.post("/voice/status", ended)  # delivered twice
    assert _records(runtime) == 1
    with runtime.sessions() as session:
        [record] = session.scalars(select(CallRecord)).all()
    assert record.outcome == "overflowed"


def test_a_caller_holding_through_a_short_redis_outage_keeps_holding_then_goes_on(
    client: FlaskClient, runtime: Runtime
) -> None:
    """A Redis that persists comes back from a restart in seconds, with the caller's place:
    for two hold turns the caller keeps holding; only a longer outage sends them on."""
    from hotline.bootstrap import on_redis
    from hotline.live.queue import LiveQueue
    from hotline.platform.redis import connect
    from hotline.web import create_app
    from tests.support.caller import said

    runtime.telephony = FakeTelephony()
    caller = _queue(client, "+14155550149")
    hold_url = caller.url
    down = on_redis(runtime, connect(runtime.settings.replace(redis_url="redis://127.0.0.1:1/0")))
    app = create_app(runtime.settings, runtime=down)
    app.config["TESTING"] = True
    caller.client = app.test_client()
    first = caller.post(hold_url)
    assert "Dial" not in names(first)
    assert "still in line" in " ".join(v.text for v in said(first))
    second = caller.follow(first)
    assert "outage=1" in caller.url and "Dial" not in names(second)
    after_outage_1 = caller.url
    third = caller.follow(second)
    assert "Dial" in names(third), "a longer outage: the backup line"
    caller.client = client  # Redis back, with its data: the loop goes on in their place
    back = caller.post(after_outage_1)
    assert "Dial" not in names(back) and "Redirect" in names(back)
    call = CallStore(runtime.redis).by_sid(caller.call_sid)
    assert call is not None
    assert LiveQueue(runtime.redis).position(call.call_id, runtime.rules.tier_order) == 1
