"""Browse and export the anonymous call records. Never the caller key: not on a page, not
in a CSV. Wrap-up notes go into an export only for a supervisor, and only where notes
exist; decrypting them for an export is audited like any other read.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Iterator
from dataclasses import dataclass

from cryptography.fernet import InvalidToken
from sqlalchemy import Select, func, select

from hotline.records.models import AuditEvent, CallRecord
from hotline.records.models import Counselor as CounselorRow
from hotline.records.vault import cipher
from hotline.runtime import Runtime

COLUMNS = (
    "id",
    "started_at",
    "ended_at",
    "region",
    "language",
    "topic",
    "tier",
    "outcome",
    "ivr_seconds",
    "queue_seconds",
    "talk_seconds",
    "counselor",
    "speech_used",
    "disposition",
    "risk_level",
    "referral_given",
    "emergency_contacted",
    "follow_up_agreed",
    "rules_version",
    "script_version",
)


@dataclass(frozen=True)
class RecordFilter:
    since: dt.datetime | None = None
    until: dt.datetime | None = None  # exclusive
    language: str | None = None
    topic: str | None = None
    tier: str | None = None
    outcome: str | None = None
    counselor_id: int | None = None


@dataclass(frozen=True)
class RecordRow:
    id: str
    started_at: dt.datetime
    ended_at: dt.datetime | None
    region: str | None
    language: str | None
    topic: str | None
    tier: str | None
    outcome: str
    ivr_seconds: int | None
    queue_seconds: int | None
    talk_seconds: int | None
    counselor: str | None  # the counselor's name
    speech_used: bool
    disposition: str
    risk_level: str | None
    referral_given: bool | None
    emergency_contacted: bool | None
    follow_up_agreed: bool | None
    rules_version: str
    script_version: str
    has_note: bool


@dataclass(frozen=True)
class Page:
    rows: tuple[RecordRow, ...]
    total: int
    page: int
    per_page: int

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.per_page))


def _query(f: RecordFilter) -> Select[CallRecord, str]:
    q = select(CallRecord, CounselorRow.name).outerjoin(
        CounselorRow, CounselorRow.id == CallRecord.counselor_id
    )
    if f.since is not None:
        q = q.where(CallRecord.started_at >= f.since)
    if f.until is not None:
        q = q.where(CallRecord.started_at < f.until)
    for column, value in (
        (CallRecord.language, f.language),
        (CallRecord.topic, f.topic),
        (CallRecord.tier, f.tier),
        (CallRecord.outcome, f.outcome),
    ):
        if value:
            q = q.where(column == value)
    if f.counselor_id is not None:
        q = q.where(CallRecord.counselor_id == f.counselor_id)
    return q


def _row(r: CallRecord, counselor: str | None) -> RecordRow:
    def aware(moment: dt.datetime | None) -> dt.datetime | None:
        return moment.replace(tzinfo=dt.UTC) if moment and moment.tzinfo is None else moment

    started = aware(r.started_at)
    assert started is not None
    return RecordRow(
        id=r.id,
        started_at=started,
        ended_at=aware(r.ended_at),
        region=r.region,
        language=r.language,
        topic=r.topic,
        tier=r.tier,
        outcome=r.outcome,
        ivr_seconds=r.ivr_seconds,
        queue_seconds=r.queue_seconds,
        talk_seconds=r.talk_seconds,
        counselor=counselor,
        speech_used=r.speech_used,
        disposition=" ".join(r.disposition or []),
        risk_level=r.risk_level,
        referral_given=r.referral_given,
        emergency_contacted=r.emergency_contacted,
        follow_up_agreed=r.follow_up_agreed,
        rules_version=r.rules_version,
        script_version=r.script_version,
        has_note=r.note is not None,
    )


def browse(runtime: Runtime, f: RecordFilter, *, page: int = 1, per_page: int = 50) -> Page:
    """One page of records, newest first."""
    page = max(1, page)
    q = _query(f)
    with runtime.sessions() as session:
        total = session.scalar(select(func.count()).select_from(q.subquery())) or 0
        rows = session.execute(
            q.order_by(CallRecord.started_at.desc(), CallRecord.id)
            .offset((page - 1) * per_page)
            .limit(per_page)
        ).all()
        return Page(tuple(_row(r, name) for r, name in rows), int(total), page, per_page)


def export_csv(
    runtime: Runtime, f: RecordFilter, *, actor: str, with_notes: bool = False
) -> Iterator[str]:
    """The filtered records as CSV text, a chunk at a time, oldest first. `with_notes` (a
    supervisor) adds a note column, only if any exported record has a note."""
    q = _query(f).order_by(CallRecord.started_at, CallRecord.id)
    with runtime.sessions() as session:
        found = session.execute(q).all()
        rows = [(_row(r, name), r.note) for r, name in found]
    notes = with_notes and any(token is not None for _, token in rows)
    if notes:
        with runtime.sessions.begin() as session:
            count = sum(token is not None for _, token in rows)
            session.add(AuditEvent(actor=actor, action="note.export", detail={"notes": count}))
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow([*COLUMNS, *(["note"] if notes else [])])
    fernet = cipher(runtime.settings) if notes else None
    for row, token in rows:
        values = [_cell(getattr(row, name)) for name in COLUMNS]
        if fernet is not None:
            values.append(_cell(_note(fernet.decrypt, token)))
        writer.writerow(values)
        if buffer.tell() > 16_384:
            yield buffer.getvalue()
            buffer.seek(0)
            buffer.truncate()
    yield buffer.getvalue()


def _note(decrypt: object, token: bytes | None) -> str:
    if token is None or not callable(decrypt):
        return ""
    try:
        return str(decrypt(token).decode())
    except InvalidToken:
        return "(unreadable: key retired)"


def _cell(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        return value.astimezone(dt.UTC).isoformat(timespec="seconds")
    if isinstance(value, bool):
        return "yes" if value else "no"
    text = str(value)
    # A spreadsheet runs a cell that starts with = + - @ as a formula: never from our data.
    return "'" + text if text[:1] in ("=", "+", "-", "@") else text
