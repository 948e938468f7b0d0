"""Filing a wrap-up: it lands on the record of the call it names, and on no other; only
the counselor who took the call files it; filing the call the wrap-up time runs for
frees the counselor for the next caller."""

from __future__ import annotations

import datetime as dt

from hotline.console.wrap_up import WrapUp, file_wrap_up, parse
from hotline.live.presence import Presence
from hotline.records.models import CallRecord
from hotline.routing.snapshot import CounselorState
from hotline.runtime import Runtime
from tests.support.memory import Memory
from tests.support.service_calls import ENGLISH_SUICIDE, hang_up, state_of, talking


def _form(call_id: str, **fields: str) -> WrapUp:
    """The console's wrap-up form as the counselor sends it, read as the view reads it."""
    form = {"call_id": [call_id], "disposition": ["support_given"], "risk_level": ["moderate"]}
    form.update({name: [value] for name, value in fields.items()})
    return parse(form, zone=dt.UTC, at=dt.datetime.now(dt.UTC))


def _record(runtime: Runtime, call_id: str) -> CallRecord:
    with runtime.sessions() as session:
        record = session.get(CallRecord, call_id)
    assert record is not None
    return record


def test_a_late_wrap_up_lands_on_its_own_call_and_not_on_the_one_just_ended(
    memory: Memory, on_call: dict[str, str]
) -> None:
    runtime, ana = memory.runtime, on_call["Ana"]
    first = talking(runtime, memory.phone, "+14155550351", *ENGLISH_SUICIDE)
    hang_up(runtime, memory.phone, first)
    Presence(runtime.redis).set_state(ana, CounselorState.AVAILABLE, 0, force=True)
    for name in ("Li", "Zhang"):
        Presence(runtime.redis).set_state(on_call[name], CounselorState.AWAY, 0, force=True)
    second = talking(runtime, memory.phone, "+14155550352", *ENGLISH_SUICIDE)
    hang_up(runtime, memory.phone, second)
    assert state_of(runtime, ana) == CounselorState.WRAP_UP, "wrap-up time for the second"
    memory.jobs.pending.clear()

    filed = file_wrap_up(runtime, _form(first.call_id), counselor_id=ana, actor="counselor:Ana")
    assert filed.outcome == "saved"
    assert _record(runtime, first.call_id).disposition == ["support_given"]
    assert _record(runtime, first.call_id).risk_level == "moderate"
    assert _record(runtime, second.call_id).disposition is None, "the other call is untouched"
    assert not filed.wrap_up_ended, "the first call's wrap-up does not end the second's"
    assert state_of(runtime, ana) == CounselorState.WRAP_UP

    done = file_wrap_up(
        runtime, _form(second.call_id, risk_level="low"), counselor_id=ana, actor="counselor:Ana"
    )
    assert done.outcome == "saved" and done.wrap_up_ended
    assert _record(runtime, second.call_id).risk_level == "low"
    assert _record(runtime, first.call_id).risk_level == "moderate"
    assert state_of(runtime, ana) == CounselorState.AVAILABLE
    assert memory.jobs.names() == ["dispatch"], "a waiting caller is offered at once"


def test_another_counselor_cannot_file_the_call(memory: Memory, on_call: dict[str, str]) -> None:
    runtime = memory.runtime
    call = talking(runtime, memory.phone, "+14155550353", *ENGLISH_SUICIDE)
    hang_up(runtime, memory.phone, call)
    filed = file_wrap_up(runtime, _form(call.call_id), counselor_id=on_call["Li"], actor="Li")
    assert filed.outcome == "not_yours"
    assert _record(runtime, call.call_id).disposition is None


def test_a_wrap_up_before_the_record_is_written_is_kept_to_try_again(
    memory: Memory, on_call: dict[str, str]
) -> None:
    runtime = memory.runtime
    call = talking(runtime, memory.phone, "+14155550354", *ENGLISH_SUICIDE)
    early = file_wrap_up(runtime, _form(call.call_id), counselor_id=on_call["Ana"], actor="Ana")
    assert early.outcome == "not_yet"
    hang_up(runtime, memory.phone, call)
    again = file_wrap_up(runtime, _form(call.call_id), counselor_id=on_call["Ana"], actor="Ana")
    assert again.outcome == "saved"


def test_a_form_without_its_answers_names_them_and_saves_nothing(
    memory: Memory, on_call: dict[str, str]
) -> None:
    runtime = memory.runtime
    call = talking(runtime, memory.phone, "+14155550355", *ENGLISH_SUICIDE)
    hang_up(runtime, memory.phone, call)
    wrap = parse({"call_id": [call.call_id]}, zone=dt.UTC, at=dt.datetime.now(dt.UTC))
    assert wrap.errors == {"disposition": "required", "risk_level": "required"}
    filed = file_wrap_up(runtime, wrap, counselor_id=on_call["Ana"], actor="Ana")
    assert filed.outcome == "invalid"
    assert _record(runtime, call.call_id).disposition is None
