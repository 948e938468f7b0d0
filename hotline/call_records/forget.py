"""A data-subject request (PIPL, GDPR): erase every trace tied to one caller's number.

Records keep their anonymous fields but lose the caller key; vault entries go; live
calls in Redis lose the key too. The audit says how much went, never whose.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from hotline.call_records.erasure import forget_key
from hotline.callbacks import cancel_for_key
from hotline.privacy import caller_key
from hotline.runtime import Runtime

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class ForgetReport:
    records: int  # records that lost the caller key
    vault_entries: int  # vault entries deleted
    live_calls: int  # live calls that lost the caller key
    callbacks: int = 0  # open callbacks cancelled (they would have rung that number)


def forget(runtime: Runtime, e164: str, *, actor: str = "privacy") -> ForgetReport:
    """Erase the caller key of `e164` (already parsed to E.164) everywhere it is kept."""
    hash_key = runtime.settings.hash_key.reveal().encode() if runtime.settings.hash_key else b""
    key = caller_key(e164, hash_key)
    if key is None:
        raise ValueError("a withheld number has no caller key to forget")

    cancelled = cancel_for_key(runtime, key)  # first: no callback may ring once it is gone
    live = runtime.calls.forget_caller(key)
    records, vault = forget_key(runtime.sessions, key, actor=actor, live_calls=live)
    report = ForgetReport(
        records=records, vault_entries=vault, live_calls=live, callbacks=cancelled
    )
    log.info("caller forgotten", extra=report.__dict__)
    return report
