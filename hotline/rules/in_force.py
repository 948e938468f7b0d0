"""Keeping a process on the published rules and scripts: one Redis read every ~2 s.

The rules capability's side of the Runtime's books: when a supervisor publishes, every
process loads the new version within REFRESH_EVERY; a call keeps the version it began with.
"""

from __future__ import annotations

import contextlib
import logging
import threading
import time
from collections.abc import Callable

import redis
from sqlalchemy.exc import IntegrityError, SQLAlchemyError
from sqlalchemy.orm import Session, sessionmaker

from hotline.ivr.script import Script
from hotline.live.calls import mark_live_since
from hotline.platform.redis_watch import RedisWatch
from hotline.problems import InvalidFile
from hotline.routing.rules import Rules
from hotline.rules import versions
from hotline.rules.published import PublishedSignal
from hotline.runtime import RuleBook, ScriptBook

log = logging.getLogger(__name__)

REFRESH_EVERY = 2.0  # seconds between two looks at the version in force
RETRY_AFTER_FAILURE = 10.0  # Redis and the database both unreachable: look again later


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
        client: redis.Redis[bytes],
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
