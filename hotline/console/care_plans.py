"""Care plans: a short note a supervisor writes for a frequent caller, encrypted at rest
with the vault's keys (DATA_KEY), never logged, every write and read audited (by call or
by short key, never the caller key), and erased with the caller key."""

from __future__ import annotations

import logging

from sqlalchemy.orm import Session, sessionmaker

from hotline.config import Settings
from hotline.records.models import AuditEvent, CarePlan
from hotline.records.vault import cipher

log = logging.getLogger(__name__)
MAX_PLAN = 500  # characters: what the next counselor should know, not a case file
SHORT_KEY = 8  # hex digits of the caller key shown on the assessment list


class CarePlanError(ValueError):
    """The plan is too long."""


def short_key(caller_key: str) -> str:
    return caller_key[:SHORT_KEY]


def save_plan(
    sessions: sessionmaker[Session], settings: Settings, *, caller_key: str, text: str, actor: str
) -> None:
    """Write (or, with empty text, erase) the caller's care plan."""
    text = text.strip()
    if len(text) > MAX_PLAN:
        raise CarePlanError(f"a care plan may hold at most {MAX_PLAN} characters")
    with sessions.begin() as session:
        found = session.get(CarePlan, caller_key)
        if not text:
            if found is not None:
                session.delete(found)
        else:
            token = cipher(settings).encrypt(text.encode())
            if found is None:
                session.add(CarePlan(caller_key=caller_key, ciphertext=token, updated_by=actor))
            else:
                found.ciphertext, found.updated_by = token, actor
        action = "care_plan.saved" if text else "care_plan.erased"
        session.add(
            AuditEvent(actor=actor, action=action, detail={"caller": short_key(caller_key)})
        )
    log.info("care plan saved", extra={"caller": short_key(caller_key)})


def read_plan(
    sessions: sessionmaker[Session],
    settings: Settings,
    *,
    caller_key: str,
    actor: str,
    detail: dict[str, object],
    audit: bool = True,
) -> str | None:
    """The plan, or None; the read is audited (with `detail`) whether or not there is one,
    unless `audit` is False (the same reader again, already audited)."""
    with sessions.begin() as session:
        found = session.get(CarePlan, caller_key)
        token = found.ciphertext if found is not None else None
        if audit:
            session.add(
                AuditEvent(
                    actor=actor,
                    action="care_plan.read",
                    detail={**detail, "found": token is not None},
                )
            )
    return cipher(settings).decrypt(token).decode() if token else None


def has_plans(sessions: sessionmaker[Session], caller_keys: list[str]) -> set[str]:
    """Which of these caller keys have a care plan (nothing decrypted, nothing audited)."""
    if not caller_keys:
        return set()
    with sessions() as session:
        rows = session.query(CarePlan.caller_key).filter(CarePlan.caller_key.in_(caller_keys))
        return {row[0] for row in rows}
