"""Callbacks: a caller who would rather be called back, and the follow-ups agreed on calls.

Owns the `callbacks` table's use cases, the number kept for them in the encrypted vault
(records/vault.py) and the callback's live call. Asked for from the hold loop (`ask`),
agreed at wrap-up (`follow_up`), released into the queue when due (`release`), rung
once a counselor is in the room (`ring`), retried or given up (`attempts`), cancelled
by a data-subject request (`cancel`). It imports the platform, the adapters and the
core; the calls, console and records capabilities call it, never the other way.
"""

from __future__ import annotations

from hotline.callbacks.ask import may_offer, request_from_queue
from hotline.callbacks.attempts import attempt_failed
from hotline.callbacks.cancel import cancel_for_key
from hotline.callbacks.common import MACHINE, OPEN, RING_CALLER_FOR, STUCK_AFTER, zones_for
from hotline.callbacks.follow_up import FollowUp, agree_follow_up
from hotline.callbacks.release import due_ids, release, release_due
from hotline.callbacks.ring import answered, leg_ended, ring_caller

__all__ = [
    "MACHINE",
    "OPEN",
    "RING_CALLER_FOR",
    "STUCK_AFTER",
    "FollowUp",
    "agree_follow_up",
    "answered",
    "attempt_failed",
    "cancel_for_key",
    "due_ids",
    "leg_ended",
    "may_offer",
    "release",
    "release_due",
    "request_from_queue",
    "ring_caller",
    "zones_for",
]
