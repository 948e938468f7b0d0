"""A callback asked for from the queue: the caller on hold pressed the callback key."""

from __future__ import annotations

import logging
import secrets

from hotline.callbacks.common import keep, utc, zones_for, zones_of
from hotline.callbacks.release import release
from hotline.live.calls import LiveCall, now
from hotline.platform.counters import count
from hotline.records import vault
from hotline.routing.windows import closes_within
from hotline.runtime import Runtime

log = logging.getLogger(__name__)


def may_offer(runtime: Runtime, call: LiveCall, e164: str | None) -> bool:
    """Whether the hold loop offers the callback key now: the caller has waited long enough,
    has a number we can ring, and the window is open (and stays open an hour) where they
    are, and their tier is one the rules' `callbacks.offer_to` names. At night the caller
    keeps waiting or overflows to a person instead: a callback promised for the morning is
    no help to someone in crisis now."""
    if e164 is None or call.stage != "queued" or call.queued_at is None:
        return False
    own = runtime.rules_for(call.rules_version)
    if own.tier_for(call.tier or "").name not in own.callbacks.offer_to:
        return False  # a caller in danger is kept on the line, unless the rules say so
    if now() - call.queued_at < runtime.rules.overflow.callback_offer_after:
        return False
    policy = runtime.rules.callbacks
    return not closes_within(utc(), 3600, zones_of(zones_for(e164)), policy)


def request_from_queue(runtime: Runtime, call: LiveCall, e164: str) -> bool:
    """The caller pressed the callback key on hold: keep their number in the vault, and
    put a callback in their place in line (same tier, same time entered)."""
    if call.stage != "queued" or call.queued_at is None or not call.tier:
        return False
    if runtime.offers.for_call(call.call_id) is not None:
        return False  # a counselor is being rung for them right now: let it connect
    moment = utc()
    callback_id = secrets.token_urlsafe(12)
    vault_id = vault.store_number(
        runtime.sessions,
        runtime.settings,
        call_id=call.call_id,
        caller_key=call.caller_key,
        e164=e164,
    )
    keep(
        runtime,
        moment,
        actor="caller",
        action="callback.requested",
        id=callback_id,
        call_id=call.call_id,
        vault_id=vault_id,
        caller_key=call.caller_key,
        source="queue",
        language=call.language or runtime.rules.default_language,
        topic=call.topic or "general",
        tier=call.tier,
        zones=zones_for(e164),
        counselor_id=None,
        urgent=False,
        entered_at=utc(call.queued_at),
        due_at=moment,
        not_after=None,
    )
    runtime.queue.remove(call.call_id)
    call.stage = "callback"
    runtime.calls.save(call)
    count(runtime.redis, "callbacks_requested")
    log.info("callback requested", extra={"call_id": call.call_id, "callback_id": callback_id})
    release(runtime, callback_id)
    return True
