"""Live state of each call in Redis, under a random call id; Twilio's CallSid maps to it.

Written when the caller leaves the menus (whose state rides in the action URLs, see
calls/menus.py). Holds the IVR state and the versions the call started with, the
anonymous caller key, and where the call stands. Never the caller's number. Keys
expire on their own, so a call whose hang-up was never reported cannot linger.
"""

from __future__ import annotations

import json
import secrets
import time
from dataclasses import dataclass, field
from typing import Any

import redis

CALL_TTL = 6 * 3600
_CALL = "hotline:call:{}"
_SID = "hotline:callsid:{}"
_CURRENT = "hotline:counselor-call:{}"  # the call a counselor last accepted
# When this Redis began holding live calls (see mark_live_since). A call unknown at its
# end that began later never had live state (it ended in the menus); one that began
# earlier may have lost its state.
_SINCE = "hotline:live-since"


@dataclass
class LiveCall:
    call_id: str
    call_sid: str
    started_at: float
    script_version: str
    rules_version: str
    caller_key: str | None = None
    ivr: dict[str, Any] = field(default_factory=dict)  # the IVR flow's CallState.to_dict()
    # ivr, queued, offered, connected, overflowed; "callback" once the caller asked to be
    # called back (their place passes to the callback's own live call)
    stage: str = "ivr"
    queued_at: float | None = None
    language: str | None = None
    topic: str | None = None
    tier: str | None = None
    speech_used: bool = False
    counselor_id: str | None = None
    counselor_leg: str | None = None  # the sid of the call ringing the counselor
    last_status_seq: int = -1  # status callbacks can arrive twice or out of order
    region: str | None = None  # country, and at most a province or state
    connected_at: float | None = None
    ended_at: float | None = None
    end_status: str | None = None
    callback_id: str | None = None  # set on a callback's live call (the caller is rung)
    answered_by: str | None = None  # a callback leg: Twilio's machine detection verdict
    transfer_leg: str | None = None  # a third party the counselor brought in

    def to_json(self) -> str:
        return json.dumps(self.__dict__, separators=(",", ":"))

    @classmethod
    def from_json(cls, raw: bytes | str) -> LiveCall:
        data = json.loads(raw)
        return cls(**{k: v for k, v in data.items() if k in cls.__dataclass_fields__})


def new_call_id() -> str:
    return secrets.token_urlsafe(12)


# One round trip for both keys (and the live-since mark).
_CREATE = """
redis.call('SET', KEYS[1], ARGV[1], 'EX', ARGV[3])
if ARGV[2] ~= '' then redis.call('SET', KEYS[2], ARGV[2], 'EX', ARGV[3]) end
redis.call('SET', KEYS[3], ARGV[4], 'NX')
return 1
"""

# A call joining the queue: written with its CallSid mapped, unless the sid has a call
# already (then that call's id is returned and nothing is written).
_JOIN = """
local known = redis.call('GET', KEYS[2])
if known then return known end
if redis.call('SET', KEYS[1], ARGV[1], 'EX', ARGV[3], 'NX') == false then return ARGV[2] end
redis.call('SET', KEYS[2], ARGV[2], 'EX', ARGV[3])
redis.call('SET', KEYS[3], ARGV[4], 'NX')
return false
"""


