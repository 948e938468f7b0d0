"""Failed sign-ins, counted in Redis per user name and per client address.

Past the limit that name (or address) is locked for a while, whether or not the user
exists, so the page never tells which names do. The address is the client's as the web
server sees it: behind a reverse proxy, set TRUSTED_PROXIES so that it is the caller's
own address rather than the proxy's (else everyone shares one count).
"""

from __future__ import annotations

import hashlib

import redis

MAX_FAILURES_PER_NAME = 5
MAX_FAILURES_PER_ADDRESS = 20  # an office behind one address has many counselors
LOCK_SECONDS = 15 * 60


class SignInThrottle:
    """Failed sign-ins per name and per address, each key living LOCK_SECONDS after its
    last failure. Names are hashed, so Redis holds no list of who tried to sign in."""

    def __init__(self, client: redis.Redis[bytes]) -> None:
        self.redis = client

    @staticmethod
    def _keys(name: str, address: str) -> tuple[str, str]:
        digest = hashlib.sha256(name.encode()).hexdigest()[:32]
        return f"hotline:signin:name:{digest}", f"hotline:signin:addr:{address}"

    def locked(self, name: str, address: str) -> bool:
        by_name, by_addr = self._keys(name, address)
        counts = self.redis.mget([by_name, by_addr])
        n_name, n_addr = (int(c) if c else 0 for c in counts)
        return n_name >= MAX_FAILURES_PER_NAME or n_addr >= MAX_FAILURES_PER_ADDRESS

    def fail(self, name: str, address: str) -> bool:
        """Count one failure; True when that locks the name or the address."""
        by_name, by_addr = self._keys(name, address)
        pipe = self.redis.pipeline()
        pipe.incr(by_name)
        pipe.expire(by_name, LOCK_SECONDS)
        pipe.incr(by_addr)
        pipe.expire(by_addr, LOCK_SECONDS)
        n_name, _, n_addr, _ = pipe.execute()
        return int(n_name) >= MAX_FAILURES_PER_NAME or int(n_addr) >= MAX_FAILURES_PER_ADDRESS

    def clear(self, name: str) -> None:
        self.redis.delete(self._keys(name, "")[0])
