"""A start refused for its environment: each bad setting is named with its reason, exit 2,
and nothing starts. The CLI runs as an operator runs it, in its own process."""

from __future__ import annotations

import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from cryptography.fernet import Fernet

from hotline.platform.migrate import upgrade
from tests.support.backends import REAL_REDIS
from tests.support.processes import ROOT, hotline_env
from tests.support.redis_server import private_redis

GOOD_KEY = Fernet.generate_key().decode()


@pytest.fixture(scope="module")
def upgraded_db(tmp_path_factory: pytest.TempPathFactory) -> str:
    url = f"sqlite:///{tmp_path_factory.mktemp('preflight') / 'hotline.db'}"
    upgrade(url)
    return url


@pytest.fixture
def production(tmp_path: Path, upgraded_db: str) -> dict[str, str]:
    """A production environment that passes every check."""
    return hotline_env(
        tmp_path,
        HOTLINE_MODE="production",
        DATA_KEY=f"{Fernet.generate_key().decode()},{GOOD_KEY}",
        SECRET_KEY=secrets.token_hex(32),
        HASH_KEY=secrets.token_urlsafe(32),
        TWILIO_AUTH_TOKEN="a-twilio-auth-token",
        TWILIO_ACCOUNT_SID="AC" + secrets.token_hex(16),
        TWILIO_NUMBER="+14155550100",
        PUBLIC_URL="https://hotline.example.org",
        DATABASE_URL=upgraded_db,
        REDIS_URL=REAL_REDIS,
        METRICS_TOKEN=secrets.token_urlsafe(32),
    )


def hotline(env: dict[str, str], *args: str, cwd: Path = ROOT) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "hotline.cli", *args],
        env=env,
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def refusals(done: subprocess.CompletedProcess[str]) -> list[str]:
    return [line.strip() for line in done.stderr.splitlines() if line.startswith("  ")]


def test_a_good_production_environment_passes(production: dict[str, str]) -> None:
    done = hotline(production, "check", "--env")
    assert done.returncode == 0, done.stderr
    assert "environment ready (production mode)" in done.stdout


REFUSED = [
    ("DATA_KEY", "notafernetkey", "DATA_KEY: is not a valid Fernet key"),
    ("DATA_KEY", f"{GOOD_KEY},short", "DATA_KEY: key 2 of 2 (comma-separated) is not a valid"),
    ("SECRET_KEY", "s", "SECRET_KEY: is 1 byte(s) long; it must be 32 or more"),
    ("SECRET_KEY", "changeme", "SECRET_KEY: is a well-known value, not a secret"),
    ("HASH_KEY", "h", "HASH_KEY: is 1 byte(s) long; it must be 32 or more"),
    ("HASH_KEY", "ab" * 20, "HASH_KEY: repeats a few characters over and over"),
    ("TWILIO_ACCOUNT_SID", "AC123", "TWILIO_ACCOUNT_SID: must be AC followed by 32 hex digits"),
    ("TWILIO_ACCOUNT_SID", "", "TWILIO_ACCOUNT_SID: must be AC followed by 32 hex digits"),
    ("TWILIO_NUMBER", "415 555 0100", "TWILIO_NUMBER: must be the Twilio number in E.164 form"),
    ("TWILIO_NUMBER", "+1415555", "TWILIO_NUMBER: must be the Twilio number in E.164 form"),
    ("TWILIO_NUMBER", "", "TWILIO_NUMBER: is not set"),
    ("PUBLIC_URL", "http://hotline.example.org", "PUBLIC_URL: must be an https:// address"),
    ("METRICS_TOKEN", "short-token", "METRICS_TOKEN: is shorter than 32 characters"),
    ("ROUTING_RULES", "/nowhere/rules.yaml", "ROUTING_RULES: no rules file at /nowhere/rules.yaml"),
    ("IVR_SCRIPTS", "/nowhere/ivr", "IVR_SCRIPTS: no scripts folder at /nowhere/ivr"),
    ("DATABASE_URL", "hotline.db", "DATABASE_URL: is not a database URL"),
    ("REDIS_URL", "redis://127.0.0.1:1/0", "REDIS_URL: cannot reach Redis (ConnectionError)"),
    (
        "DATABASE_URL",
        "postgresql+psycopg://nobody@127.0.0.1:1/none",
        "DATABASE_URL: cannot reach the database (OperationalError)",
    ),
]


@pytest.mark.parametrize(
    ("name", "value", "said"), REFUSED, ids=[f"{n}={v}" for n, v, _ in REFUSED]
)
def test_each_bad_setting_is_refused_by_name(
    production: dict[str, str], name: str, value: str, said: str
) -> None:
    done = hotline({**production, name: value}, "check", "--env")
    assert done.returncode == 2, done.stderr
    assert "Traceback" not in done.stderr
    assert [line.split(":")[0] for line in refusals(done)] == [name], done.stderr
    assert said in refusals(done)[0]
    if name.endswith("_KEY") and len(value) > 3:
        assert value not in done.stdout + done.stderr  # a secret, even a bad one, is not echoed


def test_the_same_key_twice_is_refused(production: dict[str, str]) -> None:
    done = hotline({**production, "HASH_KEY": production["SECRET_KEY"]}, "check", "--env")
    assert done.returncode == 2
    assert refusals(done) == ["HASH_KEY: is the same as SECRET_KEY; give each its own key"]


