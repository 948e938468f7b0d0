"""`hotline simulate`: a what-if run of the routing rules on a roster, no Redis, and no database
unless the callers are learnt from the records (`--from-records`)."""

from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path
from zoneinfo import ZoneInfo

import click

from hotline.problems import InvalidFile
from hotline.roster import Roster, parse_roster
from hotline.routing.policy import Rules
from hotline.routing.rules import load_rules
from hotline.whatif import Scenario


def _read(path: Path, what: str) -> str:
    try:
        return path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        click.echo(f"{path}:1: cannot read the {what}: {exc}", err=True)
        sys.exit(1)


def _refuse(exc: InvalidFile, what: str) -> None:
    click.echo(str(exc), err=True)
    click.echo(f"{what} refused; nothing was simulated", err=True)
    sys.exit(1)


def _load(rules_path: Path, roster_path: Path) -> tuple[Rules, Roster]:
    _read(rules_path, "rules")
    try:
        rules = load_rules(rules_path)
    except InvalidFile as exc:
        _refuse(exc, "rules")
    text = _read(roster_path, "roster")
    try:
        roster = parse_roster(
            text,
            str(roster_path),
            languages=rules.languages.keys(),
            specialties=rules.specialties.keys(),
        )
    except InvalidFile as exc:
        _refuse(exc, "roster")
    return rules, roster


def _from_records(rules: Rules, roster: Roster) -> Scenario:
    # start-up cost: a command loads only what it runs
    from sqlalchemy.exc import SQLAlchemyError

    from hotline.config import records_url
    from hotline.platform.db import make_engine, make_sessionmaker
    from hotline.staffing.simulation import (
        LEARN_DAYS,
        MIN_LEARN_CALLS,
        MIN_LEARN_DAYS,
        learnt_scenario,
    )

    url = records_url()
    if not url:
        raise click.UsageError("--from-records reads the call records: set DATABASE_URL")
    engine = make_engine(url)
    try:
        learnt = learnt_scenario(
            make_sessionmaker(engine), rules, roster.timezone, now=dt.datetime.now(dt.UTC)
        )
    except SQLAlchemyError as exc:
        click.echo(f"cannot read the call records: {exc.__class__.__name__}: {exc}", err=True)
        sys.exit(1)
    finally:
        engine.dispose()
    if learnt is None:
        click.echo(
            f"the last {LEARN_DAYS} days of records hold under {MIN_LEARN_DAYS} days or under "
            f"{MIN_LEARN_CALLS} calls that reached the queue: too few to learn callers from",
            err=True,
        )
        sys.exit(1)
    return learnt[0]


