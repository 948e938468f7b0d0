"""Retention, as the rules set it: run nightly by the scheduler, or by `hotline purge`.

Keys go first (90 days), then closed or old vault entries (14), then whole records
(2 years) fold into daily counts. Each step is its own transaction and is idempotent.
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import asdict, dataclass

from hotline.call_records import erasure
from hotline.records.audit import audit
from hotline.runtime import Runtime

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class PurgePlan:
    caller_keys: int  # records that lose their caller key
    vault_entries: int  # vault entries erased and deleted
    records: int  # records folded into daily counts and deleted
    callbacks: int = 0  # finished callbacks deleted, or open ones whose number expired

    @property
    def empty(self) -> bool:
        return not (self.caller_keys or self.vault_entries or self.records or self.callbacks)


@dataclass(frozen=True)
class Cutoffs:
    caller_keys: dt.datetime
    vault: dt.datetime
    records: dt.datetime


def cutoffs(runtime: Runtime, now: dt.datetime) -> Cutoffs:
    policy = runtime.rules.retention
    now = now.astimezone(dt.UTC) if now.tzinfo else now.replace(tzinfo=dt.UTC)
    return Cutoffs(
        caller_keys=now - dt.timedelta(days=policy.caller_key_days),
        vault=now - dt.timedelta(days=policy.vault_days),
        records=now - dt.timedelta(days=policy.records_days),
    )


def plan_purge(runtime: Runtime, now: dt.datetime) -> PurgePlan:
    """What `purge` would do at `now`; changes nothing."""
    cut = cutoffs(runtime, now)
    return PurgePlan(
        caller_keys=erasure.count_keys_due(runtime.sessions, cut.caller_keys),
        vault_entries=erasure.count_vault_due(runtime.sessions, cut.vault),
        records=erasure.count_records_due(runtime.sessions, cut.records),
        callbacks=erasure.count_callbacks_due(runtime.sessions, cut.vault),
    )


def purge(runtime: Runtime, now: dt.datetime, *, actor: str = "retention") -> PurgePlan:
    """Forget what the rules say is due at `now`; returns what went."""
    cut = cutoffs(runtime, now)
    done = PurgePlan(
        caller_keys=erasure.drop_caller_keys(runtime.sessions, cut.caller_keys),
        vault_entries=erasure.purge_vault(runtime.sessions, cut.vault, at=now),
        records=erasure.roll_up_records(runtime.sessions, cut.records),
        callbacks=erasure.purge_callbacks(runtime.sessions, cut.vault, at=now),
    )
    if not done.empty:
        audit(runtime.sessions, actor=actor, action="retention.purge", detail=asdict(done))
    log.info("retention purge", extra=asdict(done))
    return done