def test_a_rules_file_that_fails_hotline_check_is_refused_with_its_line(
    production: dict[str, str], tmp_path: Path
) -> None:
    broken = tmp_path / "rules.yaml"
    lines = (ROOT / "routing_rules.yaml").read_text().splitlines()
    at = next(i for i, line in enumerate(lines) if line.strip().startswith("max_wait:"))
    lines[at] = lines[at].split(":")[0] + ": soon"
    broken.write_text("\n".join(lines) + "\n")
    done = hotline({**production, "ROUTING_RULES": str(broken)}, "check", "--env")
    assert done.returncode == 2
    assert any(r.startswith(f"ROUTING_RULES: {broken}:{at + 1}:") for r in refusals(done))


def test_a_database_without_the_migrations_says_what_to_run(
    production: dict[str, str], tmp_path: Path
) -> None:
    (tmp_path / "new.db").touch()  # an empty database: the file, no tables
    env = {**production, "DATABASE_URL": f"sqlite:///{tmp_path / 'new.db'}"}
    done = hotline(env, "check", "--env")
    assert done.returncode == 2
    assert refusals(done) == [
        "DATABASE_URL: the database has no tables yet: run `hotline db upgrade`"
    ]
    upgrade(env["DATABASE_URL"])
    assert hotline(env, "check", "--env").returncode == 0


def test_a_database_file_that_is_not_there_is_named_and_not_created(
    production: dict[str, str], tmp_path: Path
) -> None:
    """A check looks and leaves nothing behind: SQLite would create an empty file."""
    path = tmp_path / "typo.db"
    env = {**production, "DATABASE_URL": f"sqlite:///{path}"}
    for command in (("check", "--env"), ("web",)):
        done = hotline(env, *command)
        assert done.returncode == 2, done.stderr
        assert refusals(done) == [
            f"DATABASE_URL: no database file at {path}: run `hotline db upgrade`"
        ]
        assert not path.exists(), f"`hotline {' '.join(command)}` created {path}"


def test_a_database_one_migration_behind_names_both_revisions(
    production: dict[str, str], tmp_path: Path
) -> None:
    url = f"sqlite:///{tmp_path / 'behind.db'}"
    upgrade(url)
    from alembic import command

    from hotline.platform.migrate import alembic_config

    command.downgrade(alembic_config(url), "-1")
    done = hotline({**production, "DATABASE_URL": url}, "check", "--env")
    assert done.returncode == 2
    assert "not the latest" in refusals(done)[0]
    assert refusals(done)[0].endswith("run `hotline db upgrade`")


@pytest.mark.parametrize("command", ["run", "web", "worker", "scheduler"])
def test_every_start_refuses_before_starting(production: dict[str, str], command: str) -> None:
    env = {**production, "DATA_KEY": "notafernetkey", "SECRET_KEY": "s"}
    done = hotline(env, command)
    assert done.returncode == 2, (done.stdout, done.stderr)
    assert "refused to start: 2 problem(s) in the environment" in done.stderr
    assert [r.split(":")[0] for r in refusals(done)] == ["DATA_KEY", "SECRET_KEY"]
    assert "Traceback" not in done.stderr


def test_a_missing_secret_is_refused_with_status_2(production: dict[str, str]) -> None:
    env = {k: v for k, v in production.items() if k != "HASH_KEY"}
    done = hotline(env, "run")
    assert done.returncode == 2
    assert "HASH_KEY" in done.stderr and "Traceback" not in done.stderr


def test_run_from_a_folder_without_rules_names_the_setting(
    production: dict[str, str], tmp_path: Path
) -> None:
    env = {k: v for k, v in production.items() if k not in ("ROUTING_RULES", "IVR_SCRIPTS")}
    done = hotline(env, "run", cwd=tmp_path)
    assert done.returncode == 2
    assert f"ROUTING_RULES: no rules file at {tmp_path / 'routing_rules.yaml'}" in done.stderr
    assert "FileNotFoundError" not in done.stderr


def test_redis_without_appendonly_is_a_warning_and_with_it_none(
    production: dict[str, str], tmp_path: Path
) -> None:
    with private_redis(tmp_path / "off", appendonly=False) as url:
        done = hotline({**production, "REDIS_URL": url}, "check", "--env")
    assert done.returncode == 0, done.stderr
    assert "warning: REDIS_URL: appendonly is off" in done.stderr
    with private_redis(tmp_path / "on", appendonly=True) as url:
        done = hotline({**production, "REDIS_URL": url}, "check", "--env")
    assert done.returncode == 0, done.stderr
    assert "REDIS_URL" not in done.stderr


def test_local_mode_brings_its_own_database_up_to_date(tmp_path: Path) -> None:
    """`hotline demo`/`run` on a database never upgraded: local mode upgrades by itself;
    `check --env` (which starts nothing) says what to run."""
    path = tmp_path / "fresh.db"
    env = hotline_env(tmp_path, DATABASE_URL=f"sqlite:///{path}")
    done = hotline(env, "check", "--env")
    assert done.returncode == 2
    assert refusals(done) == [f"DATABASE_URL: no database file at {path}: run `hotline db upgrade`"]
    assert not path.exists()
    done = hotline(env, "demo", "--calls", "0")
    assert "no such table" not in done.stderr, done.stderr[-2000:]
    assert hotline(env, "check", "--env").returncode == 0
