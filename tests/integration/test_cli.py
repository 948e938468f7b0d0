"""The `hotline` command as an operator uses it."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from hotline.cli import main
from tests.conftest import ROOT
from tests.support.audio import wav_bytes


@pytest.fixture
def env(tmp_path: Path) -> dict[str, str]:
    return {
        "HOTLINE_MODE": "local",
        "HOTLINE_VAR_DIR": str(tmp_path),
        "ROUTING_RULES": str(ROOT / "routing_rules.yaml"),
        "IVR_SCRIPTS": str(ROOT / "ivr_scripts"),
        "DATABASE_URL": f"sqlite:///{tmp_path / 'cli.db'}",
    }


def test_db_upgrade_then_roster_import_twice(env: dict[str, str]) -> None:
    runner = CliRunner()
    result = runner.invoke(main, ["db", "upgrade"], env=env)
    assert result.exit_code == 0, result.output
    roster = str(ROOT / "demo" / "roster.yaml")
    result = runner.invoke(main, ["roster", "import", roster], env=env)
    assert result.exit_code == 0, result.output
    assert "16 added, 0 updated" in result.output
    result = runner.invoke(main, ["roster", "import", roster], env=env)
    assert "0 added, 16 updated" in result.output


def test_a_refused_roster_exits_1_and_says_why(env: dict[str, str], tmp_path: Path) -> None:
    runner = CliRunner()
    runner.invoke(main, ["db", "upgrade"], env=env)
    bad = tmp_path / "bad.yaml"
    bad.write_text(
        "timezone: UTC\ncounselors:\n  - name: Eve\n    phone: '12'\n    languages: [en]\n"
    )
    result = runner.invoke(main, ["roster", "import", str(bad)], env=env)
    assert result.exit_code == 1
    assert f"{bad}:4: [Eve] not a valid phone number" in result.output
    assert "nothing was changed" in result.output


def test_check_passes_the_shipped_files(env: dict[str, str]) -> None:
    result = CliRunner().invoke(main, ["check"], env=env)
    assert result.exit_code == 0, result.output


def test_check_warns_about_prompts_without_a_recording_and_still_passes(
    env: dict[str, str], tmp_path: Path
) -> None:
    scripts = tmp_path / "ivr_scripts"
    shutil.copytree(ROOT / "ivr_scripts", scripts)
    result = CliRunner().invoke(main, ["check", "--scripts", str(scripts)], env=env)
    assert result.exit_code == 0, result.output
    wuu = scripts / "wuu.yaml"
    assert f"warning: {wuu}:15: [topic] no recording yet: said in zh instead" in result.output
    (scripts / "audio" / "wuu").mkdir(parents=True)
    (scripts / "audio" / "wuu" / "topic.wav").write_bytes(wav_bytes())
    wuu.write_text(wuu.read_text().replace("topic.mp3", "topic.wav"))
    result = CliRunner().invoke(main, ["check", "--scripts", str(scripts)], env=env)
    assert result.exit_code == 0, result.output
    assert "[topic]" not in result.output and "[confidential]" in result.output


def test_check_names_file_and_line_of_a_broken_rule(env: dict[str, str], tmp_path: Path) -> None:
    broken = tmp_path / "rules.yaml"
    lines = (ROOT / "routing_rules.yaml").read_text().splitlines()
    at = next(i for i, line in enumerate(lines) if line.strip().startswith("max_wait:"))
    lines[at] = lines[at].split(":")[0] + ": soon"
    broken.write_text("\n".join(lines) + "\n")
    result = CliRunner().invoke(main, ["check", "--rules", str(broken)], env=env)
    assert result.exit_code == 1
    assert f"{broken}:{at + 1}:" in result.output


def test_check_names_file_and_line_of_a_broken_script(env: dict[str, str], tmp_path: Path) -> None:
    scripts = tmp_path / "ivr"
    shutil.copytree(ROOT / "ivr_scripts", scripts)
    flow = scripts / "flow.yaml"
    flow.write_text(flow.read_text() + "\nthis is: [not closed\n")
    result = CliRunner().invoke(main, ["check", "--scripts", str(scripts)], env=env)
    assert result.exit_code == 1
    assert "flow.yaml:" in result.output


def test_production_start_names_the_missing_secret() -> None:
    result = CliRunner().invoke(main, ["db", "upgrade"], env={"HOTLINE_MODE": "production"})
    assert result.exit_code != 0
    assert "TWILIO_AUTH_TOKEN" in result.output
