"""Counselor presence: profile, state, idle time and missed offers, one hash per counselor.

RINGING and ON_CALL belong to the offers (a claim rings, an accept connects), so a state
change here never silently undoes them; see Presence.set_state.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

import redis

from hotline.live.lua import BY_COUNSELOR, COUNSELORS, WRAPUPS, counselor_key, script, text
from hotline.routing.snapshot import Counselor, CounselorState, OnCallSummary, on_call_summary

_UPSERT = script("""
redis.call('HSET', KEYS[1], 'languages', ARGV[2], 'specialties', ARGV[3])
redis.call('HSETNX', KEYS[1], 'state', 'off_shift')
redis.call('HSETNX', KEYS[1], 'idle_since', '0.0')
redis.call('HSETNX', KEYS[1], 'misses', 0)
redis.call('SADD', KEYS[2], ARGV[1])
return 1
""")

# ARGV: counselor_id, state, now, force ('1' or '0'). Returns 1 when the state is now `state`.
_SET_STATE = script("""
local cur = redis.call('HGET', KEYS[1], 'state')
if not cur then return 0 end
local target, force = ARGV[2], ARGV[4] == '1'
if target == 'ringing' then return 0 end
if target == 'on_call' and cur ~= 'on_call' and not force then return 0 end
if cur == 'ringing' and target ~= 'ringing' then
  if not force then return 0 end
  local pending = redis.call('HGET', KEYS[2], ARGV[1])
  if pending then drop_offer(pending, nil, ARGV[3], false) end
end
if cur == 'on_call' and not force and target ~= 'on_call' and target ~= 'wrap_up' then
  return 0
end
if target == 'available' and cur ~= 'available' then
  redis.call('HSET', KEYS[1], 'idle_since', ARGV[3], 'misses', 0)
end
if target ~= 'on_call' then redis.call('HDEL', KEYS[1], 'paused_left') end
if target ~= 'on_call' and target ~= 'wrap_up' then
  redis.call('HDEL', KEYS[1], 'paused_call', 'paused_for')
end
redis.call('HSET', KEYS[1], 'state', target)
return 1
""")

# A call ended: ON_CALL to WRAP_UP for ARGV[2] seconds, plus what was left of a wrap-up
# that call paused (wrap-up yields to danger). ARGV: now, seconds, counselor_id.
# Returns the time the wrap-up ends, or false when the counselor was not on a call.
_WRAP_UP = script("""
if redis.call('HGET', KEYS[1], 'state') ~= 'on_call' then return false end
local left = tonumber(redis.call('HGET', KEYS[1], 'paused_left') or '0')
local ends = string.format('%.6f', tonumber(ARGV[1]) + tonumber(ARGV[2]) + left)
redis.call('HSET', KEYS[1], 'state', 'wrap_up')
redis.call('HDEL', KEYS[1], 'paused_left')
redis.call('ZADD', KEYS[2], ends, ARGV[3])
return ends
""")

# ARGV: max_no_answer. Returns {misses, went_away}. A RINGING or ON_CALL counselor is left
# alone: the release of that offer (to_state=AWAY) is what moves them.
_MISS = script("""
if redis.call('EXISTS', KEYS[1]) == 0 then return false end
local n = redis.call('HINCRBY', KEYS[1], 'misses', 1)
local max = tonumber(ARGV[1])
if max <= 0 or n < max then return {n, 0} end
local state = redis.call('HGET', KEYS[1], 'state')
if state == 'available' or state == 'wrap_up' then
  redis.call('HSET', KEYS[1], 'state', 'away')
end
return {n, 1}
""")

_ALL = script("""
local out = {}
for _, id in ipairs(redis.call('SMEMBERS', KEYS[1])) do
  local c = redis.call('HGETALL', counselor_key(id))
  if #c > 0 then out[#out + 1] = {id, c, redis.call('ZSCORE', KEYS[2], id) or ''} end
