"""Write a checked roster in one transaction: updated by name, never duplicated."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from hotline.records.models import AuditEvent, Counselor, Shift
from hotline.roster import Roster


@dataclass(frozen=True)
class ImportSummary:
    added: tuple[str, ...]
    updated: tuple[str, ...]
    not_in_file: tuple[str, ...]  # left as they were


def save_roster(sessions: sessionmaker[Session], roster: Roster, *, actor: str) -> ImportSummary:
    added: list[str] = []
    updated: list[str] = []
    with sessions.begin() as session:
        existing = {c.name: c for c in session.scalars(select(Counselor))}
        for entry in roster.counselors:
            counselor = existing.get(entry.name)
            if counselor is None:
                counselor = Counselor(name=entry.name)
                session.add(counselor)
                added.append(entry.name)
            else:
                updated.append(entry.name)
            counselor.phone = entry.phone
            counselor.languages = list(entry.languages)
            counselor.specialties = list(entry.specialties)
            counselor.role = entry.role
            counselor.always_on_call = entry.always_on_call
            counselor.timezone = roster.timezone
            counselor.shifts = [
                Shift(weekday=s.weekday, start_minute=s.start_minute, end_minute=s.end_minute)
                for s in entry.shifts
            ]
        listed = {entry.name for entry in roster.counselors}
        summary = ImportSummary(
            added=tuple(added),
            updated=tuple(updated),
            not_in_file=tuple(sorted(set(existing) - listed)),
        )
        session.add(
            AuditEvent(
                actor=actor,
                action="roster.import",
                detail={"added": len(added), "updated": len(updated)},
            )
        )
    return summary
