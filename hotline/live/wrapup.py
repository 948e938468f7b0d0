"""When each counselor's wrap-up ends: after it, they are offered calls again."""

from __future__ import annotations

import redis

from hotline.live.lua import WRAPUPS as _KEY


class WrapUps:
    def __init__(self, client: redis.Redis[bytes]) -> None:
        self.redis = client

    def start(self, counselor_id: str, until: float) -> None:
        self.redis.zadd(_KEY, {counselor_id: until})

    def until(self, counselor_id: str) -> float | None:
        """When this counselor's wrap-up ends, if they are in one."""
        score = self.redis.zscore(_KEY, counselor_id)
        return float(score) if score is not None else None

    def due(self, now: float) -> list[str]:
        return [m.decode() for m in self.redis.zrangebyscore(_KEY, "-inf", now)]

    def clear(self, counselor_id: str) -> bool:
        return bool(self.redis.zrem(_KEY, counselor_id))
