"""The frequent callers of the last 7 days, read from the call records by caller key."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from hotline.records.models import CallRecord, Counselor


@dataclass(frozen=True)
class FrequentCaller:
    caller_key: str  # never shown: pages show its first hex digits
    calls: int
    answered_by: tuple[str, ...]  # counselors' names, most recent first
    last_outcome: str
    last_call_at: dt.datetime


def frequent_callers(
    sessions: sessionmaker[Session], since: dt.datetime, threshold: int
) -> list[FrequentCaller]:
    """Callers with at least `threshold` records since `since`, most calls first."""
    with sessions() as session:
        keys = session.execute(
            select(CallRecord.caller_key, func.count())
            .where(CallRecord.caller_key.is_not(None), CallRecord.started_at >= since)
            .group_by(CallRecord.caller_key)
            .having(func.count() >= threshold)
        ).all()
        found = []
        for key, count in keys:
            rows = session.execute(
                select(CallRecord.started_at, CallRecord.outcome, Counselor.name)
                .outerjoin(Counselor, Counselor.id == CallRecord.counselor_id)
                .where(CallRecord.caller_key == key, CallRecord.started_at >= since)
                .order_by(CallRecord.started_at.desc())
            ).all()
            names = tuple(dict.fromkeys(name for _, _, name in rows if name))
            found.append(FrequentCaller(str(key), int(count), names, rows[0][1], rows[0][0]))
    return sorted(found, key=lambda f: (-f.calls, f.caller_key))
