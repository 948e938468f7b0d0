"""Callbacks through the signed webhooks and the services, telephony recorded, not dialled:
the place in line kept, the counselor rung before the caller, machines told nothing, the
caller's local window respected, retries, and nothing of the number left at the end."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import create_engine, select
from sqlalchemy.orm import sessionmaker

from hotline import callbacks
from hotline.call_records.forget import forget
from hotline.config import Secret
from hotline.live.calls import CallStore, LiveCall, new_call_id, now
from hotline.live.presence import Presence
from hotline.live.queue import LiveQueue
from hotline.queue.dispatch import dispatch
from hotline.records.models import AuditEvent, Callback, CallbackVault
from hotline.routing.snapshot import CounselorState
from hotline.runtime import Runtime
from tests.conftest import PUBLIC_URL
from tests.support.caller import Caller, said
from tests.support.desk import PHONES, Desk
from tests.support.twiml import flat
from tests.support.zones import number_open_now

LA = ZoneInfo("America/Los_Angeles")


def _all_busy(d: Desk) -> None:
    """Everyone on call but none free: callers wait (nobody is sent to a backup line)."""
    for counselor_id in d.ids.values():
        Presence(d.runtime.redis).set_state(counselor_id, CounselorState.WRAP_UP, now(), force=True)


def _queued(d: Desk, number: str) -> tuple[Caller, LiveCall]:
    caller = Caller(d.client, number=number)
    verbs = caller.call()
    verbs = caller.give(verbs, "1")  # English
    caller.give(verbs, "1")  # suicidal thoughts
    live = d.live(caller)
    live.queued_at = now() - d.runtime.rules.overflow.callback_offer_after - 1
    CallStore(d.runtime.redis).save(live)
    return caller, live


def _callback(runtime: Runtime) -> Callback:
    with runtime.sessions() as session:
        rows = session.scalars(select(Callback)).all()
    assert len(rows) == 1
    return rows[0]


def _ask_callback(d: Desk, caller: Caller, live: LiveCall) -> list[str]:
    offered = caller.post(f"/voice/hold?call={live.call_id}")
    words = " ".join(v.text for v in said(offered))
    key = d.runtime.rules.callbacks.key
    assert f"press {key}" in words, "the callback is offered once the caller has waited"
    confirmed = caller.give(offered, key)
    assert [v.name for v in confirmed][-1] == "Hangup"
    return [v.text for v in said(confirmed)]


def test_a_callback_asked_from_the_queue_keeps_the_callers_place(desk: Desk) -> None:
    _all_busy(desk)
    policy = desk.runtime.rules.callbacks
    first, first_live = _queued(desk, number_open_now(policy, 201))
    _second, second_live = _queued(desk, number_open_now(policy, 202))
    words = _ask_callback(desk, first, first_live)
    assert any("call you back" in w for w in words)
    cb = _callback(desk.runtime)
    assert cb.status == "queued" and cb.source == "queue"
    queue = LiveQueue(desk.runtime.redis)
    order = desk.runtime.rules.tier_order
    assert queue.position(cb.live_call_id or "", order) == 1, "the callback keeps first place"
    assert queue.position(second_live.call_id, order) == 2
    assert queue.get(first_live.call_id) is None, "the caller's own leg has left the queue"
    # The caller hangs up: their place stays with the callback.
    first.post("/voice/status", {"CallStatus": "completed", "SequenceNumber": "1"})
    assert queue.position(cb.live_call_id or "", order) == 1
    # Ana is free: she is offered the callback (first in line), not the caller still waiting.
    Presence(desk.runtime.redis).set_state(
        desk.ids["Ana"], CounselorState.AVAILABLE, now(), force=True
    )
    dispatch(desk.runtime)
    assert desk.rung() == ["Ana"]
    assert f"call={cb.live_call_id}" not in desk.offer_path()
    counselor = Caller(desk.client, number=PHONES["Ana"], call_sid=str(desk.phone.calls[-1]["sid"]))
    whisper = counselor.post(desk.offer_path())
    joined = counselor.give(whisper, "1")
    assert "Ringing the caller now" in " ".join(v.text for v in said(joined))
    room = [v.text for v in flat(joined) if v.name == "Conference"]
    assert room == [f"hotline-{cb.live_call_id}"]
    assert len(desk.phone.calls) == 1, "the caller is rung only after the counselor accepted"
    live = CallStore(desk.runtime.redis).get(cb.live_call_id or "")
    assert live is not None
    callbacks.ring_caller(desk.runtime, live)
    ring = desk.phone.calls[-1]
    assert ring["to"] == first.number and ring["machine_detection"] is True
    # The caller picks up: a neutral hello, then the same room as the counselor.
    back = Caller(desk.client, number=first.number, call_sid=str(ring["sid"]))
    hello = back.post(str(ring["url"]).removeprefix(PUBLIC_URL), {"AnsweredBy": "human"})
    assert [v.text for v in flat(hello) if v.name == "Conference"] == room
    assert "call back you asked for" in " ".join(v.text for v in said(hello))
    back.post(str(ring["status_callback"]).removeprefix(PUBLIC_URL), {"CallStatus": "completed"})
    done = _callback(desk.runtime)
    assert done.status == "done" and done.attempts == 1
    with desk.runtime.sessions() as session:
        entry = session.get(CallbackVault, done.vault_id)
        assert entry is not None and entry.ciphertext is None and entry.status == "done"
        actions = list(session.scalars(select(AuditEvent.action)))
    assert {"callback.requested", "vault.read", "callback.attempt", "callback.done"} <= set(actions)


def test_an_answering_machine_hears_only_neutral_words_and_the_callback_is_retried(
    desk: Desk,
) -> None:
    _all_busy(desk)
    policy = desk.runtime.rules.callbacks
    caller, live = _queued(desk, number_open_now(policy, 203))
    _ask_callback(desk, caller, live)
    Presence(desk.runtime.redis).set_state(
        desk.ids["Ana"], CounselorState.AVAILABLE, now(), force=True
    )
    dispatch(desk.runtime)
    counselor = Caller(desk.client, number=PHONES["Ana"], call_sid=str(desk.phone.calls[-1]["sid"]))
    counselor.give(counselor.post(desk.offer_path()), "1")
    cb = _callback(desk.runtime)
    callback_live = CallStore(desk.runtime.redis).get(cb.live_call_id or "")
    assert callback_live is not None
    callbacks.ring_caller(desk.runtime, callback_live)
    ring = desk.phone.calls[-1]
    machine = Caller(desk.client, number=caller.number, call_sid=str(ring["sid"]))
    greeting = machine.post(
        str(ring["url"]).removeprefix(PUBLIC_URL), {"AnsweredBy": "machine_end_beep"}
    )
    spoken = " ".join(v.text for v in said(greeting))
    assert spoken == policy.voicemail_message
    assert not [v for v in flat(greeting) if v.name in ("Conference", "Dial")]
    machine.post(str(ring["status_callback"]).removeprefix(PUBLIC_URL), {"CallStatus": "completed"})
    retry = _callback(desk.runtime)
    assert retry.status == "scheduled" and retry.last_outcome == "voicemail"
    delay = (retry.due_at.replace(tzinfo=dt.UTC) - dt.datetime.now(dt.UTC)).total_seconds()
    assert delay >= policy.delay_after(1) - 5, "the rules' backoff before the next attempt"
    # The counselor waiting in the room is told, and their leg ends.
    assert desk.phone.redirects[-1] == (
        str(desk.phone.calls[0]["sid"]),
        f"{PUBLIC_URL}/voice/callback/unreached",
    )
    with desk.runtime.sessions() as session:
        entry = session.get(CallbackVault, retry.vault_id)
        assert entry is not None and entry.ciphertext, "kept for the next attempt"


def test_after_the_last_attempt_the_number_is_erased(desk: Desk) -> None:
    _all_busy(desk)
    policy = desk.runtime.rules.callbacks
    caller, live = _queued(desk, number_open_now(policy, 204))
    _ask_callback(desk, caller, live)
    cb = _callback(desk.runtime)
    with desk.runtime.sessions.begin() as session:
        row = session.get(Callback, cb.id)
        assert row is not None
        row.attempts, row.status = policy.max_attempts, "calling"
    callbacks.attempt_failed(desk.runtime, cb.id, "no-answer")
    gone = _callback(desk.runtime)
    assert gone.status == "failed"
    with desk.runtime.sessions() as session:
        entry = session.get(CallbackVault, gone.vault_id)
        assert entry is not None and entry.ciphertext is None and entry.status == "expired"
        assert "callback.gave_up" in set(session.scalars(select(AuditEvent.action)))


def _connected_call(runtime: Runtime, number: str) -> LiveCall:
    """A call a counselor has just finished, as the console's wrap-up sees it."""
    call = LiveCall(
        call_id=new_call_id(),
        call_sid="CA" + "7" * 32,
        started_at=now() - 900,
        script_version="v",
        rules_version=runtime.rules.version,
        caller_key="k" * 64,
        stage="connected",
        queued_at=now() - 800,
        language="en",
        topic="youth",
        tier="standard",
        connected_at=now() - 700,
    )
    CallStore(runtime.redis).create(call)
    runtime.telephony.numbers[call.call_sid] = number  # type: ignore[attr-defined]
    return call


