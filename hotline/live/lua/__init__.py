"""Key layout and shared Lua for the queue, presence and offers.

Every key carries the `{live}` hash tag, so all of them live in one Redis Cluster slot:
a script may then touch keys it derives from stored ids (an offer's call, a call's
tier), which Cluster allows within one slot. Scripts still declare the keys they know
up front, so that Cluster routes them to the right node.
"""

from __future__ import annotations

PREFIX = "hotline:{live}:"
WAITING = PREFIX + "q:waiting"  # SET: queued calls not offered right now
TIERS = PREFIX + "q:tiers"  # SET: every tier name a call was ever queued under
COUNSELORS = PREFIX + "counselors"  # SET: every counselor id with a profile
BY_CALL = PREFIX + "offers:by_call"  # HASH: call_id -> its lead offer_id
BY_COUNSELOR = PREFIX + "offers:by_counselor"  # HASH: counselor_id -> offer_id
EXPIRY = PREFIX + "offers:expiry"  # ZSET: offer_id scored by expires_at
WRAPUPS = PREFIX + "wrapup"  # ZSET: counselor_id scored by when their wrap-up ends


def call_key(call_id: str) -> str:
    """HASH: a queued call (waiting or offered); gone once connected, hung up or overflowed."""
    return PREFIX + "q:call:" + call_id


def tier_key(tier: str) -> str:
    """ZSET: queued calls of one tier, scored by entered_at (offered ones keep their score)."""
    return PREFIX + "q:tier:" + tier


def counselor_key(counselor_id: str) -> str:
    """HASH: languages, specialties (JSON lists), state, idle_since, misses; while a wrap-up
    is paused for a call (wrap-up yields to danger): paused_left (seconds of it left, until
    that call's own wrap-up starts), paused_call (whose wrap-up it was) and paused_for
    (the tier of the caller it was paused for), these two until the counselor is
    available again."""
    return PREFIX + "counselor:" + counselor_id


def offer_key(offer_id: str) -> str:
    """HASH: call_id, counselor_id, created_at, expires_at; leg (the sid ringing them)."""
    return PREFIX + "offer:" + offer_id


def companions_key(call_id: str) -> str:
    """SET: offers rung beside the call's lead offer (its tier's ring_at_once). The first
    of the call's offers to be accepted takes the call and the others are dropped; a lead
    released while companions ring hands the lead to one of them, so the call waits again
    only when none of its offers is left."""
    return PREFIX + "offers:with:" + call_id


def taken_key(offer_id: str) -> str:
    """STRING, for a few minutes: this offer was dropped because another counselor took
    the call, so the counselor who picks up late is told so, not that the caller left."""
    return PREFIX + "offer_taken:" + offer_id


# Shared by every script. Numbers travel as the strings Python wrote (repr of a float) and
# are stored untouched: Lua would print them with 14 digits and lose precision.
PRELUDE = f"""
local P = '{PREFIX}'
local WAITING = '{WAITING}'
local BY_CALL = '{BY_CALL}'
local BY_COUNSELOR = '{BY_COUNSELOR}'
local EXPIRY = '{EXPIRY}'
local WRAPUPS = '{WRAPUPS}'
local function call_key(id) return P .. 'q:call:' .. id end
local function tier_key(t) return P .. 'q:tier:' .. t end
local function counselor_key(id) return P .. 'counselor:' .. id end
local function offer_key(id) return P .. 'offer:' .. id end
local function companions_key(id) return P .. 'offers:with:' .. id end

-- A wrap-up paused by an offer goes on: what was left of it, from `now`.
local function resume_wrap_up(ck, counselor_id, now)
  local left = tonumber(redis.call('HGET', ck, 'paused_left') or '0')
  redis.call('HSET', ck, 'state', 'wrap_up')
  redis.call('HDEL', ck, 'paused_left', 'paused_call', 'paused_for')
  redis.call('ZADD', WRAPUPS, string.format('%.6f', tonumber(now) + left), counselor_id)
end

-- Undo an offer: the call waits again (its score never changed) unless a companion offer
-- still rings for it (it becomes the lead), and a RINGING counselor goes to `to_state`
-- (nil: leave the state alone); to 'available' from a paused wrap-up means back to that
-- wrap-up. Returns the offer (see OFFER_FIELDS).
local function drop_offer(offer_id, to_state, now, keep_idle)
  local o = redis.call('HMGET', offer_key(offer_id),
    'call_id', 'counselor_id', 'created_at', 'expires_at', 'leg')
  if not o[1] then return false end
  o[6] = o[5] or ''
  o[5] = offer_id
  redis.call('DEL', offer_key(offer_id))
  redis.call('ZREM', EXPIRY, offer_id)
  if redis.call('HGET', BY_CALL, o[1]) == offer_id then
    local next_lead = redis.call('SPOP', companions_key(o[1]))
    if next_lead then
      redis.call('HSET', BY_CALL, o[1], next_lead)
    else
      redis.call('HDEL', BY_CALL, o[1])
      if redis.call('EXISTS', call_key(o[1])) == 1 then redis.call('SADD', WAITING, o[1]) end
    end
  else
    redis.call('SREM', companions_key(o[1]), offer_id)
  end
  if redis.call('HGET', BY_COUNSELOR, o[2]) == offer_id then
    redis.call('HDEL', BY_COUNSELOR, o[2])
    local ck = counselor_key(o[2])
    if to_state and redis.call('HGET', ck, 'state') == 'ringing' then
      if to_state == 'available' and redis.call('HEXISTS', ck, 'paused_left') == 1 then
        resume_wrap_up(ck, o[2], now)
      else
        redis.call('HSET', ck, 'state', to_state)
        redis.call('HDEL', ck, 'paused_left', 'paused_call', 'paused_for')
        if to_state == 'available' and not keep_idle then
          redis.call('HSET', ck, 'idle_since', now)
        end
      end
    end
  end
  return o
end
"""


# How a script returns an offer.
OFFER_FIELDS = ("call_id", "counselor_id", "created_at", "expires_at", "offer_id", "leg")


def script(body: str) -> str:
    """A script's full source: the shared prelude, then its own body."""
    return PRELUDE + body


def text(raw: bytes | str) -> str:
    """Clients return bytes (no decode_responses): decode here, once."""
    return raw.decode() if isinstance(raw, bytes) else raw
