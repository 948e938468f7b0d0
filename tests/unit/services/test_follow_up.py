"""A follow-up agreed at wrap-up: the number comes from Twilio's log of the call at the
moment of consent, straight into the vault; the caller's waking hours are kept."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select

from hotline.records.models import Callback, CallbackVault
from tests.support.memory import Memory, everything_stored
from tests.support.service_calls import (
    ENGLISH_SUICIDE,
    LA,
    LA_NUMBER,
    agree,
    next_3am_in_la,
    talking,
)


def test_a_follow_up_for_3am_is_due_when_the_callers_morning_opens(
    memory: Memory, on_call: dict[str, str]
) -> None:
    runtime = memory.runtime
    call = talking(runtime, memory.phone, LA_NUMBER, *ENGLISH_SUICIDE)
    at_three = next_3am_in_la()
    agreed = agree(runtime, call.call_id, on_call["Ana"], at_three)
    assert agreed.scheduled and agreed.due_at is not None
    assert agreed.due_at.astimezone(LA).strftime("%H:%M") == "08:00"
    assert agreed.due_at.astimezone(LA).date() == at_three.date()
    with runtime.sessions() as session:
        [cb] = session.scalars(select(Callback)).all()
    assert (cb.source, cb.status, cb.counselor_id) == ("follow_up", "scheduled", on_call["Ana"])
    assert LA_NUMBER.lstrip("+")[-8:] not in everything_stored(runtime), "only encrypted"


def test_an_urgent_follow_up_keeps_its_hour_even_at_night(
    memory: Memory, on_call: dict[str, str]
) -> None:
    runtime = memory.runtime
    call = talking(runtime, memory.phone, LA_NUMBER, *ENGLISH_SUICIDE)
    at_three = next_3am_in_la()
    agreed = agree(runtime, call.call_id, on_call["Ana"], at_three, urgent=True)
    assert agreed.scheduled and agreed.due_at == at_three.astimezone(dt.UTC)


@pytest.mark.parametrize("withheld", ["anonymous", "+266696687", ""])
def test_a_withheld_number_is_refused_with_the_reason_and_nothing_is_kept(
    memory: Memory, on_call: dict[str, str], withheld: str
) -> None:
    runtime = memory.runtime
    call = talking(runtime, memory.phone, LA_NUMBER, *ENGLISH_SUICIDE)
    memory.phone.numbers[call.call_sid] = withheld  # what Twilio's log says of it
    agreed = agree(runtime, call.call_id, on_call["Ana"], dt.datetime.now(dt.UTC))
    assert not agreed.scheduled and "withheld" in agreed.reason
    with runtime.sessions() as session:
        assert session.scalars(select(CallbackVault)).all() == []
        assert session.scalars(select(Callback)).all() == []


def test_hours_that_close_before_the_callers_morning_are_refused(
    memory: Memory, on_call: dict[str, str]
) -> None:
    runtime = memory.runtime
    call = talking(runtime, memory.phone, LA_NUMBER, *ENGLISH_SUICIDE)
    at_three = next_3am_in_la()
    agreed = agree(
        runtime, call.call_id, on_call["Ana"], at_three, latest=at_three + dt.timedelta(hours=2)
    )
    assert not agreed.scheduled and "calling hours" in agreed.reason
    assert "08:00 to 22:00" in agreed.reason


def test_one_call_gets_one_follow_up(memory: Memory, on_call: dict[str, str]) -> None:
    runtime = memory.runtime
    call = talking(runtime, memory.phone, LA_NUMBER, *ENGLISH_SUICIDE)
    at_three = next_3am_in_la()
    assert agree(runtime, call.call_id, on_call["Ana"], at_three).scheduled
    again = agree(runtime, call.call_id, on_call["Ana"], at_three)
    assert not again.scheduled and "already arranged" in again.reason