def _agree(
    desk: Desk,
    call: LiveCall,
    earliest: dt.datetime,
    *,
    latest: dt.datetime | None = None,
    urgent: bool = False,
) -> callbacks.FollowUp:
    return callbacks.agree_follow_up(
        desk.runtime,
        call_id=call.call_id,
        counselor_id=desk.ids["Li"],
        earliest=earliest,
        latest=latest,
        urgent=urgent,
        actor="counselor:Li",
    )


def _next_3am_in_la() -> dt.datetime:
    local = dt.datetime.now(LA).replace(hour=3, minute=0, second=0, microsecond=0)
    return local + dt.timedelta(days=1)


def test_a_follow_up_due_at_3am_waits_until_the_window_opens(desk: Desk) -> None:
    call = _connected_call(desk.runtime, "+14155550205")  # Los Angeles
    at_three = _next_3am_in_la()
    agreed = _agree(desk, call, at_three)
    assert agreed.scheduled and agreed.due_at is not None
    assert agreed.due_at.astimezone(LA).strftime("%H:%M") == "08:00"
    assert agreed.due_at.astimezone(LA).date() == at_three.date()
    queue = LiveQueue(desk.runtime.redis)
    assert callbacks.release(desk.runtime, agreed.callback_id or "", at=at_three.timestamp()) == 0
    assert queue.waiting() == []
    opens = agreed.due_at.timestamp()
    assert callbacks.release(desk.runtime, agreed.callback_id or "", at=opens + 1) == 1
    [waiting] = queue.waiting()
    assert waiting.callback and waiting.preferred_counselor == desk.ids["Li"]
    assert (waiting.language, waiting.topic) == ("en", "youth")


