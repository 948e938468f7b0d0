"""A due callback joins the queue, offered first to the counselor who agreed it; one whose
caller's window is shut waits for the morning; one past its last hour is given up and
its number erased."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select

from hotline.callbacks import release, release_due
from hotline.live.calls import now
from hotline.live.presence import Presence
from hotline.live.queue import LiveQueue
from hotline.queue.dispatch import dispatch
from hotline.records.models import Callback, CallbackVault
from hotline.routing.snapshot import CounselorState
from hotline.runtime import Runtime
from tests.support.memory import Memory
from tests.support.service_calls import (
    ENGLISH_SUICIDE,
    LA,
    LA_NUMBER,
    agree,
    hang_up,
    next_3am_in_la,
    rung,
    talking,
)


def _callback(runtime: Runtime) -> Callback:
    with runtime.sessions() as session:
        [row] = session.scalars(select(Callback)).all()
    return row


def _agreed_with_li(
    memory: Memory, on_call: dict[str, str], latest: dt.datetime | None = None
) -> str:
    """Li talked with the caller (Ana was away), agreed a follow-up from 3am their time,
    and hung up; Ana is back, idle longest."""
    runtime = memory.runtime
    presence = Presence(runtime.redis)
    presence.set_state(on_call["Ana"], CounselorState.AWAY, now(), force=True)
    call = talking(runtime, memory.phone, LA_NUMBER, *ENGLISH_SUICIDE)
    assert rung(memory.phone) == ["Li"]
    agreed = agree(runtime, call.call_id, on_call["Li"], next_3am_in_la(), latest=latest)
    assert agreed.scheduled and agreed.callback_id
    hang_up(runtime, memory.phone, call)
    presence.set_state(on_call["Ana"], CounselorState.AVAILABLE, now() - 3600, force=True)
    memory.jobs.pending.clear()
    return agreed.callback_id


def test_a_due_callback_joins_the_queue_for_the_counselor_who_agreed_it(
    memory: Memory, on_call: dict[str, str]
) -> None:
    runtime = memory.runtime
    callback_id = _agreed_with_li(memory, on_call)
    opens = _callback(runtime).due_at.replace(tzinfo=dt.UTC).timestamp()
    assert release(runtime, callback_id, at=opens - 60) == 0, "not due yet"
    assert LiveQueue(runtime.redis).waiting() == []

    assert release(runtime, callback_id, at=opens + 1) == 1
    [waiting] = LiveQueue(runtime.redis).waiting()
    assert waiting.callback and waiting.preferred_counselor == on_call["Li"]
    assert (waiting.language, waiting.topic) == ("en", "suicide")
    assert memory.jobs.names() == ["dispatch"]
    assert release(runtime, callback_id, at=opens + 2) == 0, "released once"

    dispatch(runtime, at=opens + 2)  # Li is back from wrap-up by then
    assert rung(memory.phone) == ["Li", "Li"], "Li, not Ana; the counselor before the caller"


def test_a_callback_due_while_the_callers_window_is_shut_waits_for_the_morning(
    memory: Memory, on_call: dict[str, str]
) -> None:
    runtime = memory.runtime
    callback_id = _agreed_with_li(memory, on_call)
    due = _callback(runtime).due_at.replace(tzinfo=dt.UTC)
    late = due.astimezone(LA).replace(hour=23).timestamp()  # due since 08:00; now 23:00
    assert release(runtime, callback_id, at=late) == 0
    moved = _callback(runtime).due_at.replace(tzinfo=dt.UTC).astimezone(LA)
    assert moved.strftime("%H:%M") == "08:00"
    assert moved.date() == due.astimezone(LA).date() + dt.timedelta(days=1)
    assert LiveQueue(runtime.redis).waiting() == []


def test_a_waiting_callback_leaves_the_line_when_the_callers_window_shuts(
    memory: Memory, on_call: dict[str, str]
) -> None:
    runtime = memory.runtime
    callback_id = _agreed_with_li(memory, on_call)
    due = _callback(runtime).due_at.replace(tzinfo=dt.UTC)
    assert release(runtime, callback_id, at=due.timestamp() + 1) == 1
    late = due.astimezone(LA).replace(hour=22, minute=30).timestamp()
    release_due(runtime, at=late)
    assert LiveQueue(runtime.redis).waiting() == [], "no ring at 22:30 the caller's time"
    cb = _callback(runtime)
    assert cb.status == "scheduled"
    assert cb.due_at.replace(tzinfo=dt.UTC).astimezone(LA).strftime("%H:%M") == "08:00"


def test_past_its_last_hour_a_callback_is_given_up_and_the_number_erased(
    memory: Memory, on_call: dict[str, str]
) -> None:
    runtime = memory.runtime
    latest = next_3am_in_la() + dt.timedelta(hours=7)  # 10:00 their time
    callback_id = _agreed_with_li(memory, on_call, latest=latest)
    assert release(runtime, callback_id, at=latest.timestamp() + 1) == 0
    cb = _callback(runtime)
    assert (cb.status, cb.last_outcome) == ("failed", "window_passed")
    with runtime.sessions() as session:
        entry = session.get(CallbackVault, cb.vault_id)
    assert entry is not None and entry.ciphertext is None and entry.status == "expired"
