"""What every callback use case shares: the clock in UTC, the caller's possible time zones,
the audit trail, and writing a new callback with its audit event in one transaction."""

from __future__ import annotations

import datetime as dt

import phonenumbers
from phonenumbers import timezone as number_zones

from hotline.live.calls import now
from hotline.records.audit import audit
from hotline.records.models import AuditEvent, Callback
from hotline.runtime import Runtime

RING_CALLER_FOR = 30  # seconds the caller's phone rings on a callback
STUCK_AFTER = 15 * 60  # a callback "calling" this long with no live call has failed
MACHINE = ("machine_start", "machine_end_beep", "machine_end_silence", "machine_end_other", "fax")
OPEN = ("scheduled", "queued", "calling")


def utc(moment: float | None = None) -> dt.datetime:
    return dt.datetime.fromtimestamp(now() if moment is None else moment, dt.UTC)


def aware(value: dt.datetime) -> dt.datetime:
    """SQLite hands back naive datetimes; everything here is UTC."""
    return value if value.tzinfo else value.replace(tzinfo=dt.UTC)


def zones_for(e164: str | None) -> str:
    """The time zones a number's prefix may be in, comma-separated ("" when unknown)."""
    if not e164:
        return ""
    try:
        number = phonenumbers.parse(e164, None)
    except phonenumbers.NumberParseException:
        return ""
    zones = [z for z in number_zones.time_zones_for_number(number) if z != "Etc/Unknown"]
    return ",".join(zones)


def zones_of(text: str) -> tuple[str, ...]:
    return tuple(z for z in text.split(",") if z)


def audit_event(runtime: Runtime, action: str, actor: str, **detail: object) -> None:
    audit(runtime.sessions, actor=actor, action=action, detail=detail)


def update(runtime: Runtime, callback_id: str, **values: object) -> None:
    with runtime.sessions.begin() as session:
        cb = session.get(Callback, callback_id)
        if cb is None:
            return
        for name, value in values.items():
            setattr(cb, name, value)
        cb.updated_at = utc()


def keep(
    runtime: Runtime, moment: dt.datetime, *, actor: str, action: str, **fields: object
) -> None:
    """A new callback, scheduled, and its audit event, in one transaction."""
    callback = Callback(
        **fields, attempts=0, status="scheduled", created_at=moment, updated_at=moment
    )
    detail = {"callback_id": callback.id, "call_id": callback.call_id}
    with runtime.sessions.begin() as session:
        session.add(callback)
        session.add(AuditEvent(actor=actor, action=action, detail=detail | _detail(callback)))


def _detail(callback: Callback) -> dict[str, object]:
    if callback.source == "queue":
        return {"source": "queue"}
    return {"due_at": callback.due_at.isoformat(), "urgent": callback.urgent}
