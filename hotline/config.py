"""Settings, parsed once from the environment and passed down; the only module that reads it.

Two modes. `production` (the default) refuses to start without its secrets, so a
misconfigured deployment fails loudly instead of accepting unsigned webhooks.
`local` (HOTLINE_MODE=local, used by `make demo` and the tests) fills in embedded
defaults: a SQLite file and dev keys under ./var/, and an in-process Redis stand-in
when REDIS_URL is unset.
"""

from __future__ import annotations

import base64
import dataclasses
import json
import logging
import os
import secrets
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

log = logging.getLogger(__name__)

Mode = Literal["local", "production"]
REQUIRED_SECRETS = ("TWILIO_AUTH_TOKEN", "SECRET_KEY", "HASH_KEY", "DATA_KEY")
TWILIO_API_DEFAULT = "https://api.twilio.com"


class ConfigError(RuntimeError):
    """Start-up cannot go on; the message names the variable to set."""


@dataclass(frozen=True)
class Secret:
    """A secret string that never shows itself in a repr, a log line or a traceback."""

    _value: str = field(repr=False)

    def reveal(self) -> str:
        return self._value

    def __repr__(self) -> str:
        return "Secret('********')"

    __str__ = __repr__

    def __bool__(self) -> bool:
        return bool(self._value)


@dataclass(frozen=True)
class Settings:
    mode: Mode = "production"
    twilio_account_sid: str = ""
    twilio_auth_token: Secret | None = None
    twilio_number: str = ""
    public_url: str = ""
    twilio_api_url: str = TWILIO_API_DEFAULT
    database_url: str = ""
    redis_url: str | None = None  # None only in local mode: the in-process stand-in
    secret_key: Secret | None = None
    hash_key: Secret | None = None
    data_key: Secret | None = None  # one Fernet key, or several comma-separated (newest first)
    routing_rules: Path = Path("routing_rules.yaml")
    ivr_scripts: Path = Path("ivr_scripts")
    var_dir: Path = Path("var")
    log_level: str = "INFO"
    metrics_token: Secret | None = None  # /metrics answers only with this bearer token
    trusted_proxies: int = 0  # reverse proxies in front whose X-Forwarded-* headers count

    @property
    def local(self) -> bool:
        return self.mode == "local"

    def replace(self, **changes: object) -> Settings:
        return dataclasses.replace(self, **changes)  # type: ignore[arg-type]

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> Settings:
        """Build settings from `environ` (the process environment by default)."""
        env = dict(os.environ if environ is None else environ)
        mode = env.get("HOTLINE_MODE", "production").strip().lower()
        if mode not in ("local", "production"):
            raise ConfigError(f"HOTLINE_MODE must be 'local' or 'production', not {mode!r}")
        var_dir = Path(env.get("HOTLINE_VAR_DIR", "var")).resolve()

        def get(name: str) -> str:
            return env.get(name, "").strip()

        if mode == "production":
            missing = [name for name in REQUIRED_SECRETS if not get(name)]
            missing += [n for n in ("DATABASE_URL", "REDIS_URL", "PUBLIC_URL") if not get(n)]
            if missing:
                raise ConfigError(
                    "missing required setting(s): "
                    + ", ".join(missing)
                    + " (set them in the environment, or HOTLINE_MODE=local for a trial run)"
                )
            keys = {name: get(name) for name in REQUIRED_SECRETS}
        else:
            keys = _local_keys(var_dir, {name: get(name) for name in REQUIRED_SECRETS})

        database_url = get("DATABASE_URL") or f"sqlite:///{var_dir / 'hotline.db'}"
        return cls(
            mode=mode,  # type: ignore[arg-type]
            # A stand-in SID for a trial run; production must name its own (see preflight).
            twilio_account_sid=get("TWILIO_ACCOUNT_SID")
            or ("AC" + "0" * 32 if mode == "local" else ""),
            twilio_auth_token=Secret(keys["TWILIO_AUTH_TOKEN"]),
            twilio_number=get("TWILIO_NUMBER"),
            public_url=get("PUBLIC_URL").rstrip("/"),
            twilio_api_url=(get("TWILIO_API_URL") or TWILIO_API_DEFAULT).rstrip("/"),
            database_url=database_url,
            redis_url=get("REDIS_URL") or None,
            secret_key=Secret(keys["SECRET_KEY"]),
            hash_key=Secret(keys["HASH_KEY"]),
            data_key=Secret(keys["DATA_KEY"]),
            routing_rules=Path(get("ROUTING_RULES") or "routing_rules.yaml"),
            ivr_scripts=Path(get("IVR_SCRIPTS") or "ivr_scripts"),
            var_dir=var_dir,
            log_level=get("LOG_LEVEL").upper() or "INFO",
            metrics_token=Secret(get("METRICS_TOKEN")) if get("METRICS_TOKEN") else None,
            trusted_proxies=_proxies(get("TRUSTED_PROXIES")),
        )


def _proxies(raw: str) -> int:
    if not raw:
        return 0
    if not raw.isdigit() or int(raw) > 5:
        raise ConfigError(
            f"TRUSTED_PROXIES must be the number of reverse proxies in front (0 to 5), not {raw!r}"
        )
    return int(raw)


def child_environment(**extra: str) -> dict[str, str]:
    """This process's environment with `extra` on top, for a child `hotline` process."""
    return {**os.environ, **extra}


def file_paths(environ: Mapping[str, str] | None = None) -> tuple[Path, Path]:
    """The rules file and scripts folder alone: linting them needs no secrets."""
    env = os.environ if environ is None else environ
    return (
        Path(env.get("ROUTING_RULES", "").strip() or "routing_rules.yaml"),
        Path(env.get("IVR_SCRIPTS", "").strip() or "ivr_scripts"),
    )


def records_url(environ: Mapping[str, str] | None = None) -> str:
    """DATABASE_URL alone (empty when unset): reading the call records needs no secrets."""
    env = os.environ if environ is None else environ
    return env.get("DATABASE_URL", "").strip()


def _local_keys(var_dir: Path, given: dict[str, str]) -> dict[str, str]:
    """Keys set in the environment win; the rest are made once and kept in var/dev-keys.json."""
    path = var_dir / "dev-keys.json"
    stored: dict[str, str] = {}
    if path.exists():
        stored = json.loads(path.read_text())
    made = []
    for name in REQUIRED_SECRETS:
        if not stored.get(name):
            stored[name] = _new_key(name)
            made.append(name)
    if made:
        var_dir.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(stored, indent=2))
        path.chmod(0o600)
        log.warning(
            "local mode: generated development keys %s into %s; never use them in production",
            ", ".join(made),
            path,
        )
    return {name: given[name] or stored[name] for name in REQUIRED_SECRETS}


def _new_key(name: str) -> str:
    if name == "DATA_KEY":  # a Fernet key: 32 url-safe base64-encoded bytes
        return base64.urlsafe_b64encode(secrets.token_bytes(32)).decode()
    return secrets.token_hex(32)
