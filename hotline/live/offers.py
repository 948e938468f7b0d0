"""Offers: the atomic claim that makes a ring real, so nobody is ever double-booked.

A claim, an accept and a release are each one Lua script, so any number of web and
worker processes on any number of machines may race: a counselor holds at most one
offer, a call is offered to one counselor at a time (its lead offer) unless its tier
rings several at once (companion offers beside the lead), exactly one offer of a call is
ever accepted, and a release gives the call back its place (it never left its tier's
ZSET, nor changed score) once no offer of it is left.
"""

from __future__ import annotations

import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import redis

from hotline.live.lua import (
    BY_CALL,
    BY_COUNSELOR,
    EXPIRY,
    WAITING,
    WRAPUPS,
    call_key,
    companions_key,
    counselor_key,
    offer_key,
    script,
    taken_key,
    text,
)
from hotline.routing.snapshot import CounselorState

# An accept may arrive this long after expires_at (the key press travels through Twilio);
# the sweep waits as long before releasing an expired offer, so the two never race.
ACCEPT_GRACE = 2.0

# ARGV: call_id, counselor_id, offer_id, now, expires_at, pause_for (the call's tier when
# its rules let it interrupt a wrap-up, else ''), paused_call (whose wrap-up that is),
# companion ('1': ring beside the call's lead offer, which must be ringing).
# A counselor in wrap-up is claimed only by a caller on the line of that tier: what is
# left of the wrap-up is kept in their hash (paused_left) for after this offer. A
# companion is only ever an AVAILABLE counselor, for a caller on the line.
_CLAIM = script("""
if redis.call('EXISTS', KEYS[1]) == 0 then return 0 end
if redis.call('HEXISTS', BY_COUNSELOR, ARGV[2]) == 1 then return 0 end
local state = redis.call('HGET', KEYS[2], 'state')
if ARGV[8] == '1' then
  if redis.call('HEXISTS', BY_CALL, ARGV[1]) == 0 then return 0 end
  if redis.call('HGET', KEYS[1], 'callback') == '1' then return 0 end
  if state ~= 'available' then return 0 end
  redis.call('SADD', companions_key(ARGV[1]), ARGV[3])
else
  if redis.call('SISMEMBER', WAITING, ARGV[1]) == 0 then return 0 end
  if redis.call('HEXISTS', BY_CALL, ARGV[1]) == 1 then return 0 end
  if state == 'wrap_up' then
    if ARGV[6] == '' or redis.call('HGET', KEYS[1], 'tier') ~= ARGV[6] then return 0 end
    if redis.call('HGET', KEYS[1], 'callback') == '1' then return 0 end
    local ends = tonumber(redis.call('ZSCORE', KEYS[4], ARGV[2]) or ARGV[4])
    local left = math.max(0, ends - tonumber(ARGV[4]))
    redis.call('ZREM', KEYS[4], ARGV[2])
    redis.call('HSET', KEYS[2], 'paused_left', string.format('%.6f', left),
      'paused_call', ARGV[7], 'paused_for', ARGV[6])
  elseif state ~= 'available' then
    return 0
  end
  redis.call('SREM', WAITING, ARGV[1])
  redis.call('HSET', BY_CALL, ARGV[1], ARGV[3])
end
redis.call('HSET', BY_COUNSELOR, ARGV[2], ARGV[3])
redis.call('HSET', KEYS[2], 'state', 'ringing')
redis.call('HSET', KEYS[3], 'call_id', ARGV[1], 'counselor_id', ARGV[2],
  'created_at', ARGV[4], 'expires_at', ARGV[5])
redis.call('ZADD', EXPIRY, ARGV[5], ARGV[3])
return 1
""")

# The counselor takes the call: ON_CALL, misses reset, and the call leaves the queue. The
# call's other offers (lead or companions) are dropped in the same step: their counselors
# go back to AVAILABLE keeping their turn (or to the wrap-up the offer paused), and each
# is marked taken for a few minutes. Returns {offer, {dropped offers...}}.
_ACCEPT = script("""
local o = redis.call('HMGET', KEYS[1], 'call_id', 'counselor_id', 'created_at', 'expires_at',
  'leg')
if not o[1] then return false end
if tonumber(ARGV[2]) >= tonumber(o[4]) + tonumber(ARGV[3]) then return false end
local lead, ours = redis.call('HGET', BY_CALL, o[1]), companions_key(o[1])
if lead ~= ARGV[1] and redis.call('SISMEMBER', ours, ARGV[1]) == 0 then return false end
if redis.call('HGET', BY_COUNSELOR, o[2]) ~= ARGV[1] then return false end
local ck, qk = counselor_key(o[2]), call_key(o[1])
if redis.call('HGET', ck, 'state') ~= 'ringing' then return false end
local others = redis.call('SMEMBERS', ours)
if lead and lead ~= ARGV[1] then others[#others + 1] = lead end
redis.call('DEL', ours)
redis.call('HDEL', BY_CALL, o[1])
local dropped = {}
for _, id in ipairs(others) do
  if id ~= ARGV[1] then
    local d = drop_offer(id, 'available', ARGV[2], true)
    if d then
      dropped[#dropped + 1] = d
      redis.call('SET', P .. 'offer_taken:' .. id, '1', 'EX', 600)
    end
  end
end
redis.call('HSET', ck, 'state', 'on_call', 'misses', 0)
redis.call('HDEL', BY_COUNSELOR, o[2])
redis.call('DEL', KEYS[1])
redis.call('ZREM', EXPIRY, ARGV[1])
local tier = redis.call('HGET', qk, 'tier')
if tier then redis.call('ZREM', tier_key(tier), o[1]) end
redis.call('DEL', qk)
redis.call('SREM', WAITING, o[1])
o[6] = o[5] or ''
o[5] = ARGV[1]
return {o, dropped}
""")

