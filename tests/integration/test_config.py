"""Settings: loud on a missing secret, quiet about secret values, self-sufficient locally."""

from __future__ import annotations

import json
import logging
from pathlib import Path

import pytest

from hotline.config import REQUIRED_SECRETS, ConfigError, Settings

PRODUCTION = {
    "TWILIO_AUTH_TOKEN": "tok-abc",
    "SECRET_KEY": "sk-abc",
    "HASH_KEY": "hk-abc",
    "DATA_KEY": "dk-abc",
    "DATABASE_URL": "postgresql+psycopg://db/hotline",
    "REDIS_URL": "redis://cache:6379/0",
    "PUBLIC_URL": "https://hotline.example.org/",
}


@pytest.mark.parametrize("name", REQUIRED_SECRETS)
def test_production_refuses_to_start_without_each_secret(name: str) -> None:
    env = {k: v for k, v in PRODUCTION.items() if k != name}
    with pytest.raises(ConfigError, match=name):
        Settings.from_env(env)


def test_production_is_the_default_mode() -> None:
    with pytest.raises(ConfigError, match="TWILIO_AUTH_TOKEN"):
        Settings.from_env({})


def test_secrets_never_show_in_repr_or_str() -> None:
    settings = Settings.from_env(PRODUCTION)
    shown = repr(settings) + str(settings)
    for name in REQUIRED_SECRETS:
        assert PRODUCTION[name] not in shown
    assert settings.twilio_auth_token is not None
    assert settings.twilio_auth_token.reveal() == "tok-abc"
    assert settings.public_url == "https://hotline.example.org"


def test_unknown_mode_is_refused() -> None:
    with pytest.raises(ConfigError, match="HOTLINE_MODE"):
        Settings.from_env({"HOTLINE_MODE": "staging"})


def test_local_mode_makes_dev_keys_once_and_warns(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    env = {"HOTLINE_MODE": "local", "HOTLINE_VAR_DIR": str(tmp_path)}
    with caplog.at_level(logging.WARNING):
        first = Settings.from_env(env)
    assert "generated development keys" in caplog.text
    caplog.clear()
    with caplog.at_level(logging.WARNING):
        second = Settings.from_env(env)
    assert "generated" not in caplog.text
    assert first.hash_key == second.hash_key and first.data_key == second.data_key
    stored = json.loads((tmp_path / "dev-keys.json").read_text())
    assert set(stored) == set(REQUIRED_SECRETS)
    assert (tmp_path / "dev-keys.json").stat().st_mode & 0o077 == 0
    assert first.database_url == f"sqlite:///{tmp_path / 'hotline.db'}"
    assert first.redis_url is None  # the in-process stand-in


def test_local_mode_takes_keys_from_the_environment_first(tmp_path: Path) -> None:
    env = {"HOTLINE_MODE": "local", "HOTLINE_VAR_DIR": str(tmp_path), "HASH_KEY": "mine"}
    settings = Settings.from_env(env)
    assert settings.hash_key is not None and settings.hash_key.reveal() == "mine"
