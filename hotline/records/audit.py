"""The audit trail: who did what and when, written in its own transaction."""

from __future__ import annotations

from sqlalchemy.orm import Session, sessionmaker

from hotline.records.models import AuditEvent


def audit(
    sessions: sessionmaker[Session], *, actor: str, action: str, detail: dict[str, object]
) -> None:
    with sessions.begin() as session:
        session.add(AuditEvent(actor=actor, action=action, detail=detail))