def test_an_urgent_follow_up_may_ring_at_night(desk: Desk) -> None:
    call = _connected_call(desk.runtime, "+14155550206")
    at_three = _next_3am_in_la()
    agreed = _agree(desk, call, at_three, urgent=True)
    assert agreed.scheduled and agreed.due_at == at_three.astimezone(dt.UTC)
    assert callbacks.release(desk.runtime, agreed.callback_id or "", at=at_three.timestamp()) == 1


@pytest.mark.parametrize("withheld", ["anonymous", "+266696687", ""])
def test_a_follow_up_for_a_withheld_number_is_refused_with_the_reason(
    desk: Desk, withheld: str
) -> None:
    call = _connected_call(desk.runtime, withheld)
    agreed = _agree(desk, call, dt.datetime.now(dt.UTC))
    assert not agreed.scheduled and "withheld" in agreed.reason
    with desk.runtime.sessions() as session:
        assert session.scalars(select(CallbackVault)).all() == []


def test_a_window_that_closes_before_the_callback_could_ring_is_refused(desk: Desk) -> None:
    call = _connected_call(desk.runtime, "+14155550207")
    at_three = _next_3am_in_la()
    agreed = _agree(desk, call, at_three, latest=at_three + dt.timedelta(hours=2))
    assert not agreed.scheduled and "calling hours" in agreed.reason


