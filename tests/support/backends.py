"""Where the real services are for the tests, and how to reset them between tests."""

from __future__ import annotations

import contextlib
import os
import uuid
from collections.abc import Iterator

import redis
from sqlalchemy import create_engine, text

REAL_REDIS = os.environ.get("HOTLINE_TEST_REDIS", "redis://127.0.0.1:6379/14")
REAL_POSTGRES = os.environ.get(
    "HOTLINE_TEST_POSTGRES", "postgresql+psycopg://postgres@127.0.0.1:5432/test"
)


def real_services_problem() -> str | None:
    """None when both real services answer; else what is wrong and how to fix it."""
    try:
        redis.Redis.from_url(REAL_REDIS, socket_connect_timeout=2).ping()
    except redis.RedisError as exc:
        return f"Redis at {REAL_REDIS} is not reachable ({exc}); start it: make services"
    try:
        with create_engine(REAL_POSTGRES, connect_args={"connect_timeout": 3}).connect() as c:
            c.execute(text("SELECT 1"))
    except Exception as exc:
        return f"PostgreSQL at {REAL_POSTGRES} is not reachable ({exc}); start it: make services"
    return None


def new_postgres_schema() -> tuple[str, str]:
    """A fresh schema for this test run, and a URL whose search_path points at it."""
    schema = f"hotline_test_{uuid.uuid4().hex[:10]}"
    engine = create_engine(REAL_POSTGRES)
    with engine.begin() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    engine.dispose()
    joiner = "&" if "?" in REAL_POSTGRES else "?"
    return schema, f"{REAL_POSTGRES}{joiner}options=-csearch_path%3D{schema}"


def drop_postgres_schema(schema: str) -> None:
    engine = create_engine(REAL_POSTGRES)
    with engine.begin() as conn:
        conn.execute(text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
    engine.dispose()


@contextlib.contextmanager
def unreachable(client: redis.Redis) -> Iterator[None]:
    """Redis stops answering this client (and every client of the same server) until the
    block ends: a real server's client is pointed at a port nothing listens on, the
    in-process stand-in is told it is disconnected."""
    kwargs = client.connection_pool.connection_kwargs
    server = kwargs.get("server")
    if server is not None:  # fakeredis
        server.connected = False
        try:
            yield
        finally:
            server.connected = True
        return
    host, port = kwargs["host"], kwargs["port"]
    kwargs.update(host="127.0.0.1", port=1)
    client.connection_pool.reset()
    try:
        yield
    finally:
        kwargs.update(host=host, port=port)
        client.connection_pool.reset()
