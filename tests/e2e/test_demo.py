"""`make demo`'s main job: the hotline with simulated callers and counselors, end to end."""

from __future__ import annotations

import random
import re
import subprocess
import sys
from collections import Counter
from pathlib import Path

from hotline.devdouble.demo.callers import DemoClock
from tests.support.processes import ROOT, free_port, hotline_env


def quick_rules(tmp_path: Path) -> Path:
    """The shipped rules with waits cut to seconds, so a test sees every path end."""
    text = (ROOT / "routing_rules.yaml").read_text()
    text = re.sub(r"max_wait: \d+", "max_wait: 12", text)
    text = re.sub(r"answer_within: \d+", "answer_within: 5", text)
    step = 0

    def sooner(found: re.Match[str]) -> str:
        """Each tier's steps at 0, 2, 4... s, whatever their shipped times."""
        nonlocal step
        step = 0 if found.group(1) == "0" else step + 1
        return f"after: {2 * step}"

    text = re.sub(r"(?<!_)after: (\d+)", sooner, text)
    path = tmp_path / "rules.yaml"
    path.write_text(text)
    return path


def test_the_demo_places_calls_and_drops_none(tmp_path: Path) -> None:
    env = hotline_env(tmp_path, ROUTING_RULES=str(quick_rules(tmp_path)))

    def hotline(*args: str, timeout: float = 60) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "hotline.cli", *args],
            env=env,
            cwd=ROOT,
            capture_output=True,
            text=True,
            timeout=timeout,
            check=False,
        )

    assert hotline("db", "upgrade").returncode == 0
    assert hotline("roster", "import", str(ROOT / "demo" / "roster.yaml")).returncode == 0
    done = hotline(
        "demo",
        "--calls",
        "6",
        "--every",
        "0.3",
        "--time-scale",
        "0.002",
        "--port",
        str(free_port()),
        timeout=240,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    lines = done.stdout.splitlines()
    assert any(line.startswith("tier") for line in lines), done.stdout[-2000:]
    assert "calls that ended without a person or their own hang-up: 0" in lines
    placed = sum(
        int(line.split()[1])
        for line in lines
        if line.split() and line.split()[0] in {"imminent", "urgent", "standard"}
    )
    assert placed == 6
    wrote = next(line for line in lines if line.startswith("wrap-ups written"))
    assert int(wrote.rsplit(":", 1)[1]) >= 1, "the demo's counselors file their wrap-ups"


def test_the_demo_stream_is_busiest_in_the_evening_and_at_night() -> None:
    clock = DemoClock(day_minutes=24, start=0.0, start_hour=0.0)  # a day in 1,440 s
    rng, at, by_hour = random.Random(3), 0.0, Counter[int]()
    while at < 3 * 1440:  # three demo days, a call every 2 s on average
        at += clock.next_gap(rng, every=2.0, at=at)
        by_hour[int(clock.hour(at))] += 1
    evening = sum(by_hour[h] for h in (*range(19, 24), 0))
    morning = sum(by_hour[h] for h in range(6, 12))
    assert evening > 2 * morning, by_hour
    assert 0.9 < by_hour.total() / (3 * 1440 / 2.0) < 1.1, "the day's mean gap is `every`"
