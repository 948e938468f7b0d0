"""Whether this process last saw Redis fail, so a new call can skip the menus while it is down.

The menus need no Redis (their state rides in the action URLs), so a caller would only
find a dead Redis when joining the queue, and be sent to the backup line then. After a
failure seen by any webhook or by the look for published rules every ~2 s (and at the
start, before anything is known), each new call asks Redis first (one PING) until it
answers: while Redis is down, callers go to the backup line at once; while it is up, this
costs nothing.
"""

from __future__ import annotations

import redis


class RedisWatch:
    def __init__(self) -> None:
        self._failed = True  # not known yet: the first call asks

    def failed(self) -> None:
        self._failed = True

    def answered(self) -> None:
        self._failed = False

    def check(self, client: redis.Redis[bytes]) -> None:
        """Raise the client's error if Redis failed lately and still does not answer."""
        if self._failed:
            client.ping()  # raises while Redis is still down
            self._failed = False