@click.command()
@click.option(
    "--rules",
    "rules_path",
    type=click.Path(path_type=Path),
    default=None,
    help="Routing rules (default: ROUTING_RULES, else ./routing_rules.yaml).",
)
@click.option(
    "--roster",
    "roster_path",
    type=click.Path(path_type=Path),
    default=Path("demo/roster.yaml"),
    show_default=True,
)
@click.option(
    "--days",
    default=None,
    type=click.IntRange(1, 366),
    help="Days to simulate (default 7; with --staffing, 21: whole weeks refine the advice).",
)
@click.option(
    "--arrivals",
    "arrivals_path",
    type=click.Path(path_type=Path),
    default=None,
    help="Calls per hour and the callers' mix (YAML); default: a crisis-line profile.",
)
@click.option(
    "--from-records",
    is_flag=True,
    help="Learn the callers from the last four weeks of call records (DATABASE_URL).",
)
@click.option("--seed", default=1, show_default=True, type=int)
@click.option("--start", default=None, help="First day, YYYY-MM-DD (default: a fixed Monday).")
@click.option(
    "--chart",
    "chart_path",
    type=click.Path(path_type=Path),
    default=None,
    help="HTML chart (default var/simulate.html; with --staffing, var/staffing.html).",
)
@click.option("--json", "as_json", is_flag=True, help="Print the headline figures as JSON.")
@click.option(
    "--staffing",
    is_flag=True,
    help="Advise the fewest counselors per hour and language for every tier to reach --target.",
)
@click.option(
    "--target",
    default=0.9,
    show_default=True,
    type=click.FloatRange(0.5, 0.99),
    help="With --staffing: share of each tier's calls to answer within its answer_within.",
)
@click.option(
    "--advised-roster",
    "advised_path",
    type=click.Path(path_type=Path),
    default=Path("var/advised-roster.yaml"),
    show_default=True,
    help="With --staffing: where to write the advised staffing as a roster file.",
)
def simulate(
    rules_path: Path | None,
    roster_path: Path,
    days: int | None,
    arrivals_path: Path | None,
    from_records: bool,
    seed: int,
    start: str | None,
    chart_path: Path | None,
    as_json: bool,
    staffing: bool,
    target: float,
    advised_path: Path,
) -> None:
    """What-if: simulate DAYS of calls through the real matcher, beside the pooled ideal,
    Erlang A and Erlang C; or, with --staffing, advise the staffing for a target."""
    # start-up cost: a command loads only what it runs
    from hotline.config import file_paths
    from hotline.whatif import simulate as run_simulation
    from hotline.whatif.chart import chart_html
    from hotline.whatif.scenario_file import parse_scenario
    from hotline.whatif.text import render, to_json

    rules_path = rules_path or file_paths()[0]
    rules, roster = _load(rules_path, roster_path)
    scenario = None
    if arrivals_path is not None:
        text = _read(arrivals_path, "arrivals file")
        try:
            scenario = parse_scenario(text, str(arrivals_path), rules)
        except InvalidFile as exc:
            _refuse(exc, "arrivals file")
    if from_records:
        if arrivals_path is not None:
            raise click.UsageError("--arrivals and --from-records: give one")
        scenario = _from_records(rules, roster)
    first = None
    if start is not None:
        try:
            day = dt.date.fromisoformat(start)
        except ValueError:
            raise click.BadParameter("a date like 2025-01-06", param_hint="--start") from None
        first = dt.datetime.combine(day, dt.time(0), tzinfo=ZoneInfo(roster.timezone))
    if staffing:
        _staffing(rules, roster, scenario, target, seed, days, chart_path, advised_path)
        return
    report = run_simulation(
        rules, roster, days=days or 7, seed=seed, scenario=scenario, start=first
    )
    chart_path = chart_path or Path("var/simulate.html")
    names = {"rules_file": str(rules_path), "roster_file": str(roster_path)}
    chart_path.parent.mkdir(parents=True, exist_ok=True)
    chart_path.write_text(chart_html(report, **names), encoding="utf-8")
    if as_json:
        click.echo(to_json(report))
    else:
        click.echo(render(report, **names))
        click.echo(f"\nchart: {chart_path}")


def _staffing(
    rules: Rules,
    roster: Roster,
    scenario: Scenario | None,
    target: float,
    seed: int,
    days: int | None,
    chart_path: Path | None,
    advised_path: Path,
) -> None:
    # start-up cost: a command loads only what it runs
    from hotline.whatif.cross_training import suggest
    from hotline.whatif.staffing import advise
    from hotline.whatif.staffing_text import advised_roster_yaml, render_staffing, staffing_html

    weeks = -(-(days or 21) // 7)
    advice = advise(rules, roster, target=target, scenario=scenario, seed=seed, weeks=weeks)
    ideas = suggest(advice, rules, roster, scenario=scenario, seed=seed)
    chart_path = chart_path or Path("var/staffing.html")
    for path, text in (
        (chart_path, staffing_html(advice, ideas)),
        (advised_path, advised_roster_yaml(advice, roster.timezone)),
    ):
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    click.echo(render_staffing(advice, ideas))
    click.echo(f"\nchart: {chart_path}\nadvised roster: {advised_path}")
