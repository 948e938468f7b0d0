"""The `hotline` command: thin wrappers that build settings once and call one thing each."""

from __future__ import annotations

import getpass
import sys
import threading
from pathlib import Path

import click
import phonenumbers

from hotline import logs
from hotline.config import ConfigError, Settings
from hotline.problems import InvalidFile, Problem

REFUSED = 2  # the exit status of a start refused for its environment


def _settings(**overrides: object) -> Settings:
    logs.configure()
    try:
        settings = Settings.from_env()
    except ConfigError as exc:
        click.echo(f"refused: {exc}", err=True)
        sys.exit(REFUSED)
    settings = settings.replace(**overrides) if overrides else settings
    logs.configure(settings.log_level)
    return settings


def _preflight(settings: Settings, *, upgrade_local: bool = False) -> None:
    """Refuse to start (exit 2) naming each variable and why; warnings are said and pass."""
    # start-up cost: a command loads only what it runs
    from hotline.preflight import check_environment

    found = check_environment(settings, upgrade_local=upgrade_local)
    refusals = [f for f in found if not f.warning]
    for finding in found:
        if finding.warning:
            click.echo(str(finding), err=True)
    if refusals:
        click.echo(f"refused to start: {len(refusals)} problem(s) in the environment", err=True)
        for finding in refusals:
            click.echo(f"  {finding}", err=True)
        sys.exit(REFUSED)


def _runtime(settings: Settings):  # type: ignore[no-untyped-def]
    # start-up cost: a command loads only what it runs
    from hotline.bootstrap import build_runtime

    try:
        return build_runtime(settings)
    except InvalidFile as exc:
        raise click.ClickException(f"refused to start; fix these first:\n{exc}") from exc


@click.group()
@click.version_option(package_name="hotline")
def main() -> None:
    """Hotline: a call router for 24-hour crisis hotlines."""


@main.command()
@click.option("--bind", default="0.0.0.0:8000", show_default=True)
@click.option("--workers", default=2, show_default=True, type=int)
def web(bind: str, workers: int) -> None:
    """Serve the webhooks, console and dashboard with gunicorn."""
    # start-up cost: a command loads only what it runs
    from hotline.serve import serve_gunicorn

    settings = _settings()
    _preflight(settings)
    serve_gunicorn(settings, bind=bind, workers=workers)


@main.command()
@click.option("--burst", is_flag=True, help="Stop once the queue is empty.")
def worker(burst: bool) -> None:
    """Run an RQ worker: dispatch, outbound calls, record writing."""
    # start-up cost: a command loads only what it runs
    from hotline.jobs import run_worker
    from hotline.platform.redis import connect

    settings = _settings()
    if not settings.redis_url:
        raise click.ClickException("a separate worker needs REDIS_URL; use `hotline run` locally")
    _preflight(settings)
    runtime = _runtime(settings)
    run_worker(runtime, connect(settings, blocking=True), stop=threading.Event(), burst=burst)


@main.command()
def scheduler() -> None:
    """Run the scheduler; a Redis lock lets only one lead, the others stand by."""
    # start-up cost: a command loads only what it runs
    from hotline.scheduler import run_scheduler

    settings = _settings()
    _preflight(settings)
    stop = threading.Event()
    try:
        run_scheduler(_runtime(settings), stop=stop)
    except KeyboardInterrupt:
        stop.set()


@main.command()
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=8000, show_default=True, type=int)
def run(host: str, port: int) -> None:
    """Web, worker and scheduler in one process: for small sites, the demo and the tests."""
    # start-up cost: a command loads only what it runs
    from hotline.serve import run_all

    settings = _settings()
    if not settings.public_url:
        settings = settings.replace(public_url=f"http://{host}:{port}")
    _preflight(settings, upgrade_local=True)  # a local database is brought up to date
    run_all(settings, _runtime(settings), host=host, port=port)


@main.command()
@click.option("--port", default=8000, show_default=True, type=int)
@click.option("--calls", type=int, default=None, help="Place N calls, wait for them, summarise.")
@click.option("--every", default=4.0, show_default=True, help="Mean seconds between calls.")
@click.option("--time-scale", default=0.02, show_default=True, help="Simulated talk-time scale.")
@click.option("--seed", default=1, show_default=True, type=int)
@click.option("--day-minutes", default=24.0, show_default=True, help="Real minutes per demo day.")
def demo(
    port: int, calls: int | None, every: float, time_scale: float, seed: int, day_minutes: float
) -> None:
    """The whole hotline with simulated callers and counselors (local mode only)."""
    # start-up cost: a command loads only what it runs
    from hotline.devdouble.demo.run import run_demo

    settings = _settings()
    if not settings.local:
        raise click.ClickException("the demo runs only with HOTLINE_MODE=local")
    _preflight(settings, upgrade_local=True)
    runtime = _runtime(settings)
    tally = run_demo(
        settings,
        runtime,
        port=port,
        calls=calls,
        every=every,
        time_scale=time_scale,
        seed=seed,
        show=lambda text: click.echo(text, nl=False),
        day_minutes=day_minutes,
    )
    if calls is not None:
        for row in tally.summary():
            click.echo(row)


@main.group()
def db() -> None:
    """The database schema."""


