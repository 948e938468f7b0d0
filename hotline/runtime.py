"""What every process holds: settings, the rules and scripts in force, and its clients.

Built once per process by an entrypoint and passed down; creating it opens no
connection, so a process starts and answers the fallback URL with Redis and the
database both down. The rules and scripts come from the files at first; from the first
look at them on, the versions published in the database are in force (see InForce).
"""

from __future__ import annotations

import contextlib
import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Generic, Protocol, TypeVar

import redis
from sqlalchemy import Engine
from sqlalchemy.exc import IntegrityError, SQLAlchemyError
from sqlalchemy.orm import Session, sessionmaker

from hotline.config import Settings
from hotline.ivr.recordings import scan
from hotline.ivr.script import Script, load_scripts
from hotline.live.calls import mark_live_since
from hotline.live.connection import connect
from hotline.live.health import RedisWatch
from hotline.live.published import PublishedSignal
from hotline.platform.jobqueue import JobQueue, RQJobQueue
from hotline.problems import InvalidFile
from hotline.records.db import make_engine, make_sessionmaker
from hotline.routing.rules import Rules, parse_rules
from hotline.services import versions
from hotline.telephony.client import Telephony, TwilioTelephony

log = logging.getLogger(__name__)

REFRESH_EVERY = 2.0  # seconds between two looks at the version in force
RETRY_AFTER_FAILURE = 10.0  # Redis and the database both unreachable: look again later


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
    redis: redis.Redis
    book: RuleBook
    scripts: ScriptBook
    telephony: Telephony
    in_force: InForce
    jobs: JobQueue
    redis_watch: RedisWatch = field(default_factory=RedisWatch)

    @property
    def rules(self) -> Rules:
        """The rules in force now (checked against the published version every ~2 s)."""
        return self.book.current

    def rules_for(self, version: str) -> Rules:
        """The rules a call entered with (its rules_version); the ones in force if unknown."""
        return self.book.get(version)

    @property
    def backup_number(self) -> str:
        return self.rules.overflow_number(None)


def build_runtime(
    settings: Settings,
    *,
    rules: Rules | None = None,
    script: Script | None = None,
    engine: Engine | None = None,
    redis_client: redis.Redis | None = None,
    telephony: Telephony | None = None,
    jobs: JobQueue | None = None,
) -> Runtime:
    """Load the rules and scripts (refusing invalid files, with their lines); make clients.

    The keyword overrides are what a caller brings instead of the settings' own: the
    unit tests bring the rules and scripts parsed once, an in-memory database and Redis,
    the telephony fake and an inline job queue.
    """
    with open(settings.routing_rules, encoding="utf-8") as handle:
        rules_text = handle.read()
    rules = rules or parse_rules(rules_text, str(settings.routing_rules))
    audio_base = audio_url(settings)
    if script is None:
        script = load_scripts(
            settings.ivr_scripts,
            languages=rules.languages.keys(),
            topics=rules.specialties.keys(),
            tiers=rules.tiers.keys(),
            audio_base=audio_base,
        )
    engine = engine if engine is not None else make_engine(settings.database_url)
    sessions = make_sessionmaker(engine)
    client = redis_client if redis_client is not None else connect(settings)
    book, scripts = RuleBook(rules), ScriptBook(script)
    watch = RedisWatch()
    in_force = InForce(
        sessions=sessions,
        watch=watch,
        client=client,
        book=book,
        scripts=scripts,
        files={
            versions.RULES: rules_text,
            versions.IVR: versions.scripts_text(
                versions.read_script_files(settings.ivr_scripts), scan(settings.ivr_scripts)
            ),
        },
        audio_base=audio_base,
    )
    return Runtime(
        settings=settings,
        engine=engine,
        sessions=sessions,
        redis=client,
        book=book,
        scripts=scripts,
        telephony=telephony if telephony is not None else TwilioTelephony(settings),
        in_force=in_force,
        jobs=jobs if jobs is not None else RQJobQueue(client),
        redis_watch=watch,
    )


def audio_url(settings: Settings) -> str:
    """Where recorded prompts are served: PUBLIC_URL/audio/ (web/audio.py)."""
    return f"{settings.public_url}/audio/"


