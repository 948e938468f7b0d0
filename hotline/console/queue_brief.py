"""Every caller in the queue, in one round trip: what a console's queue-in-brief counts."""

from __future__ import annotations

from dataclasses import dataclass

import redis

from hotline.live.lua import TIERS, script, text

# Per queued call (waiting or being offered): id, tier, language, entered_at, callback flag.
_QUEUED = script("""
local out = {}
for _, t in ipairs(redis.call('SMEMBERS', KEYS[1])) do
  for _, id in ipairs(redis.call('ZRANGE', tier_key(t), 0, -1)) do
    local c = redis.call('HMGET', call_key(id), 'language', 'entered_at', 'callback')
    if c[2] then out[#out + 1] = {id, t, c[1] or '', c[2], c[3] or ''} end
  end
end
return out
""")


@dataclass(frozen=True)
class Queued:
    call_id: str
    tier: str
    language: str
    entered_at: float
    callback: bool  # nobody on the line: a call back waiting for a counselor


def queued(client: redis.Redis[bytes]) -> list[Queued]:
    """Every queued call, offered ones included (their caller still waits)."""
    rows = client.register_script(_QUEUED)(keys=[TIERS])
    return [
        Queued(text(call_id), text(tier), text(language), float(entered), bool(text(callback)))
        for call_id, tier, language, entered, callback in rows
    ]
