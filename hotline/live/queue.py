"""The live queue: one ZSET per tier scored by entered_at, so a caller's place is O(log n).

A call being offered to a counselor stays in its tier's ZSET with the same score (it keeps
its place if the offer fails) but leaves the `waiting` set, so no one else is offered it.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import redis

from hotline.live.lua import (
    BY_CALL,
    TIERS,
    WAITING,
    WRAPUPS,
    call_key,
    script,
    text,
    tier_key,
)
from hotline.live.offers import LiveOffer, offer_from
from hotline.routing.snapshot import WaitingCall

_ENQUEUE = script("""
if redis.call('EXISTS', KEYS[1]) == 1 then return 0 end
redis.call('HSET', KEYS[1], 'call_id', ARGV[1], 'tier', ARGV[2], 'entered_at', ARGV[3],
  'language', ARGV[4], 'topic', ARGV[5], 'preferred_counselor', ARGV[6],
  'rules_version', ARGV[7], 'callback', ARGV[8])
redis.call('ZADD', KEYS[2], ARGV[3], ARGV[1])
redis.call('SADD', KEYS[3], ARGV[1])
redis.call('SADD', KEYS[4], ARGV[2])
return 1
""")

# Gone for good: every pending offer (the lead and its companions) is cancelled and its
# counselor goes back to AVAILABLE keeping their idle_since (the caller left; the
# counselor keeps their turn), or back to the wrap-up the offer paused. ARGV: call_id, now.
_REMOVE = script("""
local call = redis.call('HGETALL', KEYS[1])
local cancelled = {}
for _, id in ipairs(redis.call('SMEMBERS', companions_key(ARGV[1]))) do
  local d = drop_offer(id, 'available', ARGV[2], true)
  if d then cancelled[#cancelled + 1] = d end
end
local pending = redis.call('HGET', BY_CALL, ARGV[1])
if pending then
  local d = drop_offer(pending, 'available', ARGV[2], true)
  if d then table.insert(cancelled, 1, d) end
end
if #call > 0 then
  local tier = redis.call('HGET', KEYS[1], 'tier')
  redis.call('ZREM', tier_key(tier), ARGV[1])
  redis.call('DEL', KEYS[1])
end
redis.call('SREM', WAITING, ARGV[1])
return {call, cancelled}
""")

_WAITING = script("""
local out = {}
for _, id in ipairs(redis.call('SMEMBERS', KEYS[1])) do
  local call = redis.call('HGETALL', call_key(id))
  if #call > 0 then out[#out + 1] = call end
end
return out
""")

# ARGV[1] is the call, ARGV[2..] the tier order. A tier missing from the order ranks as
# the most urgent (as Rules.tier_rank does): never under-serve a call.
_POSITION = script("""
local tier = redis.call('HGET', KEYS[1], 'tier')
if not tier then return false end
local entered = redis.call('HGET', KEYS[1], 'entered_at')
local function rank(t)
  for i = 2, #ARGV do if ARGV[i] == t then return i - 2 end end
  return 0
end
local mine = redis.call('ZRANK', tier_key(tier), ARGV[1])
if not mine then return false end
local pos = mine + 1
local my_rank = rank(tier)
for _, t in ipairs(redis.call('SMEMBERS', KEYS[2])) do
  if t ~= tier then
    local r = rank(t)
    if r < my_rank then
      pos = pos + redis.call('ZCARD', tier_key(t))
    elseif r == my_rank then
      pos = pos + redis.call('ZCOUNT', tier_key(t), '-inf', '(' .. entered)
    end
  end
end
return pos
""")

_DEPTH = script("""
local seen, out = {}, {}
local function add(t, always)
  if seen[t] then return end
  seen[t] = true
  local n = redis.call('ZCARD', tier_key(t))
  if n == 0 and not always then return end
  local first = redis.call('ZRANGE', tier_key(t), 0, 0, 'WITHSCORES')
  out[#out + 1] = {t, n, first[2] or false}
end
for i = 1, #ARGV do add(ARGV[i], true) end
for _, t in ipairs(redis.call('SMEMBERS', KEYS[1])) do add(t, false) end
return out
""")

_QUEUED = script("""
local out = {}
for _, t in ipairs(redis.call('SMEMBERS', KEYS[1])) do
  for _, id in ipairs(redis.call('ZRANGE', tier_key(t), 0, -1)) do
    local call = redis.call('HGETALL', call_key(id))
    if #call > 0 then out[#out + 1] = call end
  end
end
return out
""")

_QUEUED_IDS = script("""
local out = {}
for _, t in ipairs(redis.call('SMEMBERS', KEYS[1])) do
  for _, id in ipairs(redis.call('ZRANGE', tier_key(t), 0, -1)) do out[#out + 1] = id end
end
return out
""")


@dataclass(frozen=True)
class Removal:
    """What leaving the queue undid: the call, and the offers that were ringing for it (its
    lead first, then any companions)."""

    call: WaitingCall | None
    offers: tuple[LiveOffer, ...] = ()

    @property
    def offer(self) -> LiveOffer | None:
        """The lead offer that was ringing, if any."""
        return self.offers[0] if self.offers else None


class LiveQueue:
    def __init__(self, client: redis.Redis[bytes]) -> None:
        self.redis = client
        self._enqueue = client.register_script(_ENQUEUE)
        self._remove = client.register_script(_REMOVE)
        self._waiting = client.register_script(_WAITING)
        self._position = client.register_script(_POSITION)
        self._depth = client.register_script(_DEPTH)
        self._queued_ids = client.register_script(_QUEUED_IDS)
        self._queued = client.register_script(_QUEUED)

    def enqueue(self, call: WaitingCall) -> bool:
        """Idempotent (Twilio may redeliver): a call already queued keeps its entered_at."""
        added = self._enqueue(
            keys=[call_key(call.call_id), tier_key(call.tier), WAITING, TIERS],
            args=[
                call.call_id,
                call.tier,
                repr(float(call.entered_at)),
                call.language,
                call.topic,
                call.preferred_counselor or "",
                call.rules_version,
                "1" if call.callback else "",
            ],
        )
        return bool(added)

    def remove(self, call_id: str) -> WaitingCall | None:
        """Hung up, overflowed or connected: out of the queue, and any offer for it cancelled."""
        return self.remove_with_offer(call_id).call

    def remove_with_offer(self, call_id: str, *, now: float | None = None) -> Removal:
        """As remove(), also saying which offer was cancelled (so its ring can be hung up)."""
        moment = time.time() if now is None else now
        raw_call, raw_offer = self._remove(
            keys=[call_key(call_id), BY_CALL, WRAPUPS], args=[call_id, repr(float(moment))]
        )
        call = _call_from(raw_call) if raw_call else None
        return Removal(call=call, offers=tuple(offer_from(o) for o in raw_offer or ()))

    def get(self, call_id: str) -> WaitingCall | None:
        raw = self.redis.hgetall(call_key(call_id))
        return _call_from([x for kv in raw.items() for x in kv]) if raw else None

    def waiting(self) -> list[WaitingCall]:
        """Calls that may be offered now (queued and not ringing anyone), in no order."""
        return [_call_from(raw) for raw in self._waiting(keys=[WAITING])]

    def is_offered(self, call_id: str) -> bool:
        return bool(self.redis.hexists(BY_CALL, call_id))

    def position(self, call_id: str, tier_order: Sequence[str]) -> int | None:
        """1-based place among all queued calls (offered ones too): tier first, then arrival."""
        pos = self._position(keys=[call_key(call_id), TIERS], args=[call_id, *tier_order])
        return int(pos) if pos is not None else None

    def depth(self, tier_order: Sequence[str]) -> dict[str, tuple[int, float | None]]:
        """Per tier: how many are queued and since when the oldest waits.

        Every tier of `tier_order` is present; a tier outside it shows up only while it
        holds calls (a call queued under rules since edited).
        """
        rows = self._depth(keys=[TIERS], args=list(tier_order))
        return {
            text(t): (int(n), float(oldest) if oldest is not None else None)
            for t, n, oldest in rows
        }

    def queued(self) -> list[WaitingCall]:
        """Every queued call, waiting or offered, oldest first within each tier; one
        round trip (for the supervisor's dashboard and the console's queue in brief)."""
        return [_call_from(raw) for raw in self._queued(keys=[TIERS])]

    def queued_ids(self) -> list[str]:
        """Every queued call id, waiting or offered (for the sweep)."""
        return [text(i) for i in self._queued_ids(keys=[TIERS])]


def _call_from(flat: Sequence[Any]) -> WaitingCall:
    """A WaitingCall from a flat [field, value, ...] reply."""
    f = {text(flat[i]): text(flat[i + 1]) for i in range(0, len(flat), 2)}
    return WaitingCall(
        call_id=f["call_id"],
        tier=f["tier"],
        entered_at=float(f["entered_at"]),
        language=f["language"],
        topic=f["topic"],
        preferred_counselor=f.get("preferred_counselor") or None,
        rules_version=f.get("rules_version", ""),
        callback=bool(f.get("callback")),
    )