class InForce:
    """Keeps this process on the published versions: one Redis read every ~2 s, the
    database only when a number moved. With Redis or the database down, what is loaded
    stays in force. The first look seeds version 1 from the files when nothing is
    published yet, and warns (naming both versions) when the files differ from it.
    """

    def __init__(
        self,
        *,
        sessions: sessionmaker[Session],
        client: redis.Redis,
        book: RuleBook,
        scripts: ScriptBook,
        files: dict[str, str],
        watch: RedisWatch | None = None,
        clock: Callable[[], float] = time.monotonic,
        audio_base: str = "",
    ) -> None:
        self.sessions = sessions
        self.watch = watch or RedisWatch()
        self.signal = PublishedSignal(client)
        self.book, self.scripts = book, scripts
        self.files = files
        self.clock = clock
        self.audio_base = audio_base
        self.numbers: dict[str, int] = {}  # publication number loaded, per kind
        self._first = True
        self._next_at = 0.0
        self._failing = False
        self._lock = threading.Lock()
        book.refresh = scripts.refresh = self.due
        book.lookup = self._lookup_rules
        scripts.lookup = self._lookup_scripts

    def due(self) -> None:
        """Refresh if the interval has passed; never blocks behind another thread's refresh."""
        if self.clock() < self._next_at or not self._lock.acquire(blocking=False):
            return
        try:
            ok = self.refresh()
            self._next_at = self.clock() + (REFRESH_EVERY if ok else RETRY_AFTER_FAILURE)
        finally:
            self._lock.release()

    def refresh(self) -> bool:
        """Look now; False when the version in force could not be checked."""
        try:
            signal: dict[str, int] | None = self.signal.read()
            mark_live_since(self.signal.redis)
        except (redis.RedisError, OSError):
            signal = None
            self.watch.failed()
        else:
            self.watch.answered()
        if not self._first and signal == self.numbers:
            return True
        try:
            self._from_database()
        except (SQLAlchemyError, OSError) as exc:
            if not self._failing:
                log.warning(
                    "cannot check the published rules; keeping these", extra={"error": str(exc)}
                )
            self._failing = True
            return False
        self._failing = False
        if signal is not None and signal != self.numbers:
            with contextlib.suppress(redis.RedisError, OSError):
                self.signal.announce(self.numbers)
        return True

    def _from_database(self) -> None:
        if self._first:
            for kind in versions.KINDS:
                self._seed_or_compare(kind)
            self._first = False
        for kind in versions.KINDS:
            number = versions.latest_number(self.sessions, kind)
            if number is None or number == self.numbers.get(kind):
                continue
            found = versions.get(self.sessions, kind, number)
            if found is not None:
                self._load(found)

    def _seed_or_compare(self, kind: str) -> None:
        on_disk = self.files[kind]
        in_force = versions.latest(self.sessions, kind)
        if in_force is None:
            try:
                with self.sessions.begin() as session:
                    versions.add(
                        session, kind, on_disk, actor="files", action=f"{kind}.seed", detail={}
                    )
                log.info("files seeded version 1", extra={"kind": kind})
            except IntegrityError:  # another process seeded it first
                pass
            return
        if in_force.text != on_disk:
            log.warning(
                "files on disk differ from the published version in force; it stays in force",
                extra={
                    "kind": kind,
                    "file_version": versions.content_version(kind, on_disk),
                    "in_force_number": in_force.number,
                    "in_force_version": in_force.content,
                },
            )

    def _load(self, found: versions.Publication) -> None:
        content = found.content
        try:
            if found.kind == versions.RULES:
                known = self.book.find(content)
                self.book.publish(known or versions.parse_rules_text(found.text))
            else:
                seen = self.scripts.find(content)
                self.scripts.publish(seen or self._parse_scripts(found.text, self.book.loaded()))
        except (InvalidFile, ValueError) as exc:
            log.error(
                "a published version does not load; keeping the one before",
                extra={"kind": found.kind, "number": found.number, "error": str(exc)},
            )
        self.numbers[found.kind] = found.number
        if found.kind == versions.RULES:
            log.info("rules in force", extra={"number": found.number, "version": content})
        else:
            log.info("scripts in force", extra={"number": found.number, "version": content})

    def _lookup_rules(self, version: str) -> Rules | None:
        found = self._lookup(versions.RULES, version)
        try:
            return versions.parse_rules_text(found.text) if found else None
        except InvalidFile:
            return None

    def _lookup_scripts(self, version: str) -> Script | None:
        found = self._lookup(versions.IVR, version)
        try:
            return self._parse_scripts(found.text, None) if found else None
        except (InvalidFile, ValueError):
            return None

    def _parse_scripts(self, text: str, rules: Rules | None) -> Script:
        return versions.parse_scripts(
            versions.script_texts(text),
            rules,
            audio=versions.script_audio(text),
            audio_base=self.audio_base,
        )

    def _lookup(self, kind: str, version: str) -> versions.Publication | None:
        """A version this process never loaded (a call from before a restart): from the database."""
        try:
            return versions.by_content(self.sessions, kind, version)
        except (SQLAlchemyError, OSError):
            return None
