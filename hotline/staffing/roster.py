"""Write a checked roster in one transaction: updated by name, never duplicated."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from hotline.records.models import AuditEvent, Counselor, Shift
from hotline.roster import Roster, ShiftEntry


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


@dataclass(frozen=True)
class RosterRow:
    """A counselor as dispatch needs them: plain values, no session attached."""

    counselor_id: str
    name: str
    phone: str
    languages: tuple[str, ...]
    specialties: tuple[str, ...]
    always_on_call: bool
    timezone: str
    shifts: tuple[ShiftEntry, ...]


def load_roster(sessions: sessionmaker[Session]) -> list[RosterRow]:
    with sessions() as session:
        counselors = session.scalars(select(Counselor).order_by(Counselor.id)).all()
        return [
            RosterRow(
                counselor_id=str(c.id),
                name=c.name,
                phone=c.phone,
                languages=tuple(c.languages),
                specialties=tuple(c.specialties),
                always_on_call=c.always_on_call,
                timezone=c.timezone,
                shifts=tuple(ShiftEntry(s.weekday, s.start_minute, s.end_minute) for s in c.shifts),
            )
            for c in counselors
        ]


def counselor_phone(sessions: sessionmaker[Session], counselor_id: str) -> str | None:
    if not counselor_id.isdigit():
        return None
    with sessions() as session:
        return session.scalar(select(Counselor.phone).where(Counselor.id == int(counselor_id)))


def counselor_languages(sessions: sessionmaker[Session], counselor_id: str) -> tuple[str, ...]:
    """The counselor's languages in the roster's order (their first is their own)."""
    if not counselor_id.isdigit():
        return ()
    with sessions() as session:
        found = session.scalar(select(Counselor.languages).where(Counselor.id == int(counselor_id)))
    return tuple(found or ())
