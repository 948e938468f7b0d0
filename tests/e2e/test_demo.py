"""`make demo`'s main job: the hotline with simulated callers and counselors, end to end."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

from tests.support.processes import ROOT, free_port, hotline_env


def quick_rules(tmp_path: Path) -> Path:
    """The shipped rules with waits cut to seconds, so a test sees every path end."""
    text = (ROOT / "routing_rules.yaml").read_text()
    text = re.sub(r"max_wait: \d+", "max_wait: 12", text)
    text = re.sub(r"answer_within: \d+", "answer_within: 5", text)
    for before, after in (
        ("20}", "2}"),
        ("45}", "4}"),
        ("60}", "2}"),
        ("150}", "4}"),
        ("180}", "2}"),
        ("480}", "4}"),
    ):
        text = text.replace(f"after: {before}", f"after: {after}")
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
