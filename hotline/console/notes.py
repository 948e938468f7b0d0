"""Wrap-up notes: off unless the rules enable them; encrypted at rest; supervisors only.

A note is the one piece of free text the service may keep. It is encrypted with the
vault's keys (DATA_KEY, newest first), limited in length, never logged, and erased with
the record's caller key (retention) or by `hotline forget`. Every read is audited.
"""

from __future__ import annotations

import logging

from sqlalchemy.orm import Session, sessionmaker

from hotline.config import Settings
from hotline.records.models import AuditEvent, CallRecord
from hotline.records.vault import cipher

log = logging.getLogger(__name__)
MAX_NOTE = 500  # characters: a short note for the next shift, not a transcript


class NoteError(ValueError):
    """Notes are off, the note is too long, or there is no such record."""


def save_note(
    sessions: sessionmaker[Session],
    settings: Settings,
    *,
    call_id: str,
    text: str,
    actor: str,
    enabled: bool,
) -> None:
    text = text.strip()
    if not enabled:
        raise NoteError("notes are turned off in the rules (retention.notes_enabled)")
    if len(text) > MAX_NOTE:
        raise NoteError(f"a note may hold at most {MAX_NOTE} characters")
    token = cipher(settings).encrypt(text.encode()) if text else None
    with sessions.begin() as session:
        record = session.get(CallRecord, call_id)
        if record is None:
            raise NoteError("no record for this call yet")
        record.note = token
        session.add(AuditEvent(actor=actor, action="note.saved", detail={"call_id": call_id}))
    log.info("wrap-up note saved", extra={"call_id": call_id})


def read_note(
    sessions: sessionmaker[Session], settings: Settings, *, call_id: str, actor: str
) -> str | None:
    """The note, for a supervisor; the read is audited whether or not there is one."""
    with sessions.begin() as session:
        record = session.get(CallRecord, call_id)
        token = record.note if record is not None else None
        session.add(
            AuditEvent(
                actor=actor,
                action="note.read",
                detail={"call_id": call_id, "found": token is not None},
            )
        )
    return cipher(settings).decrypt(token).decode() if token else None
