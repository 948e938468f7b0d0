"""The hotline as it is deployed, on this machine: its own Redis server, a fresh PostgreSQL
schema, web processes behind a balancer, RQ workers and the scheduler, each a real
process that can be killed or restarted while calls go on.

The Redis server is the cluster's own (a free port), never the shared one on 6379, so
restarting it disturbs no other test run. By default it keeps nothing (a restart comes back
empty); with `appendonly` it persists as the README's production set-up does (appendonly,
fsync every second), so a restart comes back with the live state.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO

import redis
import yaml

from hotline.devdouble.process import wait_healthy
from tests.load.balancer import Balancer
from tests.support import backends
from tests.support.processes import ROOT, free_port, hotline_env
from tests.support.redis_server import start_redis_server

REDIS_DB = 9


def load_rules(path: Path, **offer: int) -> Path:
    """The shipped rules with the service's clock cut to a load test's: waits of seconds."""
    rules = yaml.safe_load((ROOT / "routing_rules.yaml").read_text())
    for tier in rules["tiers"].values():
        tier["max_wait"] = 25
        tier["answer_within"] = 5
        for i, step in enumerate(tier["relax"]):
            step["after"] = 3 * i
    rules["offer"].update({"ring_timeout": 8, "wrap_up": 1, **offer})
    rules["overflow"]["callback_offer_after"] = 3
    if "callbacks" in rules:
        rules["callbacks"]["window"] = {"from": "00:00", "to": "23:59"}
        rules["callbacks"]["retry_backoff"] = [5]
    path.write_text(yaml.safe_dump(rules, sort_keys=False))
    return path


def always_on_call_roster(path: Path) -> tuple[Path, list[str]]:
    """demo/roster.yaml with every counselor on call at all hours; returns their phones."""
    roster = yaml.safe_load((ROOT / "demo" / "roster.yaml").read_text())
    for counselor in roster["counselors"]:
        counselor.pop("shifts", None)
        counselor["always_on_call"] = True
    path.write_text(yaml.safe_dump(roster, sort_keys=False))
    return path, [str(c["phone"]) for c in roster["counselors"]]


@dataclass
class Proc:
    name: str
    args: list[str]
    port: int | None = None
    popen: subprocess.Popen[bytes] | None = None
    restarts: int = 0


@dataclass
class Cluster:
    """Start with `start()`, always `close()`; every process is this object's child."""

    var: Path
    env_extra: dict[str, str]
    webs: int = 4
    workers: int = 2
    web_workers: int = 1  # gunicorn workers in each web process
    redis_port: int = field(default_factory=free_port)
    procs: list[Proc] = field(default_factory=list)
    balancer: Balancer | None = None  # in front of the web processes when there are several
    web_ports: list[int] = field(default_factory=list)
    schema: str | None = None
    database_url: str = ""
    appendonly: bool = False  # Redis persists its data (see restart_redis)
    _redis: subprocess.Popen[bytes] | None = None
    _logs: list[IO[bytes]] = field(default_factory=list)

    @property
    def redis_url(self) -> str:
        return f"redis://127.0.0.1:{self.redis_port}/{REDIS_DB}"

    @property
    def public_url(self) -> str:
        if self.balancer is not None:
            return self.balancer.url
        return f"http://127.0.0.1:{self.web_ports[0]}"

    def client(self) -> redis.Redis[bytes]:
        return redis.Redis.from_url(self.redis_url, socket_timeout=2)

    # --- life -------------------------------------------------------------------------------

    def start(self, roster: Path) -> None:
        self.start_redis()
        self.schema, self.database_url = backends.new_postgres_schema()
        self.web_ports = [free_port() for _ in range(self.webs)]
        if self.webs > 1:
            self.balancer = Balancer(self.web_ports)
        self.hotline("db", "upgrade")
        self.hotline("roster", "import", str(roster))
        for i, port in enumerate(self.web_ports):
            args = ["web", "--bind", f"127.0.0.1:{port}", "--workers", str(self.web_workers)]
            self.procs.append(Proc(f"web{i}", args, port))
        self.procs += [Proc(f"worker{i}", ["worker"]) for i in range(self.workers)]
        self.procs.append(Proc("scheduler", ["scheduler"]))
        for proc in self.procs:
            self.launch(proc)
        for proc in self.webs_():
            assert proc.popen is not None
            wait_healthy(f"http://127.0.0.1:{proc.port}", proc.popen, timeout=60)

    def env(self) -> dict[str, str]:
        settings = {
            "DATABASE_URL": self.database_url,
            "REDIS_URL": self.redis_url,
            "PUBLIC_URL": self.public_url,
            "LOG_LEVEL": "WARNING",
        }
        return hotline_env(self.var, **{**settings, **self.env_extra})

    def hotline(self, *args: str) -> None:
        done = subprocess.run(
            [sys.executable, "-m", "hotline.cli", *args],
            env=self.env(),
            cwd=ROOT,
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )
        assert done.returncode == 0, (args, done.stdout[-2000:], done.stderr[-2000:])

    def launch(self, proc: Proc) -> None:
        log = open(self.var / f"{proc.name}.log", "ab")  # noqa: SIM115
        self._logs.append(log)
        proc.popen = subprocess.Popen(
            [sys.executable, "-m", "hotline.cli", *proc.args],
            env=self.env(),
            cwd=ROOT,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # its own group: a SIGKILL reaches an RQ work horse too
        )

    def webs_(self) -> list[Proc]:
        return [p for p in self.procs if p.args[0] == "web"]

    def by_name(self, name: str) -> Proc:
        return next(p for p in self.procs if p.name == name)

    # --- faults -----------------------------------------------------------------------------

    def start_redis(self) -> None:
        self._redis = start_redis_server(
            self.redis_port,
            self.var / "redis",
            appendonly=self.appendonly,
            log=self.var / "redis.log",
        )

    def redis_pids(self) -> list[int]:
        return [self._redis.pid] if self._redis is not None else []

    def restart_redis(self, down_for: float = 1.0) -> None:
        """Stop Redis and bring it back. Without `appendonly` it is killed and comes back
        empty (all live state lost); with it, it is stopped as a restart or an upgrade
        stops it (SIGTERM: the append-only file is written out) and comes back with it."""
        assert self._redis is not None
        if self.appendonly:
            self._redis.terminate()
        else:
            self._redis.kill()
        self._redis.wait(10)
        time.sleep(down_for)  # the outage itself: what the service must live through
        self.start_redis()

    def kill(self, proc: Proc) -> None:
        """SIGKILL to the process and its children (an RQ worker's work horse)."""
        assert proc.popen is not None
        os.killpg(proc.popen.pid, signal.SIGKILL)
        proc.popen.wait(10)

    def restart(self, proc: Proc) -> None:
        """SIGTERM (gunicorn finishes what it is serving), then start; a web process is
        healthy again on return. For a web process behind the balancer a deployment does
        `rolling_restart` instead; this is what a supervisor does after a crash."""
        self.stop(proc)
        self.launch(proc)
        proc.restarts += 1
        if proc.port is not None:
            assert proc.popen is not None
            wait_healthy(f"http://127.0.0.1:{proc.port}", proc.popen, timeout=60)

    def rolling_restart(self, proc: Proc) -> None:
        """A deployment's restart of one web process: out of the balancer (no new request;
        those in hand are answered), SIGTERM, started again, healthy, back in."""
        assert self.balancer is not None and proc.port is not None
        self.balancer.drain(proc.port)
        self.restart(proc)
        self.balancer.restore(proc.port)

    def stop(self, proc: Proc, grace: float = 20) -> None:
        if proc.popen is None or proc.popen.poll() is not None:
            return
        proc.popen.send_signal(signal.SIGTERM)
        try:
            proc.popen.wait(grace)
        except subprocess.TimeoutExpired:
            os.killpg(proc.popen.pid, signal.SIGKILL)
            proc.popen.wait(10)

    def close(self) -> None:
        for proc in self.procs:
            self.stop(proc)
        if self._redis is not None:
            self._redis.terminate()
            self._redis.wait(10)
        if self.balancer is not None:
            self.balancer.close()
        if self.schema is not None:
            backends.drop_postgres_schema(self.schema)
        for log in self._logs:
            log.close()

    def logs(self, tail: int = 3000) -> str:
        return "\n".join(
            f"--- {p.name} ---\n" + (self.var / f"{p.name}.log").read_text(errors="replace")[-tail:]
            for p in self.procs
        )
