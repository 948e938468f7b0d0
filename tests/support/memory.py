"""The unit tier's composition: the real Runtime, built with in-memory adapters.

As in cosmicpython's `bootstrap(uow=FakeUnitOfWork(), ...)`: the services run unchanged
against an in-process Redis stand-in (fakeredis, which runs the project's Lua scripts),
an in-memory SQLite database whose schema comes from the models' metadata (no Alembic,
no file), the telephony fake (nothing is dialled) and an inline job queue that runs
the worker's own job functions when the test drains it. Nothing listens on a port.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import fakeredis
from sqlalchemy import Engine, create_engine, event
from sqlalchemy.pool import StaticPool

from hotline.bootstrap import audio_url, build_runtime
from hotline.config import Settings
from hotline.ivr.script import Script, load_scripts
from hotline.jobs import handlers
from hotline.platform.jobqueue import InlineJobQueue
from hotline.records.models import Base
from hotline.routing.rules import Rules, load_rules
from hotline.runtime import Runtime
from hotline.telephony.client import FakeTelephony


def memory_engine() -> Engine:
    """One SQLite database in memory, shared by every session (StaticPool), with the
    tables of the models and foreign keys enforced as the migrated schema does."""
    engine = create_engine(
        "sqlite://", poolclass=StaticPool, connect_args={"check_same_thread": False}
    )

    @event.listens_for(engine, "connect")
    def _foreign_keys(dbapi_connection, _record):  # type: ignore[no-untyped-def]
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.close()

    Base.metadata.create_all(engine)
    return engine


@dataclass
class Memory:
    """A Runtime on in-memory adapters, and the fakes a test looks at."""

    runtime: Runtime
    phone: FakeTelephony
    jobs: InlineJobQueue

    def close(self) -> None:
        self.runtime.engine.dispose()


@functools.cache
def _parsed(rules_file: Path, scripts_dir: Path, audio_base: str) -> tuple[Rules, Script]:
    """The files parsed once per test process: both are frozen, and parsing the YAML is
    most of what building a Runtime costs."""
    rules = load_rules(rules_file)
    script = load_scripts(
        scripts_dir,
        languages=rules.languages.keys(),
        topics=rules.specialties.keys(),
        tiers=rules.tiers.keys(),
        audio_base=audio_base,
    )
    return rules, script


def memory_runtime(settings: Settings) -> Memory:
    phone, jobs = FakeTelephony(), InlineJobQueue()
    rules, script = _parsed(settings.routing_rules, settings.ivr_scripts, audio_url(settings))
    runtime = build_runtime(
        settings,
        rules=rules,
        script=script,
        engine=memory_engine(),
        redis_client=fakeredis.FakeRedis(server=fakeredis.FakeServer()),
        telephony=phone,
        jobs=jobs,
    )
    jobs.handlers = handlers(runtime)
    return Memory(runtime, phone, jobs)


def everything_stored(runtime: Runtime) -> str:
    """Every Redis key and value and every row of every table, as one text to search."""
    client: Any = runtime.redis  # redis-py's stubs leave TYPE and friends untyped
    parts: list[object] = []
    for key in client.scan_iter():
        kind = client.type(key)
        kind = kind.decode() if isinstance(kind, bytes) else kind
        read = {
            "string": client.get,
            "hash": client.hgetall,
            "list": lambda k: client.lrange(k, 0, -1),
            "set": client.smembers,
            "zset": lambda k: client.zrange(k, 0, -1, withscores=True),
            "stream": lambda k: client.xrange(k),
        }[kind]
        parts += [key, read(key)]
    connection = runtime.engine.raw_connection()
    try:
        parts += list(connection.driver_connection.iterdump())  # type: ignore[union-attr]
    finally:
        connection.close()
    return "\n".join(map(str, parts))