def test_callbacks_lost_with_redis_are_put_back_in_their_place(desk: Desk) -> None:
    _all_busy(desk)
    policy = desk.runtime.rules.callbacks
    caller, live = _queued(desk, number_open_now(policy, 208))
    entered = live.queued_at
    _ask_callback(desk, caller, live)
    desk.runtime.redis.flushdb()  # Redis restarted with nothing kept
    assert LiveQueue(desk.runtime.redis).waiting() == []
    assert callbacks.release_due(desk.runtime) == 1
    [back] = LiveQueue(desk.runtime.redis).waiting()
    assert back.callback and back.entered_at == pytest.approx(entered)


def test_forgetting_a_caller_cancels_their_callbacks(desk: Desk) -> None:
    _all_busy(desk)
    policy = desk.runtime.rules.callbacks
    number = number_open_now(policy, 209)
    caller, live = _queued(desk, number)
    _ask_callback(desk, caller, live)
    report = forget(desk.runtime, number, actor="test")
    assert report.callbacks == 1
    cb = _callback(desk.runtime)
    assert cb.status == "cancelled" and cb.caller_key is None
    assert LiveQueue(desk.runtime.redis).waiting() == []
    with desk.runtime.sessions() as session:
        assert session.scalars(select(CallbackVault)).all() == []


@pytest.mark.parametrize("fault", ["vault key", "database"])
@pytest.mark.parametrize("language", [("1", "en"), ("2", "zh"), ("3", "yue")])
def test_a_callback_that_cannot_be_arranged_is_said_and_the_caller_keeps_their_place(
    desk: Desk, fault: str, language: tuple[str, str], caplog: pytest.LogCaptureFixture
) -> None:
    _all_busy(desk)
    policy = desk.runtime.rules.callbacks
    number = number_open_now(policy, 203)
    caller = Caller(desk.client, number=number)
    caller.give(caller.give(caller.call(), language[0]), "1")
    live = desk.live(caller)
    live.queued_at = now() - desk.runtime.rules.overflow.callback_offer_after - 1
    CallStore(desk.runtime.redis).save(live)
    offered = caller.post(f"/voice/hold?call={live.call_id}")
    assert any(v.name == "Gather" for v in flat(offered)), "the callback key is offered"
    if fault == "vault key":
        desk.runtime.settings = desk.runtime.settings.replace(data_key=Secret("notafernetkey"))
    else:  # the database is gone: a server that does not answer
        desk.runtime.sessions = sessionmaker(create_engine("postgresql+psycopg://x@127.0.0.1:1/x"))
    heard = caller.give(offered, desk.runtime.rules.callbacks.key)
    words = " ".join(v.text for v in said(heard))
    expected = desk.runtime.scripts.current.message(language[1], "callback_failed")
    assert expected and expected[0].text in words, "told, in their language"  # type: ignore[union-attr]
    assert [v.name for v in heard][-1] == "Redirect", "still holding, not hung up"
    assert "Hangup" not in [v.name for v in flat(heard)]
    order = desk.runtime.rules.tier_order
    assert LiveQueue(desk.runtime.redis).position(live.call_id, order) == 1, "their place kept"
    failure = [r for r in caplog.records if "could not be arranged" in r.getMessage()]
    assert [r.reason for r in failure] == [  # type: ignore[attr-defined]
        "DATA_KEY unusable" if fault == "vault key" else "database unavailable"
    ]
    logged = " ".join(str(vars(r)) for r in caplog.records)
    assert number not in logged and number.lstrip("+") not in logged
