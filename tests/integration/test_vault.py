"""The callback vault: encrypted at rest, every read audited, erased once closed."""

from __future__ import annotations

import pytest
from cryptography.fernet import Fernet
from sqlalchemy import select

from hotline.config import Secret
from hotline.records.models import AuditEvent, CallbackVault
from hotline.records.vault import close, read_number, rotate, store_number
from hotline.runtime import Runtime

NUMBER = "+14155550163"


def _entry(runtime: Runtime, vault_id: str) -> CallbackVault | None:
    with runtime.sessions() as session:
        return session.get(CallbackVault, vault_id)


def _audits(runtime: Runtime, action: str) -> list[AuditEvent]:
    with runtime.sessions() as session:
        return list(session.scalars(select(AuditEvent).where(AuditEvent.action == action)))


def _store(runtime: Runtime, settings=None) -> str:  # type: ignore[no-untyped-def]
    return store_number(
        runtime.sessions,
        settings or runtime.settings,
        call_id="call-abc-123",
        caller_key="k" * 64,
        e164=NUMBER,
    )


def test_the_number_is_kept_encrypted_and_read_back(runtime: Runtime) -> None:
    vault_id = _store(runtime)
    entry = _entry(runtime, vault_id)
    assert entry is not None and entry.status == "pending" and entry.ciphertext
    assert b"4155550163" not in entry.ciphertext and b"55550163" not in entry.ciphertext
    assert vault_id != entry.call_id
    number = read_number(
        runtime.sessions, runtime.settings, vault_id, actor="job:callback", purpose="callback"
    )
    assert number == NUMBER


def test_every_read_is_audited_without_the_number(runtime: Runtime) -> None:
    vault_id = _store(runtime)
    for _ in range(2):
        read_number(runtime.sessions, runtime.settings, vault_id, actor="job:cb", purpose="dial")
    read_number(runtime.sessions, runtime.settings, "no-such-id", actor="x", purpose="probe")
    audits = _audits(runtime, "vault.read")
    assert len(audits) == 3
    first = audits[0]
    assert first.actor == "job:cb"
    assert first.detail["vault_id"] == vault_id
    assert first.detail["call_id"] == "call-abc-123"
    assert first.detail["purpose"] == "dial"
    assert audits[2].detail["found"] is False
    assert all("55550163" not in str(a.detail) for a in audits)


@pytest.mark.parametrize("status", ["done", "refused", "expired"])
def test_closing_erases_the_number_at_once(runtime: Runtime, status: str) -> None:
    vault_id = _store(runtime)
    assert close(runtime.sessions, vault_id, status)
    entry = _entry(runtime, vault_id)
    assert entry is not None and entry.status == status
    assert not entry.ciphertext and entry.purged_at is not None
    read = read_number(runtime.sessions, runtime.settings, vault_id, actor="a", purpose="p")
    assert read is None


def test_closing_refuses_an_unknown_status(runtime: Runtime) -> None:
    vault_id = _store(runtime)
    with pytest.raises(ValueError):
        close(runtime.sessions, vault_id, "maybe")
    assert not close(runtime.sessions, "no-such-id", "done")


def test_rotation_keeps_old_entries_readable_then_moves_them_to_the_new_key(
    runtime: Runtime,
) -> None:
    old_key = runtime.settings.data_key.reveal()  # type: ignore[union-attr]
    vault_id = _store(runtime)
    new_key = Fernet.generate_key().decode()
    rotated = runtime.settings.replace(data_key=Secret(f"{new_key},{old_key}"))
    before = _entry(runtime, vault_id)
    assert read_number(runtime.sessions, rotated, vault_id, actor="a", purpose="p") == NUMBER
    assert rotate(runtime.sessions, rotated) == 1
    after = _entry(runtime, vault_id)
    assert before is not None and after is not None and after.ciphertext != before.ciphertext
    new_only = runtime.settings.replace(data_key=Secret(new_key))
    assert read_number(runtime.sessions, new_only, vault_id, actor="a", purpose="p") == NUMBER
    # New entries are written with the newest key.
    second = _store(runtime, rotated)
    assert read_number(runtime.sessions, new_only, second, actor="a", purpose="p") == NUMBER
