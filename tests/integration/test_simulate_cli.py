"""`hotline simulate` as a supervisor runs it: no Redis, no database, files checked first."""

from __future__ import annotations

import json
from html.parser import HTMLParser
from pathlib import Path

import pytest
from click.testing import CliRunner

from hotline.cli import main

ROOT = Path(__file__).resolve().parents[2]
RULES = str(ROOT / "routing_rules.yaml")
ROSTER = str(ROOT / "demo" / "roster.yaml")


class Tags(HTMLParser):
    """Every start tag, and whether each closed in order (a well-formed document)."""

    VOID = frozenset({"meta", "br", "img", "input", "link", "hr"})

    def __init__(self) -> None:
        super().__init__()
        self.seen: list[str] = []
        self.open: list[str] = []
        self.mismatched: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.seen.append(tag)
        if tag not in self.VOID:
            self.open.append(tag)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.seen.append(tag)

    def handle_endtag(self, tag: str) -> None:
        if tag in self.VOID:
            return
        if not self.open or self.open.pop() != tag:
            self.mismatched.append(tag)


@pytest.fixture
def env(tmp_path: Path) -> dict[str, str]:
    # Nothing to reach: a Redis or database URL that would fail if anything tried.
    return {
        "REDIS_URL": "redis://127.0.0.1:9/0",
        "DATABASE_URL": "postgresql+psycopg://nobody@127.0.0.1:9/none",
        "ROUTING_RULES": RULES,
        "HOTLINE_VAR_DIR": str(tmp_path),
    }


def test_two_days_on_the_shipped_rules_print_a_report_and_write_a_chart(
    env: dict[str, str], tmp_path: Path
) -> None:
    chart = tmp_path / "out" / "what-if.html"
    result = CliRunner().invoke(
        main, ["simulate", "--roster", ROSTER, "--days", "2", "--chart", str(chart)], env=env
    )
    assert result.exit_code == 0, result.output
    out = result.output
    assert "What-if: 2 day(s)" in out
    for tier in ("imminent", "urgent", "standard", "all"):
        assert any(line.startswith(tier) for line in out.splitlines()), tier
    assert "Erlang C, hour by hour" in out
    assert "P(wait)" in out and "ratio x" in out
    assert "Grace Kim" in out  # utilisation per counselor
    assert f"chart: {chart}" in out
    html = chart.read_text(encoding="utf-8")
    assert html.startswith("<!DOCTYPE html>")
    tags = Tags()
    tags.feed(html)
    tags.close()
    assert tags.seen.count("svg") == 2
    assert tags.open == [] and tags.mismatched == []
    assert "polyline" in tags.seen  # the Erlang C line


def test_json_output_carries_the_same_figures(env: dict[str, str], tmp_path: Path) -> None:
    args = ["simulate", "--roster", ROSTER, "--days", "1", "--seed", "4"]
    args += ["--chart", str(tmp_path / "c.html"), "--json"]
    first = CliRunner().invoke(main, args, env=env)
    assert first.exit_code == 0, first.output
    report = json.loads(first.output)
    assert list(report["tiers"]) == ["imminent", "urgent", "standard"]
    assert report["calls"] == sum(t["calls"] for t in report["tiers"].values())
    assert 0 < report["calls"] < 200  # one day of the default profile
    for tier in report["tiers"].values():
        assert 0 <= tier["service_level"] <= tier["ideal_service_level"] + 0.1
    assert json.loads(CliRunner().invoke(main, args, env=env).output) == report


def test_an_arrivals_file_sets_the_load(env: dict[str, str], tmp_path: Path) -> None:
    arrivals = tmp_path / "arrivals.yaml"
    arrivals.write_text("calls_per_day: 300\nmix:\n  languages: {yue: 1}\n", encoding="utf-8")
    args = ["simulate", "--roster", ROSTER, "--days", "1", "--arrivals", str(arrivals)]
    result = CliRunner().invoke(main, [*args, "--chart", str(tmp_path / "c.html")], env=env)
    assert result.exit_code == 0, result.output
    assert "arrivals.yaml, 300 calls/day" in result.output


@pytest.mark.parametrize(
    ("which", "text", "expected"),
    [
        ("--rules", "tiers: {}\n", "routing.yaml:1:"),
        ("--roster", "timezone: Mars/Base\ncounselors: []\n", "roster.yaml:1:"),
        ("--arrivals", "scale: 1\nper_hour: [1, 2]\n", "arrivals.yaml:2:"),
    ],
)
def test_a_file_with_errors_is_refused_with_its_line(
    env: dict[str, str], tmp_path: Path, which: str, text: str, expected: str
) -> None:
    name = {"--rules": "routing.yaml", "--roster": "roster.yaml", "--arrivals": "arrivals.yaml"}
    bad = tmp_path / name[which]
    bad.write_text(text, encoding="utf-8")
    chart = tmp_path / "c.html"
    args = ["simulate", "--roster", ROSTER, "--days", "1", "--chart", str(chart), which, str(bad)]
    result = CliRunner().invoke(main, args, env=env)
    assert result.exit_code == 1
    assert f"{bad.parent}/{expected}" in result.output
    assert "refused; nothing was simulated" in result.output
    assert not chart.exists()


