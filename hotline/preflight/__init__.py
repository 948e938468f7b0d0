"""Checks of the environment before anything starts: each finding names the variable and
the reason, so an operator fixes the setting instead of reading a traceback at 3 a.m.

`hotline check --env` runs them all and starts nothing; `run`, `web`, `worker` and
`scheduler` run them first and refuse to start (exit status 2) on any refusal.
"""

from __future__ import annotations

from hotline.config import Settings
from hotline.preflight.files import check_files
from hotline.preflight.finding import Finding
from hotline.preflight.reach import check_database, check_redis
from hotline.preflight.values import check_values

__all__ = ["Finding", "check_environment"]


def check_environment(settings: Settings, *, upgrade_local: bool = False) -> list[Finding]:
    """Every finding, refusals and warnings; values first, then files, then the servers.

    The secret and address rules hold in production; local mode (a trial run on embedded
    defaults) is held only to what would otherwise fail later: the files and the database.
    `upgrade_local` lets a local database be brought to the latest migration instead."""
    found = check_values(settings) if not settings.local else []
    found += check_files(settings)
    found += check_database(settings, upgrade_local=upgrade_local)
    found += check_redis(settings)
    return found