end
return out
""")

# A RINGING counselor whose offer is gone (should never happen: every step is atomic, but
# a lost write or a hand edit must not leave someone ringing forever). Keeps idle_since.
_UNSTICK = script("""
if redis.call('HGET', KEYS[1], 'state') ~= 'ringing' then return 0 end
local pending = redis.call('HGET', KEYS[2], ARGV[1])
if pending and redis.call('EXISTS', offer_key(pending)) == 1 then return 0 end
if pending then redis.call('HDEL', KEYS[2], ARGV[1]) end
redis.call('HSET', KEYS[1], 'state', 'available')
redis.call('HDEL', KEYS[1], 'paused_left', 'paused_call', 'paused_for')
return 1
""")


@dataclass(frozen=True)
class Paused:
    call_id: str  # the call whose wrap-up was paused
    for_tier: str  # the tier of the caller it was paused for


class Presence:
    def __init__(self, client: redis.Redis[bytes]) -> None:
        self.redis = client
        self._upsert = client.register_script(_UPSERT)
        self._set_state = client.register_script(_SET_STATE)
        self._miss = client.register_script(_MISS)
        self._all = client.register_script(_ALL)
        self._unstick = client.register_script(_UNSTICK)
        self._wrap_up = client.register_script(_WRAP_UP)

    def upsert(
        self, counselor_id: str, *, languages: Iterable[str], specialties: Iterable[str]
    ) -> None:
        """Write the profile; a new counselor starts OFF_SHIFT, a known one keeps its state."""
        self._upsert(
            keys=[counselor_key(counselor_id), COUNSELORS],
            args=[counselor_id, _json_set(languages), _json_set(specialties)],
        )

    def set_state(
        self, counselor_id: str, state: CounselorState, now: float, *, force: bool = False
    ) -> bool:
        """Move a counselor; False (nothing changed) when refused.

        Refused: an unknown counselor (upsert first); RINGING (only a claim rings); ON_CALL
        unless forced (only an accept connects); leaving RINGING unless forced — a forced
        move cancels the offer and the call waits again in its place; leaving ON_CALL for
        anything but WRAP_UP unless forced (a stale console must not free a busy counselor).
        Entering AVAILABLE sets idle_since to `now` and clears the misses; leaving it keeps
        idle_since.
        """
        done = self._set_state(
            keys=[counselor_key(counselor_id), BY_COUNSELOR],
            args=[counselor_id, state.value, repr(float(now)), "1" if force else "0"],
        )
        return bool(done)

    def get(self, counselor_id: str) -> Counselor | None:
        raw = self.redis.hgetall(counselor_key(counselor_id))
        return _counselor_from(counselor_id, raw) if raw else None

    def all(self) -> list[Counselor]:
        """Every counselor with a profile, whatever their state, in no order; one in
        wrap-up with the time it ends."""
        rows = self._all(keys=[COUNSELORS, WRAPUPS])
        return [_counselor_from(text(cid), _pairs(flat), ends) for cid, flat, ends in rows]

    def wrap_up(self, counselor_id: str, *, now: float, seconds: float) -> float | None:
        """A counselor's call ended: wrap-up for `seconds`, plus what was left of a wrap-up
        that call paused. The time it ends, or None if they were not on a call."""
        ends = self._wrap_up(
            keys=[counselor_key(counselor_id), WRAPUPS],
            args=[repr(float(now)), repr(float(seconds)), counselor_id],
        )
        return float(ends) if ends else None

    def pausing(self, counselor_id: str) -> bool:
        """Whether the counselor's wrap-up is paused for the offer or call they are on."""
        return bool(self.redis.hexists(counselor_key(counselor_id), "paused_left"))

    def paused(self, counselor_id: str) -> Paused | None:
        """The wrap-up an offer paused (whose call, and for a caller of which tier), until
        the counselor is available again; None if none or its call is not known."""
        call, tier = self.redis.hmget(counselor_key(counselor_id), ["paused_call", "paused_for"])
        if not call or tier is None:
            return None
        return Paused(text(call), text(tier))

    def on_call_summary(self) -> OnCallSummary:
        return on_call_summary(self.all())

    def miss(self, counselor_id: str, max_no_answer: int, now: float) -> bool:
        """Count one more missed offer in a row; True when that makes max_no_answer.

        An AVAILABLE (or wrapping-up) counselor then goes AWAY at once; a RINGING one is
        moved by releasing their offer with to_state=AWAY. Offers.miss does both in one
        step and counts a redelivered no-answer only once: prefer it.
        """
        del now  # the time of the miss changes nothing yet; kept for the callers' symmetry
        raw = self._miss(keys=[counselor_key(counselor_id)], args=[str(int(max_no_answer))])
        return bool(raw and raw[1])

    def misses(self, counselor_id: str) -> int:
        raw = self.redis.hget(counselor_key(counselor_id), "misses")
        return int(raw) if raw else 0

    def clear_misses(self, counselor_id: str) -> None:
        """On accept (Offers.accept already does it; this is for other paths)."""
        key = counselor_key(counselor_id)
        if self.redis.exists(key):
            self.redis.hset(key, "misses", 0)

    def unstick(self, counselor_id: str) -> bool:
        """RINGING with no live offer back to AVAILABLE (for the sweep); True if moved."""
        moved = self._unstick(keys=[counselor_key(counselor_id), BY_COUNSELOR], args=[counselor_id])
        return bool(moved)


def _json_set(values: Iterable[str]) -> str:
    return json.dumps(sorted(set(values)))


def _pairs(flat: Sequence[Any]) -> dict[bytes | str, bytes | str]:
    return {flat[i]: flat[i + 1] for i in range(0, len(flat), 2)}


def _counselor_from(counselor_id: str, raw: dict[Any, Any], ends: Any = "") -> Counselor:
    f = {text(k): text(v) for k, v in raw.items()}
    state = CounselorState(f.get("state", CounselorState.OFF_SHIFT.value))
    until = text(ends) if ends else ""
    return Counselor(
        counselor_id=counselor_id,
        languages=frozenset(json.loads(f.get("languages", "[]"))),
        specialties=frozenset(json.loads(f.get("specialties", "[]"))),
        state=state,
        idle_since=float(f.get("idle_since", 0.0)),
        wrap_up_until=float(until) if until and state is CounselorState.WRAP_UP else None,
    )