class CallStore:
    def __init__(self, client: redis.Redis[bytes]) -> None:
        self.redis = client
        self._create = client.register_script(_CREATE)  # EVALSHA; loads itself if missing
        self._join = client.register_script(_JOIN)

    def create(self, call: LiveCall) -> LiveCall:
        sid = call.call_sid or ""
        self._create(
            keys=[_CALL.format(call.call_id), _SID.format(sid), _SINCE],
            args=[call.to_json(), call.call_id if sid else "", CALL_TTL, now()],
        )
        return call

    def join(self, call: LiveCall) -> str | None:
        """Write a call that has just left the menus; None when written, else the id of
        the call its CallSid (or its id) already has, which is left as it is."""
        if not call.call_sid:
            self.create(call)
            return None
        known = self._join(
            keys=[_CALL.format(call.call_id), _SID.format(call.call_sid), _SINCE],
            args=[call.to_json(), call.call_id, CALL_TTL, now()],
        )
        return known.decode() if isinstance(known, bytes) else known

    def live_since(self) -> float | None:
        """When this Redis began holding live calls (marked now if it was not yet)."""
        pipe = self.redis.pipeline(transaction=False)
        pipe.set(_SINCE, now(), nx=True)
        pipe.get(_SINCE)
        _, raw = pipe.execute()
        return float(raw) if raw else None

    def create_once(self, call: LiveCall) -> bool:
        """Create the call only if no call has this id yet (and map its sid); True if made."""
        made = self.redis.set(_CALL.format(call.call_id), call.to_json(), ex=CALL_TTL, nx=True)
        if made and call.call_sid:
            self.redis.set(_SID.format(call.call_sid), call.call_id, ex=CALL_TTL)
        return bool(made)

    def get(self, call_id: str) -> LiveCall | None:
        raw = self.redis.get(_CALL.format(call_id))
        return LiveCall.from_json(raw) if raw else None

    def by_sid(self, call_sid: str) -> LiveCall | None:
        call_id = self.redis.get(_SID.format(call_sid))
        return self.get(call_id.decode()) if call_id else None

    def set_current(self, counselor_id: str, call_id: str) -> None:
        self.redis.set(_CURRENT.format(counselor_id), call_id, ex=CALL_TTL)

    def current_of(self, counselor_id: str) -> str | None:
        """The call this counselor last accepted (for their console), if still known."""
        raw = self.redis.get(_CURRENT.format(counselor_id))
        return raw.decode() if isinstance(raw, bytes) else raw

    def connected(self) -> list[LiveCall]:
        """Calls a counselor is on now, for the supervisor's dashboard."""
        calls = [c for c in self.unfinished() if c.stage == "connected" and c.connected_at]
        return sorted(calls, key=lambda c: c.connected_at or 0.0)

    def unfinished(self) -> list[LiveCall]:
        """Every live call whose end has not been heard of (SCAN: a hotline holds hundreds
        of live calls at most, and Redis keeps serving meanwhile)."""
        names = list(self.redis.scan_iter(match=_CALL.format("*"), count=500))
        calls = (LiveCall.from_json(raw) for raw in self.redis.mget(names) if raw) if names else ()
        return [c for c in calls if c.ended_at is None]

    def forget_caller(self, caller_key: str) -> int:
        """Null `caller_key` in every live call holding it (a data-subject request).

        SCAN, never KEYS, so Redis keeps serving; WATCH each call so a webhook writing it
        meanwhile is not overwritten (the update is retried on top of it).
        """
        return sum(
            self._unkey(name, caller_key)
            for name in self.redis.scan_iter(match=_CALL.format("*"), count=500)
        )

    def _unkey(self, name: bytes, caller_key: str) -> bool:
        def update(pipe: redis.client.Pipeline[bytes]) -> bool:
            raw: bytes | None = pipe.get(name)  # type: ignore[assignment]  # watched: runs now
            try:
                data = json.loads(raw) if raw else None
            except ValueError:
                return False
            if not isinstance(data, dict) or data.get("caller_key") != caller_key:
                return False
            data["caller_key"] = None
            pipe.multi()
            pipe.set(name, json.dumps(data, separators=(",", ":")), keepttl=True)
            return True

        done = self.redis.transaction(  # type: ignore[no-untyped-call]  # redis-py leaves it untyped
            update, name, value_from_callable=True
        )
        return bool(done)

    def save(self, call: LiveCall) -> None:
        self.redis.set(_CALL.format(call.call_id), call.to_json(), ex=CALL_TTL)


def mark_live_since(client: redis.Redis[bytes]) -> None:
    """Every process does this every ~2 s (with its look for published versions), so a
    Redis that restarted empty is marked within seconds, calls or no calls."""
    client.set(_SINCE, now(), nx=True)


def now() -> float:
    return time.time()
