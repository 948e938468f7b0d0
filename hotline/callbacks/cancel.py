"""A data-subject request: the caller's open callbacks are cancelled and leave the line."""

from __future__ import annotations

from sqlalchemy import select

from hotline.callbacks.common import OPEN, utc
from hotline.records.models import Callback
from hotline.runtime import Runtime


def cancel_for_key(runtime: Runtime, caller_key: str) -> int:
    """A data-subject request: every open callback of this caller is cancelled."""
    with runtime.sessions.begin() as session:
        rows = session.scalars(
            select(Callback).where(Callback.caller_key == caller_key, Callback.status.in_(OPEN))
        ).all()
        for cb in rows:
            cb.status, cb.updated_at, cb.caller_key = "cancelled", utc(), None
        live_ids = [cb.live_call_id for cb in rows if cb.live_call_id]
    for live_id in live_ids:
        runtime.queue.remove(live_id)
    return len(rows)
