"""Wrap-up notes: refused unless the rules enable them; encrypted at rest; every read
audited; erased with the caller key."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select

from hotline.call_records.retention import purge
from hotline.console.notes import MAX_NOTE, NoteError, read_note, save_note
from hotline.records.models import AuditEvent, CallRecord
from hotline.runtime import Runtime

WORDS = "Agreed safety plan; sister is staying over tonight."


def _record(runtime: Runtime, started: dt.datetime) -> str:
    with runtime.sessions.begin() as session:
        session.add(
            CallRecord(id="call-1", caller_key="k" * 64, started_at=started, outcome="answered")
        )
    return "call-1"


def test_a_note_is_refused_when_the_rules_turn_notes_off(runtime: Runtime) -> None:
    call_id = _record(runtime, dt.datetime.now(dt.UTC))
    assert runtime.rules.retention.notes_enabled is False  # the shipped default
    with pytest.raises(NoteError, match="turned off"):
        save_note(
            runtime.sessions,
            runtime.settings,
            call_id=call_id,
            text=WORDS,
            actor="c",
            enabled=False,
        )


def test_a_note_is_encrypted_read_with_an_audit_and_erased_with_the_caller_key(
    runtime: Runtime,
) -> None:
    started = dt.datetime.now(dt.UTC) - dt.timedelta(days=200)
    call_id = _record(runtime, started)
    save_note(
        runtime.sessions, runtime.settings, call_id=call_id, text=WORDS, actor="c", enabled=True
    )
    with runtime.sessions() as session:
        stored = session.get(CallRecord, call_id)
        assert stored is not None and stored.note is not None
        assert b"safety" not in stored.note and b"sister" not in stored.note
    assert read_note(runtime.sessions, runtime.settings, call_id=call_id, actor="sup") == WORDS
    with runtime.sessions() as session:
        reads = session.scalars(select(AuditEvent).where(AuditEvent.action == "note.read")).all()
    assert [(a.actor, a.detail["found"]) for a in reads] == [("sup", True)]
    with pytest.raises(NoteError, match="at most"):
        save_note(
            runtime.sessions,
            runtime.settings,
            call_id=call_id,
            text="x" * (MAX_NOTE + 1),
            actor="c",
            enabled=True,
        )
    purge(runtime, dt.datetime.now(dt.UTC))  # past caller_key_days (90)
    assert read_note(runtime.sessions, runtime.settings, call_id=call_id, actor="sup") is None
