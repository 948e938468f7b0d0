"""A callback attempt that did not reach the caller: retried after the rules' backoff,
inside the caller's window, or given up (and the number erased)."""

from __future__ import annotations

import logging

from hotline.callbacks.common import audit_event, utc, zones_of
from hotline.live.calls import now
from hotline.platform.counters import count
from hotline.records import vault
from hotline.records.models import Callback
from hotline.routing.windows import next_open
from hotline.runtime import Runtime

log = logging.getLogger(__name__)


def attempt_failed(
    runtime: Runtime, callback_id: str, outcome: str, *, at: float | None = None
) -> None:
    """Not reached: try again after the rules' backoff (inside the window), or give up."""
    moment = now() if at is None else at
    policy = runtime.rules.callbacks
    with runtime.sessions.begin() as session:
        cb = session.get(Callback, callback_id, with_for_update=True)
        if cb is None or cb.status not in ("queued", "calling"):
            return
        cb.last_outcome, cb.live_call_id, cb.updated_at = outcome, None, utc(moment)
        if cb.attempts >= policy.max_attempts:
            cb.status = "failed"
            vault_id: str | None = cb.vault_id
            attempts = cb.attempts
            due = None
        else:
            vault_id = None
            due = utc(moment + policy.delay_after(cb.attempts))
            if not cb.urgent:
                due = next_open(due, zones_of(cb.zones), policy)
            cb.status, cb.due_at = "scheduled", due
            attempts = cb.attempts
    detail = {"callback_id": callback_id, "outcome": outcome, "attempts": attempts}
    if vault_id is not None:
        vault.close(runtime.sessions, vault_id, "expired")
        audit_event(runtime, "callback.gave_up", "callback", **detail)
        count(runtime.redis, "callbacks_failed")
        log.warning("callback given up", extra=detail)
    else:
        assert due is not None
        audit_event(runtime, "callback.retry", "callback", due_at=due.isoformat(), **detail)
        log.info("callback will be retried", extra=detail)
