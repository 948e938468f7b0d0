"""A private redis-server for a test that must choose its persistence or restart it."""

from __future__ import annotations

import shutil
import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import redis

from tests.support.processes import free_port


def start_redis_server(
    port: int, data_dir: Path, *, appendonly: bool, log: Path
) -> subprocess.Popen[bytes]:
    """redis-server on 127.0.0.1:port, its files in data_dir; returns once it answers PING.

    With `appendonly`, every write goes to the append-only file, fsynced every second (the
    README's production set-up), so a restart on the same data_dir finds the live state."""
    data_dir.mkdir(parents=True, exist_ok=True)
    args = [shutil.which("redis-server") or "redis-server", "--port", str(port)]
    args += ["--bind", "127.0.0.1", "--dir", str(data_dir), "--save", "", "--daemonize", "no"]
    args += ["--appendonly", "yes" if appendonly else "no", "--appendfsync", "everysec"]
    with log.open("ab") as out:
        proc = subprocess.Popen(args, stdout=out, stderr=subprocess.STDOUT)
    client = redis.Redis(port=port, socket_timeout=2)
    deadline = time.monotonic() + 10
    while True:
        try:
            client.ping()
            return proc
        except redis.RedisError:
            if time.monotonic() > deadline or proc.poll() is not None:
                proc.kill()
                raise
            time.sleep(0.02)  # the server is binding its port: nothing to wait on


@contextmanager
def private_redis(tmp_path: Path, *, appendonly: bool) -> Iterator[str]:
    """A redis-server of this test's own; yields its URL."""
    port = free_port()
    proc = start_redis_server(
        port, tmp_path / "redis", appendonly=appendonly, log=tmp_path / "redis.log"
    )
    try:
        yield f"redis://127.0.0.1:{port}/0"
    finally:
        proc.terminate()
        proc.wait(10)