# The sid of the call ringing an offer's counselor, if the offer still stands.
_SET_LEG = script("""
if redis.call('EXISTS', KEYS[1]) == 0 then return 0 end
redis.call('HSET', KEYS[1], 'leg', ARGV[1])
return 1
""")

# ARGV: offer_id, now, to_state, max_no_answer ('' = no miss counted),
# only_if_expired_by ('' = release whatever its expiry). Returns {offer, went_away}.
_RELEASE = script("""
local exp = redis.call('HGET', KEYS[1], 'expires_at')
if not exp then return false end
if ARGV[5] ~= '' and tonumber(exp) > tonumber(ARGV[5]) then return false end
local to_state, away = ARGV[3], 0
if ARGV[4] ~= '' then
  local who = redis.call('HGET', KEYS[1], 'counselor_id')
  local ck = counselor_key(who)
  if redis.call('HGET', BY_COUNSELOR, who) == ARGV[1] and redis.call('EXISTS', ck) == 1 then
    local n = redis.call('HINCRBY', ck, 'misses', 1)
    local max = tonumber(ARGV[4])
    if max > 0 and n >= max then to_state, away = 'away', 1 end
  end
end
return {drop_offer(ARGV[1], to_state, ARGV[2], false), away}
""")

_EXPIRED = script("""
local out = {}
for _, id in ipairs(redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', ARGV[1])) do
  local o = redis.call('HMGET', offer_key(id), 'call_id', 'counselor_id', 'created_at',
    'expires_at')
  if o[1] then o[5] = id; out[#out + 1] = o end
end
return out
""")

_RELEASABLE = frozenset(
    {
        CounselorState.AVAILABLE,
        CounselorState.AWAY,
        CounselorState.WRAP_UP,
        CounselorState.OFF_SHIFT,
    }
)


@dataclass(frozen=True)
class LiveOffer:
    offer_id: str
    call_id: str
    counselor_id: str
    created_at: float
    expires_at: float
    leg: str | None = None  # the sid of the call ringing the counselor, once known


@dataclass(frozen=True)
class Accepted:
    """An accepted offer, and the call's other offers it dropped (their phones to stop)."""

    offer: LiveOffer
    dropped: tuple[LiveOffer, ...] = ()


@dataclass(frozen=True)
class Missed:
    """A missed offer, released: `went_away` when it was the counselor's last allowed miss."""

    offer: LiveOffer
    went_away: bool