@db.command("upgrade")
@click.argument("revision", default="head")
def db_upgrade(revision: str) -> None:
    """Apply Alembic migrations (SQLite or PostgreSQL)."""
    # start-up cost: a command loads only what it runs
    from hotline.platform.migrate import upgrade

    settings = _settings()
    upgrade(settings.database_url, revision)
    click.echo(f"database at revision {revision}")


@main.command()
@click.option("--rules", "rules_path", type=click.Path(path_type=Path), default=None)
@click.option("--scripts", "scripts_path", type=click.Path(path_type=Path), default=None)
@click.option(
    "--env",
    "environment",
    is_flag=True,
    help="Check the whole environment as `run` would (exit 2 on a refusal); start nothing.",
)
def check(rules_path: Path | None, scripts_path: Path | None, environment: bool) -> None:
    """Lint the routing rules and IVR scripts; exit 1 naming file, line and reason.

    Prompts still waiting for a recording are warnings: they are said in the fallback
    language meanwhile, so they do not fail the check. With --env, the settings, files,
    database and Redis are checked as a start would check them, and nothing is started.
    """
    # start-up cost: a command loads only what it runs
    from hotline.config import file_paths
    from hotline.lint import lint_all, warnings_all

    if environment:
        settings = _settings()
        _preflight(settings)
        click.echo(f"environment ready ({settings.mode} mode)")
        return
    logs.configure()
    default_rules, default_scripts = file_paths()
    problems: list[Problem] = lint_all(rules_path or default_rules, scripts_path or default_scripts)
    warnings = warnings_all(scripts_path or default_scripts)
    for warning in warnings:
        click.echo(f"warning: {warning}", err=True)
    if warnings:
        click.echo(f"{len(warnings)} prompt(s) or file(s) without a usable recording", err=True)
    for problem in problems:
        click.echo(str(problem), err=True)
    if problems:
        click.echo(f"{len(problems)} problem(s) found", err=True)
        sys.exit(1)
    click.echo("rules and IVR scripts are valid")


@main.group()
def roster() -> None:
    """Counselors and their shifts."""


@roster.command("import")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
def roster_import(file: Path) -> None:
    """Import a roster YAML file: all of it or none of it; re-imports update by name."""
    # start-up cost: a command loads only what it runs
    from hotline.roster import parse_roster
    from hotline.staffing.roster import save_roster

    settings = _settings()
    runtime = _runtime(settings)
    try:
        parsed = parse_roster(
            file.read_text(encoding="utf-8"),
            str(file),
            languages=runtime.rules.languages.keys(),
            specialties=runtime.rules.specialties.keys(),
        )
    except InvalidFile as exc:
        click.echo(str(exc), err=True)
        click.echo("roster refused; nothing was changed", err=True)
        sys.exit(1)
    summary = save_roster(runtime.sessions, parsed, actor=f"cli:{getpass.getuser()}")
    click.echo(
        f"roster imported: {len(summary.added)} added, {len(summary.updated)} updated"
        + (
            f"; not in this file, left as they were: {', '.join(summary.not_in_file)}"
            if summary.not_in_file
            else ""
        )
    )


@main.command()
@click.option("--dry-run", is_flag=True, help="Only count what would go; change nothing.")
def purge(dry_run: bool) -> None:
    """Apply the retention rules now (the scheduler also does it nightly)."""
    # start-up cost: a command loads only what it runs
    import datetime as dt

    from hotline.call_records.retention import plan_purge
    from hotline.call_records.retention import purge as run_purge

    runtime = _runtime(_settings())
    now = dt.datetime.now(dt.UTC)
    if dry_run:
        plan = plan_purge(runtime, now)
    else:
        plan = run_purge(runtime, now, actor=f"cli:{getpass.getuser()}")
    verb = "would go" if dry_run else "went"
    click.echo(f"caller keys removed from records: {plan.caller_keys} {verb}")
    click.echo(f"callback vault entries: {plan.vault_entries} {verb}")
    click.echo(f"records rolled up into daily counts: {plan.records} {verb}")
    click.echo(f"finished or numberless callbacks: {plan.callbacks} {verb}")


@main.command()
@click.option("--number", required=True, help="The caller's number, in international format.")
def forget(number: str) -> None:
    """Erase every trace tied to one caller's number (a PIPL or GDPR request)."""
    # start-up cost: a command loads only what it runs
    from hotline.call_records.forget import forget as run_forget
    from hotline.phone_numbers import to_e164

    e164 = to_e164(number)
    if e164 is None or not phonenumbers.is_valid_number(phonenumbers.parse(e164)):
        click.echo(
            "not a valid phone number; give it in international format, e.g. +44 20 7946 0000",
            err=True,
        )
        sys.exit(1)
    report = run_forget(_runtime(_settings()), e164, actor=f"cli:{getpass.getuser()}")
    click.echo(
        f"forgotten: {report.records} record(s) unlinked, {report.vault_entries} vault "
        f"entr{'y' if report.vault_entries == 1 else 'ies'} deleted, "
        f"{report.live_calls} live call(s) unlinked, {report.callbacks} callback(s) cancelled"
    )


from hotline.cli_whatif import simulate  # noqa: E402

main.add_command(simulate)

from hotline.cli_users import user  # noqa: E402

main.add_command(user)


if __name__ == "__main__":
    main()
