"""Writing and counting call records. Written once per call, whatever is delivered twice."""

from __future__ import annotations

import datetime as dt
from dataclasses import asdict, dataclass

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from hotline.records.models import CallRecord

OUTCOMES = (
    "answered",
    "hung_up_ivr",
    "hung_up_queue",
    "callback_requested",
    "called_back",
    "callback_not_reached",
    "state_lost",
    "overflowed",
    "failed",
)


@dataclass(frozen=True)
class NewRecord:
    id: str
    caller_key: str | None
    region: str | None
    started_at: dt.datetime
    ended_at: dt.datetime | None
    language: str | None
    topic: str | None
    tier: str | None
    speech_used: bool
    ivr_seconds: int | None
    queue_seconds: int | None
    talk_seconds: int | None
    outcome: str
    counselor_id: int | None
    rules_version: str
    script_version: str


def save_record(sessions: sessionmaker[Session], record: NewRecord) -> bool:
    """Insert the record unless one exists for this call; True if this call wrote it."""
    assert record.outcome in OUTCOMES, record.outcome
    with sessions() as session:
        if session.get(CallRecord, record.id) is not None:
            return False
        session.add(CallRecord(**asdict(record)))
        try:
            session.commit()
        except IntegrityError:  # a concurrent writer won the race: still exactly one record
            session.rollback()
            return False
    return True


def median_talk_since(sessions: sessionmaker[Session], since: float) -> float | None:
    """The median talk time (seconds) of calls answered since `since` (epoch seconds)."""
    start = dt.datetime.fromtimestamp(since, dt.UTC)
    with sessions() as session:
        found = session.scalars(
            select(CallRecord.talk_seconds).where(
                CallRecord.started_at >= start, CallRecord.talk_seconds.is_not(None)
            )
        )
        talks = sorted(t for t in found if t is not None)
    return float(talks[len(talks) // 2]) if talks else None


def past_arrivals(
    sessions: sessionmaker[Session], since: dt.datetime
) -> list[tuple[dt.datetime, str, str, str, float | None]]:
    """Calls that reached the queue since `since`, oldest first: when they began, their
    language, topic and tier, and how long they talked (None if not answered)."""
    with sessions() as session:
        rows = session.execute(
            select(
                CallRecord.started_at,
                CallRecord.language,
                CallRecord.topic,
                CallRecord.tier,
                CallRecord.talk_seconds,
            )
            .where(
                CallRecord.started_at >= since,
                CallRecord.tier.is_not(None),
                CallRecord.language.is_not(None),
                CallRecord.topic.is_not(None),
            )
            .order_by(CallRecord.started_at)
        ).all()
    return [
        (_utc(started), language, topic, tier, None if talk is None else float(talk))
        for started, language, topic, tier, talk in rows
        if language is not None and topic is not None and tier is not None  # as the query asks
    ]


def _utc(moment: dt.datetime) -> dt.datetime:
    """SQLite hands back naive datetimes: the records are stored in UTC."""
    return moment if moment.tzinfo else moment.replace(tzinfo=dt.UTC)


def calls_since(sessions: sessionmaker[Session], caller_key: str, since: dt.datetime) -> int:
    with sessions() as session:
        count = session.scalar(
            select(func.count())
            .select_from(CallRecord)
            .where(CallRecord.caller_key == caller_key, CallRecord.started_at >= since)
        )
    return int(count or 0)


def last_counselor(
    sessions: sessionmaker[Session], caller_key: str, since: dt.datetime
) -> int | None:
    """Who last answered this caller (by key) since `since`, for 'prefer the last counselor'."""
    with sessions() as session:
        return session.scalar(
            select(CallRecord.counselor_id)
            .where(
                CallRecord.caller_key == caller_key,
                CallRecord.started_at >= since,
                CallRecord.counselor_id.is_not(None),
            )
            .order_by(CallRecord.started_at.desc())
            .limit(1)
        )
