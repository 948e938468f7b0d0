"""The database and Redis: reachable, the schema at the latest migration, Redis persisting.

Each check makes one short connection and closes it."""

from __future__ import annotations

from pathlib import Path

import redis
from sqlalchemy import create_engine
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError, SQLAlchemyError

from hotline.config import Settings
from hotline.platform.migrate import current_head, current_revision, upgrade
from hotline.platform.redis import connect
from hotline.preflight.finding import Finding


def check_database(settings: Settings, *, upgrade_local: bool = False) -> list[Finding]:
    missing = _missing_sqlite_file(settings.database_url)
    if missing is not None and not (upgrade_local and settings.local):
        # Connecting would create an empty file: a check must leave nothing behind.
        return [Finding("DATABASE_URL", f"no database file at {missing}: run `hotline db upgrade`")]
    try:
        engine = create_engine(settings.database_url)
    except ArgumentError:
        return [Finding("DATABASE_URL", "is not a database URL (postgresql+psycopg://...)")]
    except ImportError as exc:
        return [Finding("DATABASE_URL", f"names a driver that is not installed ({exc.name})")]
    try:
        with engine.connect() as conn:
            at = current_revision(conn)
    except SQLAlchemyError as exc:
        return [
            Finding(
                "DATABASE_URL",
                f"cannot reach the database ({type(getattr(exc, 'orig', None) or exc).__name__})",
            )
        ]
    finally:
        engine.dispose()
    head = current_head()
    if at == head:
        return []
    if upgrade_local and settings.local:
        upgrade(settings.database_url)
        return []
    state = "has no tables yet" if at is None else f"is at migration {at}, not the latest ({head})"
    return [Finding("DATABASE_URL", f"the database {state}: run `hotline db upgrade`")]


def _missing_sqlite_file(url: str) -> Path | None:
    """The file a SQLite URL names when it does not exist (SQLite would create it empty)."""
    try:
        parsed = make_url(url)
    except ArgumentError:
        return None  # create_engine says what is wrong with it
    name = parsed.database
    if parsed.get_backend_name() != "sqlite" or not name or name == ":memory:":
        return None
    if name.startswith("file:"):
        return None  # a URI filename: its mode= decides, not this check
    path = Path(name)
    return None if path.exists() else path.absolute()


def check_redis(settings: Settings) -> list[Finding]:
    if not settings.redis_url:
        return []  # local mode's in-process stand-in
    client = connect(settings)
    try:
        client.ping()
    except (redis.RedisError, OSError) as exc:
        return [Finding("REDIS_URL", f"cannot reach Redis ({type(exc).__name__})")]
    try:
        raw = {_text(k): _text(v) for k, v in client.config_get("appendonly").items()}
        appendonly = raw.get("appendonly")
    except redis.RedisError:
        appendonly = None  # a managed Redis may refuse CONFIG: say what cannot be told
    finally:
        client.close()
    if appendonly == "yes":
        return []
    told = "appendonly is off" if appendonly else "cannot tell whether it persists (CONFIG GET)"
    return [
        Finding(
            "REDIS_URL",
            f"{told}: the calls waiting live there, and a restart without its data loses "
            "their place; set `appendonly yes` with `appendfsync everysec`",
            warning=True,
        )
    ]


def _text(value: object) -> str:
    return value.decode() if isinstance(value, bytes) else str(value)
