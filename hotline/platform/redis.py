"""Redis clients, made on demand from the settings.

In local mode with no REDIS_URL, an in-process stand-in (fakeredis, with Lua) is used;
every client made in one process then shares the same fake server, so the web,
worker and scheduler threads of `hotline run` see one another's state.
"""

from __future__ import annotations

import threading
from typing import TYPE_CHECKING

import redis

from hotline.config import Settings

if TYPE_CHECKING:
    import fakeredis

_fake_server_lock = threading.Lock()
_fake_server: fakeredis.FakeServer | None = None

# Fail fast: a webhook must answer a caller even when Redis is gone.
SOCKET_TIMEOUT = 2.0


def connect(settings: Settings, *, blocking: bool = False) -> redis.Redis[bytes]:
    """A client; `blocking` ones (RQ workers waiting on BLPOP) have no read timeout."""
    if settings.redis_url:
        return redis.Redis.from_url(
            settings.redis_url,
            socket_timeout=None if blocking else SOCKET_TIMEOUT,
            socket_connect_timeout=SOCKET_TIMEOUT,
            health_check_interval=30,
        )
    if not settings.local:
        raise RuntimeError("REDIS_URL is required outside local mode")
    return _fake_client()


def _fake_client() -> redis.Redis[bytes]:
    # optional in production: only local mode uses the in-process stand-in
    import fakeredis

    global _fake_server
    with _fake_server_lock:
        if _fake_server is None:
            _fake_server = fakeredis.FakeServer()
        return fakeredis.FakeRedis(server=_fake_server)


def ping(client: redis.Redis[bytes]) -> bool:
    try:
        return bool(client.ping())
    except (redis.RedisError, OSError):
        return False
