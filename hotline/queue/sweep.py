"""The periodic clean-up of live state that no webhook will ever fix.

Every step is an atomic script that re-checks what it acts on, so a sweep may run
concurrently with dispatch, with webhooks and with another sweep: nothing is undone
twice and nothing is counted twice.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import redis

from hotline.live.lua import BY_CALL, script
from hotline.live.offers import ACCEPT_GRACE, LiveOffer, Offers
from hotline.live.presence import Presence
from hotline.live.queue import LiveQueue
from hotline.routing.snapshot import CounselorState

# Calls marked offered whose lead offer is gone: a companion still ringing becomes the
# lead, else the call waits again (never happens while every step is atomic; a lost write
# must not hold a caller out of every match until they overflow).
_UNSTICK_CALLS = script("""
local n = 0
local pairs_ = redis.call('HGETALL', KEYS[1])
for i = 1, #pairs_, 2 do
  local call_id, offer_id = pairs_[i], pairs_[i + 1]
  if redis.call('EXISTS', offer_key(offer_id)) == 0 then
    local next_lead = redis.call('SPOP', companions_key(call_id))
    if next_lead then
      redis.call('HSET', KEYS[1], call_id, next_lead)
    else
      redis.call('HDEL', KEYS[1], call_id)
      if redis.call('EXISTS', call_key(call_id)) == 1 then
        redis.call('SADD', WAITING, call_id)
      end
    end
    n = n + 1
  end
end
return n
""")


@dataclass(frozen=True)
class SweepReport:
    expired_offers: int  # released as missed: the ring ran out and no status callback came
    set_away: int  # counselors whose expired offer was their last allowed miss
    vanished_calls: int  # queued calls whose live call is gone (its key expired)
    stuck_counselors: int  # RINGING with no offer, set back to AVAILABLE
    stuck_calls: int = 0  # marked offered with no offer, waiting again
    # What the caller may need to act on (a live call's stage, a counselor's ringing leg):
    released: tuple[LiveOffer, ...] = field(default=(), compare=False)  # expired, released
    cancelled: tuple[LiveOffer, ...] = field(default=(), compare=False)  # for vanished calls


def sweep(
    client: redis.Redis[bytes],
    *,
    now: float,
    call_exists: Callable[[str], bool],
    max_no_answer: int | None = None,
) -> SweepReport:
    """Release expired offers, drop vanished calls, unstick counselors and calls.

    An expired offer counts as a miss (the counselor did not answer in time); with
    `max_no_answer` (pass rules.offer.max_no_answer) the last allowed miss sets them AWAY,
    without it they go back to AVAILABLE. Offers are released only ACCEPT_GRACE after
    they expire, so an accept key pressed at the last second still wins.
    """
    offers, queue, presence = Offers(client), LiveQueue(client), Presence(client)
    cutoff = now - ACCEPT_GRACE
    released: list[LiveOffer] = []
    set_away = 0
    for offer in offers.expired(cutoff):
        missed = offers.miss(
            offer.offer_id, now=now, max_no_answer=max_no_answer or 0, expired_by=cutoff
        )
        if missed is not None:
            released.append(missed.offer)
            set_away += missed.went_away
    vanished = 0
    cancelled: list[LiveOffer] = []
    for call_id in queue.queued_ids():
        if call_exists(call_id):
            continue
        removal = queue.remove_with_offer(call_id)
        vanished += removal.call is not None
        cancelled.extend(removal.offers)
    stuck = sum(
        presence.unstick(c.counselor_id)
        for c in presence.all()
        if c.state == CounselorState.RINGING
    )
    stuck_calls = int(client.register_script(_UNSTICK_CALLS)(keys=[BY_CALL]))
    return SweepReport(
        expired_offers=len(released),
        set_away=set_away,
        vanished_calls=vanished,
        stuck_counselors=stuck,
        stuck_calls=stuck_calls,
        released=tuple(released),
        cancelled=tuple(cancelled),
    )
