"""What every process holds: settings, the rules and scripts in force, its stores and ports.

Built once per process by the composition root (bootstrap.py) and passed down; creating
it opens no connection, so a process starts and answers the fallback URL with Redis and
the database both down. The rules and scripts come from the files at first; from the
first look at them on, the versions published in the database are in force (InForce, in
rules/in_force.py).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Generic, Protocol, TypeVar
from urllib.parse import urlencode

import redis
from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from hotline.config import Settings
from hotline.ivr.script import Script
from hotline.live.calls import CallStore
from hotline.live.offers import Offers
from hotline.live.phones import Phones
from hotline.live.presence import Presence
from hotline.live.queue import LiveQueue
from hotline.live.wrapup import WrapUps
from hotline.platform.jobqueue import JobQueue
from hotline.platform.redis_watch import RedisWatch
from hotline.routing.rules import Rules
from hotline.telephony.client import Telephony

if TYPE_CHECKING:  # annotation only: the runtime holds it, the rules capability makes it
    from hotline.rules.in_force import InForce


class _Versioned(Protocol):
    @property
    def version(self) -> str: ...


V = TypeVar("V", bound=_Versioned)


class Book(Generic[V]):
    """Every version of one kind this process has seen; `current` is the one in force.

    A call keeps the version it began with: `get(version)` finds it here, or asks
    `lookup` (the database) once, or falls back to the one in force.
    """

    def __init__(self, current: V) -> None:
        self._current = current
        self._by_version: dict[str, V] = {current.version: current}
        self._missing: set[str] = set()
        self.refresh: Callable[[], None] = _nothing
        self.lookup: Callable[[str], V | None] = _none

    @property
    def current(self) -> V:
        self.refresh()
        return self._current

    def get(self, version: str) -> V:
        found = self._by_version.get(version)
        if found is not None:
            return found
        if version and version not in self._missing:
            found = self.lookup(version)
            if found is not None:
                self._by_version[version] = found
                return found
            self._missing.add(version)
        return self.current

    def publish(self, item: V) -> None:
        self._by_version[item.version] = item
        self._missing.discard(item.version)
        self._current = item

    def known(self) -> list[str]:
        return list(self._by_version)

    def find(self, version: str) -> V | None:
        """A version seen already, without asking anyone."""
        return self._by_version.get(version)

    def loaded(self) -> V:
        """The one in force, without looking for a newer one."""
        return self._current


class RuleBook(Book[Rules]):
    """The routing rules this process knows, by version."""


class ScriptBook(Book[Script]):
    """The scripts this process knows, by version; a call keeps the version it began with."""


def _nothing() -> None:
    return None


def _none(version: str) -> None:
    del version
    return None


@dataclass
class Runtime:
    settings: Settings
    engine: Engine
    sessions: sessionmaker[Session]
    redis: redis.Redis[bytes]
    book: RuleBook
    scripts: ScriptBook
    telephony: Telephony
    in_force: InForce
    jobs: JobQueue
    # The live state's stores, built once on `redis` (each is a thin adapter, no I/O).
    calls: CallStore
    queue: LiveQueue
    presence: Presence
    offers: Offers
    wrap_ups: WrapUps
    phones: Phones
    redis_watch: RedisWatch = field(default_factory=RedisWatch)
    # Figures a service looks up now and then and keeps a while: name -> (value, until).
    memo: dict[str, tuple[float, float]] = field(default_factory=dict)

    @property
    def rules(self) -> Rules:
        """The rules in force now (checked against the published version every ~2 s)."""
        return self.book.current

    def rules_for(self, version: str) -> Rules:
        """The rules a call entered with (its rules_version); the ones in force if unknown."""
        return self.book.get(version)

    def public(self, path: str, **query: str) -> str:
        """An absolute URL on this service, for Twilio to fetch."""
        url = self.settings.public_url.rstrip("/") + path
        return f"{url}?{urlencode(query)}" if query else url

    @property
    def backup_number(self) -> str:
        return self.rules.overflow_number(None)
