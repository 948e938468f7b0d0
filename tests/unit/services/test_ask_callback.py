"""Asking for a callback from the queue: the caller keeps their place in line, and their
number is kept nowhere but the encrypted vault."""

from __future__ import annotations

from sqlalchemy import select

from hotline.calls.hold import ask_callback, callback_choice
from hotline.live.calls import CallStore
from hotline.live.queue import LiveQueue
from hotline.queue.dispatch import dispatch
from hotline.records import vault
from hotline.records.models import AuditEvent, Callback
from hotline.runtime import Runtime
from tests.support.memory import Memory, everything_stored
from tests.support.service_calls import ENGLISH_SUICIDE, call_in, waited
from tests.support.zones import number_open_now


def _callback(runtime: Runtime) -> Callback:
    with runtime.sessions() as session:
        [row] = session.scalars(select(Callback)).all()
    return row


def test_the_caller_keeps_their_place_and_the_number_is_only_in_the_vault(
    memory: Memory,
) -> None:
    runtime = memory.runtime
    policy = runtime.rules.callbacks
    number, later_number = number_open_now(policy, 301), number_open_now(policy, 302)
    first = call_in(runtime, number, *ENGLISH_SUICIDE)
    second = call_in(runtime, later_number, *ENGLISH_SUICIDE)
    waited(runtime, first, runtime.rules.overflow.callback_offer_after + 1)

    choice = callback_choice(runtime, first, number)
    assert choice.open and choice.key == policy.key, "offered once the caller has waited"
    assert ask_callback(runtime, first, choice) == "arranged"

    cb = _callback(runtime)
    queue, order = LiveQueue(runtime.redis), runtime.rules.tier_order
    assert cb.source == "queue" and cb.status == "queued"
    assert queue.position(cb.live_call_id or "", order) == 1, "the callback keeps first place"
    assert queue.position(second.call_id, order) == 2
    assert queue.get(first.call_id) is None, "the caller's own leg has left the line"
    left = CallStore(runtime.redis).get(first.call_id)
    assert left is not None and left.stage == "callback"
    assert "dispatch" in memory.jobs.names(), "a counselor is looked for at once"

    digits = number.lstrip("+")
    assert digits[-8:] not in everything_stored(runtime), "no number in Redis or the tables"
    read = vault.read_number(
        runtime.sessions, runtime.settings, cb.vault_id, actor="test", purpose="check"
    )
    assert read == number, "the vault holds it, encrypted, for the call back"
    with runtime.sessions() as session:
        actions = set(session.scalars(select(AuditEvent.action)))
    assert {"callback.requested", "vault.read"} <= actions


def test_a_caller_who_just_joined_is_not_offered_the_callback_key(runtime: Runtime) -> None:
    number = number_open_now(runtime.rules.callbacks, 303)
    call = call_in(runtime, number, *ENGLISH_SUICIDE)
    assert not callback_choice(runtime, call, number).open
    waited(runtime, call, runtime.rules.overflow.callback_offer_after + 1)
    assert callback_choice(runtime, call, number).open


def test_a_withheld_number_is_never_offered_a_callback(runtime: Runtime) -> None:
    call = call_in(runtime, "anonymous", *ENGLISH_SUICIDE)
    waited(runtime, call, runtime.rules.overflow.callback_offer_after + 1)
    choice = callback_choice(runtime, call, "anonymous")
    assert not choice.open
    assert ask_callback(runtime, call, choice) == "not_now"
    assert LiveQueue(runtime.redis).get(call.call_id) is not None, "still in line"


def test_while_a_counselor_is_rung_for_them_the_caller_stays_on_the_line(
    memory: Memory, on_call: dict[str, str]
) -> None:
    runtime = memory.runtime
    number = number_open_now(runtime.rules.callbacks, 304)
    call = call_in(runtime, number, *ENGLISH_SUICIDE)
    waited(runtime, call, runtime.rules.overflow.callback_offer_after + 1)
    assert dispatch(runtime).offered == [(call.call_id, on_call["Ana"])]
    fresh = CallStore(runtime.redis).get(call.call_id)
    assert fresh is not None
    assert ask_callback(runtime, fresh, callback_choice(runtime, fresh, number)) == "not_now"
    with runtime.sessions() as session:
        assert session.scalars(select(Callback)).all() == [], "no callback arranged"
    assert LiveQueue(runtime.redis).get(call.call_id) is not None, "their place is kept"
