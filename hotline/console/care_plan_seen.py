"""Whether a counselor has been shown a caller's care plan on this call already: the
console reads it on every poll, and the audit log should say once that it was shown."""

from __future__ import annotations

import redis

from hotline.live.lua import PREFIX

_TTL = 6 * 3600  # as long as a live call's keys


def first_sight(client: redis.Redis[bytes], call_id: str, counselor_id: str) -> bool:
    """True the first time this counselor is shown this call's care plan."""
    return bool(client.set(f"{PREFIX}care-plan-seen:{call_id}:{counselor_id}", 1, nx=True, ex=_TTL))