def test_a_missing_file_is_named(env: dict[str, str], tmp_path: Path) -> None:
    missing = tmp_path / "nowhere.yaml"
    result = CliRunner().invoke(main, ["simulate", "--roster", str(missing)], env=env)
    assert result.exit_code == 1
    assert f"{missing}:1: cannot read the roster" in result.output


def _records_db(sqlite_template: Path, tmp_path: Path, nights: int) -> str:
    """A database whose records hold twenty queued calls a night for `nights` nights."""
    import datetime as dt
    import shutil

    from hotline.platform.db import make_engine, make_sessionmaker
    from hotline.records.calls import save_record
    from tests.support.records import answered

    db = tmp_path / "records.db"
    shutil.copy(sqlite_template, db)
    url = f"sqlite:///{db}"
    engine = make_engine(url)
    sessions = make_sessionmaker(engine)
    night = dt.datetime.now(dt.UTC).replace(hour=2, minute=0, second=0, microsecond=0)
    for day in range(1, nights + 1):
        for n in range(20):
            started = night - dt.timedelta(days=day, minutes=-3 * n)
            save_record(sessions, answered(f"r{day}-{n}", started, language="zh"))
    engine.dispose()
    return url


def test_the_callers_can_be_learnt_from_the_call_records(
    env: dict[str, str], tmp_path: Path, sqlite_template: Path
) -> None:
    env["DATABASE_URL"] = _records_db(sqlite_template, tmp_path, nights=14)
    result = CliRunner().invoke(
        main, ["simulate", "--roster", ROSTER, "--days", "7", "--from-records", "--json"], env=env
    )
    assert result.exit_code == 0, result.output
    report = json.loads(result.output)
    text = CliRunner().invoke(
        main, ["simulate", "--roster", ROSTER, "--days", "7", "--from-records"], env=env
    )
    assert "arrivals: 280 past calls from " in text.output
    overall = report["calls"]
    assert 100 <= overall <= 180, "a week of twenty calls a night, not the default 700"


def test_too_few_records_to_learn_from_are_refused(
    env: dict[str, str], tmp_path: Path, sqlite_template: Path
) -> None:
    env["DATABASE_URL"] = _records_db(sqlite_template, tmp_path, nights=3)
    result = CliRunner().invoke(main, ["simulate", "--roster", ROSTER, "--from-records"], env=env)
    assert result.exit_code == 1
    assert "too few to learn callers from" in result.output


def test_learning_from_records_needs_a_database(env: dict[str, str]) -> None:
    none = {**env, "DATABASE_URL": ""}
    result = CliRunner().invoke(main, ["simulate", "--roster", ROSTER, "--from-records"], env=none)
    assert result.exit_code == 2 and "DATABASE_URL" in result.output
    unreachable = {**env, "DATABASE_URL": "postgresql+psycopg://nobody@127.0.0.1:9/none"}
    result = CliRunner().invoke(
        main, ["simulate", "--roster", ROSTER, "--from-records"], env=unreachable
    )
    assert result.exit_code == 1 and "cannot read the call records" in result.output


def test_staffing_advice_writes_a_roster_that_simulates_at_the_target(
    env: dict[str, str], tmp_path: Path
) -> None:
    """The advice on a quiet line (40 calls a day), then the roster it proposes simulated."""
    arrivals = tmp_path / "arrivals.yaml"
    arrivals.write_text("calls_per_day: 40\n", encoding="utf-8")
    advised, chart = tmp_path / "advised.yaml", tmp_path / "staffing.html"
    args = ["simulate", "--roster", ROSTER, "--arrivals", str(arrivals), "--days", "21"]
    extra = ["--staffing", "--target", "0.8", "--advised-roster", str(advised)]
    result = CliRunner().invoke(main, [*args, *extra, "--chart", str(chart)], env=env)
    assert result.exit_code == 0, result.output
    assert "Staffing advice" in result.output
    assert "The advised staffing meets the target of 80.0% for every tier" in result.output
    tags = Tags()
    tags.feed(chart.read_text(encoding="utf-8"))
    assert tags.seen.count("svg") == 1 and tags.open == []
    again = ["simulate", "--roster", str(advised), "--arrivals", str(arrivals), "--days", "7"]
    again += ["--seed", "9", "--chart", str(tmp_path / "c.html"), "--json"]
    proposed = CliRunner().invoke(main, again, env=env)
    assert proposed.exit_code == 0, proposed.output
    for tier in json.loads(proposed.output)["tiers"].values():
        assert tier["service_level"] >= 0.8