class Offers:
    def __init__(self, client: redis.Redis[bytes]) -> None:
        self.redis = client
        self._claim = client.register_script(_CLAIM)
        self._accept = client.register_script(_ACCEPT)
        self._release = client.register_script(_RELEASE)
        self._expired = client.register_script(_EXPIRED)
        self._set_leg = client.register_script(_SET_LEG)

    def claim(
        self,
        call_id: str,
        counselor_id: str,
        *,
        now: float,
        ttl: float,
        pause_for: str = "",
        paused_call: str = "",
        companion: bool = False,
    ) -> LiveOffer | None:
        """Offer a waiting call to an AVAILABLE counselor; None (nothing changed) otherwise.

        With `pause_for` (the call's tier, when its rules let it interrupt a wrap-up), a
        counselor in WRAP_UP may be claimed too, if the call is of that tier and not a
        callback: their wrap-up is paused, and comes back if the offer is released or
        after the call (`Presence.wrap_up`). `paused_call` names whose wrap-up it was.

        With `companion`, the call must already be ringing someone (its lead offer): this
        counselor, AVAILABLE, is rung beside them, and whoever accepts first takes the call.
        """
        offer = LiveOffer(
            offer_id=secrets.token_urlsafe(12),
            call_id=call_id,
            counselor_id=counselor_id,
            created_at=float(now),
            expires_at=float(now) + ttl,
        )
        won = self._claim(
            keys=[
                call_key(call_id),
                counselor_key(counselor_id),
                offer_key(offer.offer_id),
                WRAPUPS,
            ],
            args=[
                call_id,
                counselor_id,
                offer.offer_id,
                repr(offer.created_at),
                repr(offer.expires_at),
                pause_for,
                paused_call,
                "1" if companion else "",
            ],
        )
        return offer if won else None

    def accept(self, offer_id: str, *, now: float) -> LiveOffer | None:
        """The counselor takes the call, if the offer still stands (until expires_at + grace)."""
        taken = self.take(offer_id, now=now)
        return taken.offer if taken else None

    def take(self, offer_id: str, *, now: float) -> Accepted | None:
        """As accept(), also giving the call's other offers that were dropped."""
        raw = self._accept(
            keys=[offer_key(offer_id), BY_CALL, BY_COUNSELOR, EXPIRY, WAITING],
            args=[offer_id, repr(float(now)), repr(ACCEPT_GRACE)],
        )
        if not raw:
            return None
        return Accepted(offer_from(raw[0]), tuple(offer_from(d) for d in raw[1] or ()))

    def set_leg(self, offer_id: str, leg: str) -> bool:
        """Note the sid ringing the offer's counselor; False when the offer is gone."""
        return bool(self._set_leg(keys=[offer_key(offer_id)], args=[leg]))

    def taken_by_another(self, offer_id: str) -> bool:
        """This offer was dropped because another counselor accepted the call."""
        return bool(self.redis.exists(taken_key(offer_id)))

    def of_call(self, call_id: str) -> list[LiveOffer]:
        """Every offer ringing for the call: its lead first, then its companions."""
        lead = self.for_call(call_id)
        others = sorted(text(x) for x in self.redis.smembers(companions_key(call_id)))
        found = [self.get(offer_id) for offer_id in others]
        return ([lead] if lead else []) + [o for o in found if o is not None]

    def release(
        self,
        offer_id: str,
        *,
        now: float,
        to_state: CounselorState = CounselorState.AVAILABLE,
    ) -> LiveOffer | None:
        """Declined, not answered or failed: the call waits again in its place; idempotent.

        The counselor goes to `to_state`; AVAILABLE restarts their idle time, so the next
        offer goes to someone idle for longer.
        """
        released = self._release_raw(offer_id, now=now, to_state=to_state)
        return released.offer if released else None

    def miss(
        self, offer_id: str, *, now: float, max_no_answer: int, expired_by: float | None = None
    ) -> Missed | None:
        """Release as a missed offer, counting the miss in the same step; idempotent.

        At `max_no_answer` misses in a row the counselor goes AWAY, else AVAILABLE. Use this
        rather than Presence.miss + release when Twilio may report a no-answer twice: a
        second report finds no offer and counts nothing. With `expired_by`, only an offer
        whose expires_at is at or before it is released.
        """
        return self._release_raw(
            offer_id,
            now=now,
            to_state=CounselorState.AVAILABLE,
            max_no_answer=max_no_answer,
            expired_by=expired_by,
        )

    def get(self, offer_id: str) -> LiveOffer | None:
        raw = self.redis.hmget(
            offer_key(offer_id), ["call_id", "counselor_id", "created_at", "expires_at", "leg"]
        )
        return offer_from([*raw[:4], offer_id, raw[4] or b""]) if raw[0] is not None else None

    def for_call(self, call_id: str) -> LiveOffer | None:
        offer_id = self.redis.hget(BY_CALL, call_id)
        return self.get(text(offer_id)) if offer_id else None

    def for_counselor(self, counselor_id: str) -> LiveOffer | None:
        offer_id = self.redis.hget(BY_COUNSELOR, counselor_id)
        return self.get(text(offer_id)) if offer_id else None

    def expired(self, now: float) -> list[LiveOffer]:
        """Offers whose expires_at is at or before `now`, soonest expired first."""
        return [offer_from(raw) for raw in self._expired(keys=[EXPIRY], args=[repr(float(now))])]

    def _release_raw(
        self,
        offer_id: str,
        *,
        now: float,
        to_state: CounselorState,
        max_no_answer: int | None = None,
        expired_by: float | None = None,
    ) -> Missed | None:
        if to_state not in _RELEASABLE:
            raise ValueError(f"a released counselor cannot be {to_state.value}")
        raw = self._release(
            keys=[offer_key(offer_id), BY_CALL, BY_COUNSELOR, EXPIRY, WAITING, WRAPUPS],
            args=[
                offer_id,
                repr(float(now)),
                to_state.value,
                "" if max_no_answer is None else str(int(max_no_answer)),
                "" if expired_by is None else repr(float(expired_by)),
            ],
        )
        if not raw or not raw[0]:
            return None
        return Missed(offer=offer_from(raw[0]), went_away=bool(raw[1]))


def offer_from(raw: Sequence[Any]) -> LiveOffer:
    """A LiveOffer from a script's [call_id, counselor_id, created_at, expires_at, offer_id]
    and, from the scripts that know it, the leg ('' when none yet)."""
    call_id, counselor_id, created_at, expires_at, offer_id = (text(x) for x in raw[:5])
    leg = text(raw[5]) if len(raw) > 5 and raw[5] else ""
    return LiveOffer(
        offer_id=offer_id,
        call_id=call_id,
        counselor_id=counselor_id,
        created_at=float(created_at),
        expires_at=float(expires_at),
        leg=leg or None,
    )
