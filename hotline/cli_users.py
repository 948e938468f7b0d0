"""`hotline user`: accounts for the console and the dashboard."""

from __future__ import annotations

import getpass
import sys
from typing import TYPE_CHECKING

import click

from hotline import logs
from hotline.accounts.service import LOCALES, ROLES, UserError, create_user
from hotline.config import ConfigError, Settings
from hotline.problems import InvalidFile

if TYPE_CHECKING:
    from hotline.runtime import Runtime


def _runtime() -> Runtime:
    """As `hotline.cli` builds it (not imported from there: `python -m hotline.cli` runs
    that module as __main__, and importing it back would run it twice)."""
    from hotline.bootstrap import build_runtime

    logs.configure()
    try:
        settings = Settings.from_env()
        logs.configure(settings.log_level)
        return build_runtime(settings)
    except ConfigError as exc:
        raise click.ClickException(str(exc)) from exc
    except InvalidFile as exc:
        raise click.ClickException(f"refused to start; fix these first:\n{exc}") from exc


@click.group()
def user() -> None:
    """Accounts that sign in to the console and the dashboard."""


@user.command("add")
@click.argument("name")
@click.option("--role", type=click.Choice(ROLES), required=True)
@click.option("--counselor", default=None, help="Their name on the roster (counselors).")
@click.option("--locale", type=click.Choice(LOCALES), default="en", show_default=True)
@click.option(
    "--password-stdin", is_flag=True, help="Read the password from standard input's first line."
)
def add(name: str, role: str, counselor: str | None, locale: str, password_stdin: bool) -> None:
    """Add an account; without --password-stdin a password is made up and printed once."""
    password = None
    if password_stdin:
        password = sys.stdin.readline().rstrip("\r\n")
    runtime = _runtime()
    try:
        account, made = create_user(
            runtime,
            name=name,
            role=role,
            counselor=counselor,
            locale=locale,
            password=password,
            actor=f"cli:{getpass.getuser()}",
        )
    except UserError as exc:
        click.echo(str(exc), err=True)
        sys.exit(1)
    click.echo(f"user {account.name} added as {account.role}")
    if password is None:
        click.echo(f"password (shown once; they can change it after signing in): {made}")
