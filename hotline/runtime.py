"""What every process holds: settings, the rules in force, and its clients (made lazily).

Built once per process by an entrypoint and passed down; creating it opens no
connection, so a process starts and answers the fallback URL with Redis and the
database both down.
"""

from __future__ import annotations

from dataclasses import dataclass

import redis
from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from hotline.config import Settings
from hotline.ivr.script import Script, load_scripts
from hotline.live.connection import connect
from hotline.records.db import make_engine, make_sessionmaker
from hotline.routing.rules import Rules, load_rules
from hotline.telephony.client import Telephony, TwilioTelephony


@dataclass
class Runtime:
    settings: Settings
    rules: Rules
    engine: Engine
    sessions: sessionmaker[Session]
    redis: redis.Redis
    scripts: ScriptBook
    telephony: Telephony

    @property
    def backup_number(self) -> str:
        return self.rules.overflow_number(None)


def build_runtime(settings: Settings, *, rules: Rules | None = None) -> Runtime:
    """Load the rules and scripts (refusing invalid files, with their lines); make clients."""
    rules = rules or load_rules(settings.routing_rules)
    scripts = ScriptBook(
        load_scripts(
            settings.ivr_scripts,
            languages=rules.languages.keys(),
            topics=rules.specialties.keys(),
            tiers=rules.tiers.keys(),
        )
    )
    engine = make_engine(settings.database_url)
    return Runtime(
        settings=settings,
        rules=rules,
        engine=engine,
        sessions=make_sessionmaker(engine),
        redis=connect(settings),
        scripts=scripts,
        telephony=TwilioTelephony(settings),
    )


class ScriptBook:
    """The scripts this process knows, by version; a call keeps the version it began with."""

    def __init__(self, current: Script) -> None:
        self.current = current
        self._by_version = {current.version: current}

    def get(self, version: str) -> Script:
        return self._by_version.get(version, self.current)

    def publish(self, script: Script) -> None:
        self._by_version[script.version] = script
        self.current = script
