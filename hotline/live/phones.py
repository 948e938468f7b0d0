"""Counselors' own phone numbers, copied from the roster, so that ringing a counselor does
not need the database. Staff numbers only: a caller's number is never kept here.
"""

from __future__ import annotations

from collections.abc import Mapping

import redis

_KEY = "hotline:{live}:phones"


class Phones:
    def __init__(self, client: redis.Redis[bytes]) -> None:
        self.redis = client

    def replace_all(self, phones: Mapping[str, str]) -> None:
        """The roster's numbers exactly: counselors gone from it are dropped."""
        pipe = self.redis.pipeline(transaction=True)
        pipe.delete(_KEY)
        if phones:
            mapping: dict[str | bytes, str] = {name: phone for name, phone in phones.items()}
            pipe.hset(_KEY, mapping=mapping)
        pipe.execute()

    def get(self, counselor_id: str) -> str | None:
        raw = self.redis.hget(_KEY, counselor_id)
        return raw.decode() if raw else None
