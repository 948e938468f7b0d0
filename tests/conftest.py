"""Test tiers and back-ends.

Unit tests (tests/unit) need nothing. Tests that take the `runtime` fixture run twice:
on the real servers (Redis database 14, a PostgreSQL schema made for this run) and
on the embedded back-end (a SQLite file and the in-process Redis stand-in). Each test
starts with an empty Redis database and empty tables.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import text

from hotline.bootstrap import build_runtime
from hotline.config import Secret, Settings
from hotline.platform.migrate import upgrade
from hotline.records.models import Base
from hotline.runtime import Runtime
from tests.support import backends

ROOT = Path(__file__).resolve().parent.parent
AUTH_TOKEN = "test-auth-token-5f2c"
PUBLIC_URL = "https://hotline.example.org"
BACKENDS = [b for b in os.environ.get("HOTLINE_TEST_BACKENDS", "real,embedded").split(",") if b]


def make_settings(**overrides: object) -> Settings:
    base = Settings(
        mode="local",
        twilio_account_sid="AC" + "1" * 32,
        twilio_auth_token=Secret(AUTH_TOKEN),
        twilio_number="+15005550006",
        public_url=PUBLIC_URL,
        twilio_api_url="http://127.0.0.1:9",
        database_url="sqlite://",
        redis_url=None,
        secret_key=Secret("test-secret-key"),
        hash_key=Secret("test-hash-key"),
        data_key=Secret("q2Yd0Vx2bBv4Yx9cC8l2oH0Yq3Hj2m7wXy1S5dQm6Uo="),
        routing_rules=ROOT / "routing_rules.yaml",
        ivr_scripts=ROOT / "ivr_scripts",
    )
    return base.replace(**overrides)


@pytest.fixture(scope="session")
def postgres_url() -> Iterator[str]:
    problem = backends.real_services_problem()
    if problem:
        pytest.fail(problem + " (or set HOTLINE_TEST_BACKENDS=embedded)", pytrace=False)
    schema, url = backends.new_postgres_schema()
    upgrade(url)
    yield url
    backends.drop_postgres_schema(schema)


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("db") / "template.db"
    upgrade(f"sqlite:///{path}")
    return path


@pytest.fixture(params=BACKENDS)
def settings(request: pytest.FixtureRequest, tmp_path: Path) -> Settings:
    if request.param == "real":
        url = request.getfixturevalue("postgres_url")
        return make_settings(database_url=url, redis_url=backends.REAL_REDIS, var_dir=tmp_path)
    db = tmp_path / "hotline.db"
    shutil.copy(request.getfixturevalue("sqlite_template"), db)
    return make_settings(database_url=f"sqlite:///{db}", var_dir=tmp_path)


@pytest.fixture
def runtime(settings: Settings) -> Iterator[Runtime]:
    runtime = build_runtime(settings)
    runtime.redis.flushdb()
    yield runtime
    runtime.redis.flushdb()
    if settings.database_url.startswith("postgresql"):
        with runtime.engine.begin() as conn:
            tables = ", ".join(t.name for t in Base.metadata.sorted_tables)
            conn.execute(text(f"TRUNCATE {tables} RESTART IDENTITY CASCADE"))
    runtime.engine.dispose()


@pytest.fixture
def app(runtime: Runtime):  # type: ignore[no-untyped-def]
    from hotline.web import create_app

    app = create_app(runtime.settings, runtime=runtime)
    app.config["TESTING"] = True
    return app


@pytest.fixture
def client(app):  # type: ignore[no-untyped-def]
    return app.test_client()
