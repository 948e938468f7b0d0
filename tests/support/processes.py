"""Start `hotline` as a real process for end-to-end tests, and stop it cleanly."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path

from hotline.devdouble.process import stop, wait_healthy

ROOT = Path(__file__).resolve().parents[2]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def hotline_env(var_dir: Path, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("HOTLINE_", "TWILIO_"))}
    for name in ("DATABASE_URL", "REDIS_URL", "PUBLIC_URL", "HASH_KEY", "DATA_KEY", "SECRET_KEY"):
        env.pop(name, None)
    env.update(
        {
            "HOTLINE_MODE": "local",
            "HOTLINE_VAR_DIR": str(var_dir),
            "ROUTING_RULES": str(ROOT / "routing_rules.yaml"),
            "IVR_SCRIPTS": str(ROOT / "ivr_scripts"),
        }
    )
    env.update(extra)
    return env


@contextmanager
def hotline_run(var_dir: Path, env: Mapping[str, str] | None = None) -> Iterator[str]:
    """`hotline run` on a free port; yields its base URL; SIGINT on the way out."""
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    full_env = hotline_env(var_dir, **dict(env or {}))
    full_env.setdefault("PUBLIC_URL", base)
    log = open(var_dir / "hotline.log", "wb")  # noqa: SIM115
    proc = subprocess.Popen(
        [sys.executable, "-m", "hotline.cli", "run", "--port", str(port)],
        env=full_env,
        stdout=log,
        stderr=subprocess.STDOUT,
        cwd=ROOT,
    )
    try:
        wait_healthy(base, proc)
        yield base
    finally:
        stopped_with = stop(proc)
        log.close()
        if stopped_with != 0:
            raise AssertionError(
                f"hotline run did not stop cleanly ({stopped_with}):\n"
                + (var_dir / "hotline.log").read_text(errors="replace")[-4000:]
            )
