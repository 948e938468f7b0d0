"""Forgetting on schedule and on request: the database side of retention and erasure.

Each function counts or changes one category in one transaction, and finds nothing
left to do when run again.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter

from sqlalchemy import ColumnElement, and_, delete, func, or_, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session, sessionmaker

from hotline.records.models import (
    AuditEvent,
    Base,
    Callback,
    CallbackVault,
    CallRecord,
    CarePlan,
    DailyCount,
)

_DayKey = tuple[dt.date, str, str, str, str]  # day, language, topic, tier, outcome


def _keyed_before(before: dt.datetime) -> tuple[ColumnElement[bool], ...]:
    return (CallRecord.caller_key.is_not(None), CallRecord.started_at < before)


def _vault_due(before: dt.datetime) -> ColumnElement[bool]:
    return or_(CallbackVault.status != "pending", CallbackVault.created_at < before)


def _count(sessions: sessionmaker[Session], model: type[Base], *where: ColumnElement[bool]) -> int:
    with sessions() as session:
        return int(session.scalar(select(func.count()).select_from(model).where(*where)) or 0)


def count_keys_due(sessions: sessionmaker[Session], before: dt.datetime) -> int:
    return _count(sessions, CallRecord, *_keyed_before(before))


def count_vault_due(sessions: sessionmaker[Session], before: dt.datetime) -> int:
    return _count(sessions, CallbackVault, _vault_due(before))


def count_records_due(sessions: sessionmaker[Session], before: dt.datetime) -> int:
    return _count(sessions, CallRecord, CallRecord.started_at < before)


def drop_caller_keys(sessions: sessionmaker[Session], before: dt.datetime) -> int:
    """Records older than `before` stop being linkable to a caller; the rest stays."""
    with sessions.begin() as session:
        result = session.execute(
            update(CallRecord).where(*_keyed_before(before)).values(caller_key=None, note=None)
        )
        # A care plan goes with its caller key: once no record holds the key, neither does it.
        kept = select(CallRecord.caller_key).where(CallRecord.caller_key.is_not(None))
        session.execute(delete(CarePlan).where(CarePlan.caller_key.not_in(kept)))
    return int(result.rowcount or 0)  # type: ignore[attr-defined]


def purge_vault(sessions: sessionmaker[Session], before: dt.datetime, at: dt.datetime) -> int:
    """Erase and delete closed entries, and any entry created before `before` (expired)."""
    with sessions.begin() as session:
        session.execute(
            update(CallbackVault)
            .where(CallbackVault.status == "pending", CallbackVault.created_at < before)
            .values(status="expired", ciphertext=None, purged_at=at)
        )
        session.execute(update(CallbackVault).where(_vault_due(before)).values(ciphertext=None))
        result = session.execute(delete(CallbackVault).where(_vault_due(before)))
    return int(result.rowcount or 0)  # type: ignore[attr-defined]


_OPEN_CALLBACK = ("scheduled", "queued", "calling")


def _callbacks_due(before: dt.datetime) -> ColumnElement[bool]:
    """Finished callbacks past the vault's retention (they still name a caller key)."""
    return and_(Callback.status.not_in(_OPEN_CALLBACK), Callback.updated_at < before)


def _numberless(before: dt.datetime) -> ColumnElement[bool]:
    """Open callbacks whose number the vault no longer holds, or will not once the vault's
    purge at `before` has run: they can never ring."""
    held = select(CallbackVault.id).where(
        CallbackVault.ciphertext.is_not(None), ~_vault_due(before)
    )
    return and_(Callback.status.in_(_OPEN_CALLBACK), Callback.vault_id.not_in(held))


def count_callbacks_due(sessions: sessionmaker[Session], before: dt.datetime) -> int:
    return _count(sessions, Callback, or_(_callbacks_due(before), _numberless(before)))


def purge_callbacks(sessions: sessionmaker[Session], before: dt.datetime, at: dt.datetime) -> int:
    """Run after the vault purge: open callbacks left without a number fail; finished ones
    older than `before` are deleted."""
    with sessions.begin() as session:
        failed = session.execute(
            update(Callback)
            .where(_numberless(before))
            .values(status="failed", last_outcome="expired", updated_at=at)
            .execution_options(synchronize_session=False)
        )
        deleted = session.execute(delete(Callback).where(_callbacks_due(before)))
    return int(failed.rowcount or 0) + int(deleted.rowcount or 0)  # type: ignore[attr-defined]


def roll_up_records(sessions: sessionmaker[Session], before: dt.datetime) -> int:
    """Fold records older than `before` into daily counts and delete them, atomically."""
    with sessions.begin() as session:
        rows = session.execute(
            select(
                CallRecord.id,
                CallRecord.started_at,
                CallRecord.language,
                CallRecord.topic,
                CallRecord.tier,
                CallRecord.outcome,
            ).where(CallRecord.started_at < before)
        ).all()
        if not rows:
            return 0
        counts: Counter[_DayKey] = Counter(
            (_utc_day(r.started_at), r.language or "", r.topic or "", r.tier or "", r.outcome)
            for r in rows
        )
        for key, n in counts.items():
            _add_count(session, key, n)
        ids = [r.id for r in rows]
        for start in range(0, len(ids), 500):
            session.execute(delete(CallRecord).where(CallRecord.id.in_(ids[start : start + 500])))
    return len(rows)


def _utc_day(at: dt.datetime) -> dt.date:
    """SQLite hands datetimes back naive; they were written in UTC."""
    return (at.astimezone(dt.UTC) if at.tzinfo else at).date()


def _add_count(session: Session, key: _DayKey, n: int) -> None:
    """Insert the day's count, or add to it: safe against a count already there."""
    day, language, topic, tier, outcome = key
    insert = pg_insert if session.get_bind().dialect.name == "postgresql" else sqlite_insert
    statement = insert(DailyCount).values(
        day=day, language=language, topic=topic, tier=tier, outcome=outcome, count=n
    )
    session.execute(
        statement.on_conflict_do_update(
            index_elements=["day", "language", "topic", "tier", "outcome"],
            set_={"count": DailyCount.count + statement.excluded.count},
        )
    )


def forget_key(
    sessions: sessionmaker[Session], key: str, *, actor: str, live_calls: int
) -> tuple[int, int]:
    """Unlink every record from this caller key, delete its vault entries, and audit it.

    Returns (records unlinked, vault entries deleted); one transaction for all three.
    The audit holds counts only: neither the number nor the key.
    """
    with sessions.begin() as session:
        records = session.execute(
            update(CallRecord)
            .where(CallRecord.caller_key == key)
            .values(caller_key=None, note=None)
        )
        session.execute(
            update(CallbackVault).where(CallbackVault.caller_key == key).values(ciphertext=None)
        )
        vault = session.execute(delete(CallbackVault).where(CallbackVault.caller_key == key))
        session.execute(delete(CarePlan).where(CarePlan.caller_key == key))
        counts = (int(records.rowcount or 0), int(vault.rowcount or 0))  # type: ignore[attr-defined]
        session.add(
            AuditEvent(
                actor=actor,
                action="privacy.forget",
                detail={"records": counts[0], "vault_entries": counts[1], "live_calls": live_calls},
            )
        )
    return counts
