"""The callback vault: the one place a caller's number is kept, encrypted, and only until
the callback is done, refused or expired. Every read is audited in the same transaction.

DATA_KEY holds one Fernet key or several, comma-separated, newest first: the newest
encrypts, any of them decrypts, and `rotate` moves every entry onto the newest.
"""

from __future__ import annotations

import datetime as dt
import logging
import secrets

from cryptography.fernet import Fernet, MultiFernet
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from hotline.config import Settings
from hotline.records.models import AuditEvent, CallbackVault

log = logging.getLogger(__name__)
CLOSED = ("done", "refused", "expired")


class VaultKeyError(RuntimeError):
    """DATA_KEY is missing or not a Fernet key; the vault cannot be used."""


def cipher(settings: Settings) -> MultiFernet:
    """A MultiFernet over DATA_KEY's keys, newest first."""
    raw = settings.data_key.reveal() if settings.data_key else ""
    keys = [k.strip() for k in raw.split(",") if k.strip()]
    if not keys:
        raise VaultKeyError("DATA_KEY is not set; the callback vault needs it")
    try:
        return MultiFernet([Fernet(k) for k in keys])
    except ValueError as exc:
        raise VaultKeyError("DATA_KEY holds a value that is not a Fernet key") from exc


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def store_number(
    sessions: sessionmaker[Session],
    settings: Settings,
    *,
    call_id: str,
    caller_key: str | None,
    e164: str,
) -> str:
    """Keep the number, encrypted, for one callback; returns the vault id (not the call id)."""
    if not e164.startswith("+") or not e164[1:].isdigit():
        raise ValueError("store_number expects an E.164 number")
    vault_id = secrets.token_urlsafe(16)
    token = cipher(settings).encrypt(e164.encode())
    with sessions.begin() as session:
        session.add(
            CallbackVault(
                id=vault_id,
                call_id=call_id,
                caller_key=caller_key,
                ciphertext=token,
                created_at=_now(),
                status="pending",
            )
        )
    log.info("callback number stored", extra={"call_id": call_id, "vault_id": vault_id})
    return vault_id


def read_number(
    sessions: sessionmaker[Session],
    settings: Settings,
    vault_id: str,
    *,
    actor: str,
    purpose: str,
) -> str | None:
    """The number for a callback, or None once erased; the read is audited either way."""
    fernet = cipher(settings)
    with sessions.begin() as session:
        entry = session.get(CallbackVault, vault_id)
        number = None
        if entry is not None and entry.ciphertext:
            number = fernet.decrypt(entry.ciphertext).decode()
        session.add(
            AuditEvent(
                actor=actor,
                action="vault.read",
                detail={
                    "vault_id": vault_id,
                    "call_id": entry.call_id if entry is not None else None,
                    "purpose": purpose,
                    "found": number is not None,
                },
            )
        )
    return number


def close(sessions: sessionmaker[Session], vault_id: str, status: str) -> bool:
    """Mark the callback done, refused or expired, and erase the number at once."""
    if status not in CLOSED:
        raise ValueError(f"status must be one of {', '.join(CLOSED)}, not {status!r}")
    with sessions.begin() as session:
        entry = session.get(CallbackVault, vault_id)
        if entry is None:
            return False
        entry.status = status
        entry.ciphertext = None
        entry.purged_at = entry.purged_at or _now()
    log.info("callback number erased", extra={"vault_id": vault_id, "status": status})
    return True


def rotate(sessions: sessionmaker[Session], settings: Settings) -> int:
    """Re-encrypt every kept number with the newest key, so older keys can be retired."""
    fernet = cipher(settings)
    with sessions.begin() as session:
        entries = session.scalars(
            select(CallbackVault).where(CallbackVault.ciphertext.is_not(None))
        ).all()
        for entry in entries:
            assert entry.ciphertext is not None
            entry.ciphertext = fernet.rotate(entry.ciphertext)
    log.info("vault re-encrypted", extra={"entries": len(entries)})
    return len(entries)
