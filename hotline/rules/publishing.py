"""Publishing the routing rules and the IVR scripts: validate, diff, publish, roll back.

A proposed text is checked whole (with every problem's file and line) and refused
whole: nothing changes on error. A publication is a new numbered version in the
database with its audit event, then a signal in Redis that every process reads within
~2 s (rules/in_force.py); calls in progress keep the version they entered with.
"""

from __future__ import annotations

import datetime as dt
import difflib
import logging
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

import redis
from sqlalchemy import or_, select
from sqlalchemy.exc import IntegrityError

import hotline.ivr.recordings as recordings
from hotline.ivr.model import Script
from hotline.problems import InvalidFile, Problem, say
from hotline.records.models import AuditEvent
from hotline.routing.rules import Rules
from hotline.rules import versions
from hotline.rules.versions import IVR, RULES, Publication
from hotline.runtime import Runtime

log = logging.getLogger(__name__)


class NothingToPublish(ValueError):
    """The proposed text is the version in force already."""


@dataclass(frozen=True)
class RulesCheck:
    problems: tuple[Problem, ...]
    rules: Rules | None  # None when refused

    @property
    def ok(self) -> bool:
        return not self.problems


@dataclass(frozen=True)
class ScriptsCheck:
    problems: tuple[Problem, ...]
    script: Script | None

    @property
    def ok(self) -> bool:
        return not self.problems


@dataclass(frozen=True)
class AuditRow:
    at: dt.datetime
    actor: str
    action: str
    detail: dict[str, object]


def check_rules(runtime: Runtime, text: str) -> RulesCheck:
    """The proposed rules, or every problem with its line. The scripts in force must still
    fit them (their languages, topics and tiers), so those problems are named too."""
    try:
        rules = versions.parse_rules_text(text)
    except InvalidFile as refused:
        return RulesCheck(tuple(refused.problems), None)
    texts, audio = _in_force_scripts(runtime)
    try:
        versions.parse_scripts(texts, rules, audio=audio)
    except InvalidFile as refused:
        return RulesCheck(tuple(refused.problems), None)
    return RulesCheck((), rules)


def check_scripts(
    runtime: Runtime, texts: Mapping[str, str], audio: Mapping[str, str] | None = None
) -> ScriptsCheck:
    """The proposed script files (name -> text), checked against the rules in force, with
    the recordings `audio` (by default the ones in force)."""
    if audio is None:
        audio = _in_force_scripts(runtime)[1]
    try:
        script = versions.parse_scripts(
            texts, runtime.rules, audio=audio, audio_base=runtime.in_force.audio_base
        )
        return ScriptsCheck((), script)
    except InvalidFile as refused:
        return ScriptsCheck(tuple(refused.problems), None)


def in_force(runtime: Runtime, kind: str) -> Publication:
    """The version in force (seeded from the files first if nothing was published yet)."""
    found = versions.latest(runtime.sessions, kind)
    if found is None:
        runtime.in_force.refresh()
        found = versions.latest(runtime.sessions, kind)
    if found is None:
        raise RuntimeError(f"no {kind} version in force: is the database reachable?")
    return found


def in_force_scripts(runtime: Runtime) -> dict[str, str]:
    return versions.script_texts(in_force(runtime, IVR).text)


def in_force_audio(runtime: Runtime) -> dict[str, str]:
    """The recordings in force: "audio/<language>/<name>" -> sha256."""
    return versions.script_audio(in_force(runtime, IVR).text)


def _in_force_scripts(runtime: Runtime) -> tuple[dict[str, str], dict[str, str]]:
    try:
        text = in_force(runtime, IVR).text
    except RuntimeError:
        folder = runtime.settings.ivr_scripts
        return versions.read_script_files(folder), recordings.scan(folder)
    return versions.script_texts(text), versions.script_audio(text)


def diff_rules(runtime: Runtime, text: str) -> str:
    """A unified diff from the version in force to `text` ("" when they are the same)."""
    current = in_force(runtime, RULES)
    return _diff(
        current.text,
        text,
        f"{versions.RULES_FILE} (version {current.number})",
        f"{versions.RULES_FILE} (proposed)",
    )


def diff_scripts(runtime: Runtime, texts: Mapping[str, str]) -> str:
    current = in_force(runtime, IVR)
    old = versions.script_texts(current.text)
    parts = []
    for name in sorted(set(old) | set(texts)):
        parts.append(
            _diff(
                old.get(name, ""),
                texts.get(name, ""),
                f"{versions.SCRIPTS_DIR}/{name} (version {current.number})",
                f"{versions.SCRIPTS_DIR}/{name} (proposed)",
            )
        )
    return "".join(parts)


def _diff(old: str, new: str, old_name: str, new_name: str) -> str:
    lines = difflib.unified_diff(
        old.splitlines(keepends=True), new.splitlines(keepends=True), old_name, new_name
    )
    return "".join(line if line.endswith("\n") else line + "\n" for line in lines)


def publish_rules(runtime: Runtime, text: str, *, actor: str) -> Publication:
    """Publish `text` as the new version in force; InvalidFile (nothing changed) if invalid."""
    checked = check_rules(runtime, text)
    if checked.rules is None:
        raise InvalidFile(list(checked.problems))
    found = _publish(runtime, RULES, text, actor=actor, action="rules.publish", detail={})
    runtime.book.publish(checked.rules)
    return found


def publish_scripts(
    runtime: Runtime,
    texts: Mapping[str, str],
    *,
    actor: str,
    audio: Mapping[str, str] | None = None,
    action: str = "ivr.publish",
    detail: Mapping[str, object] | None = None,
) -> Publication:
    """Publish script files with the recordings `audio` (by default the ones in force)."""
    if audio is None:
        audio = _in_force_scripts(runtime)[1]
    checked = check_scripts(runtime, texts, audio)
    if checked.script is None:
        raise InvalidFile(list(checked.problems))
    text = versions.scripts_text(texts, audio)
    found = _publish(runtime, IVR, text, actor=actor, action=action, detail=detail or {})
    runtime.scripts.publish(checked.script)
    return found


def rollback(runtime: Runtime, kind: str, number: int, *, actor: str) -> Publication:
    """Publish version `number`'s text again, as a new version (checked as any edit is)."""
    old = versions.get(runtime.sessions, kind, number)
    if old is None:
        raise LookupError(f"there is no {kind} version {number}")
    if kind == RULES:
        checked = check_rules(runtime, old.text)
        if checked.rules is None:
            raise InvalidFile(list(checked.problems))
        found = _publish(
            runtime, kind, old.text, actor=actor, action="rules.rollback", detail={"to": number}
        )
        runtime.book.publish(checked.rules)
        return found
    scripts = check_scripts(
        runtime, versions.script_texts(old.text), versions.script_audio(old.text)
    )
    if scripts.script is None:
        raise InvalidFile(list(scripts.problems))
    found = _publish(
        runtime, kind, old.text, actor=actor, action="ivr.rollback", detail={"to": number}
    )
    runtime.scripts.publish(scripts.script)
    return found


def _publish(
    runtime: Runtime,
    kind: str,
    text: str,
    *,
    actor: str,
    action: str,
    detail: Mapping[str, object],
) -> Publication:
    before = in_force(runtime, kind)
    if before.text == text:
        raise NothingToPublish(say("this is version %(n)d, in force already", n=before.number))
    facts = {"from": before.number, "from_content": before.content, **detail}
    try:
        with runtime.sessions.begin() as session:
            found = versions.add(session, kind, text, actor=actor, action=action, detail=facts)
    except IntegrityError as exc:  # someone published at the same moment
        raise NothingToPublish(
            say("another version was published meanwhile; reload and retry")
        ) from exc
    runtime.in_force.numbers[kind] = found.number
    try:
        runtime.in_force.signal.announce({kind: found.number})
    except (redis.RedisError, OSError):  # the others find it in the database on their next look
        log.warning("published, but the signal to other processes failed", extra={"kind": kind})
    log.info(
        "published",
        extra={"kind": kind, "number": found.number, "version": found.content, "actor": actor},
    )
    return found


def history(runtime: Runtime, kind: str, limit: int = 50) -> list[Publication]:
    in_force(runtime, kind)  # seeds version 1 if nothing is published yet
    return versions.history(runtime.sessions, kind, limit)


def audit_log(runtime: Runtime, limit: int = 100) -> list[AuditRow]:
    """Who published, seeded or rolled back what, newest first."""
    with runtime.sessions() as session:
        rows = session.scalars(
            select(AuditEvent)
            .where(or_(AuditEvent.action.like("rules.%"), AuditEvent.action.like("ivr.%")))
            .order_by(AuditEvent.id.desc())
            .limit(limit)
        ).all()
        return [AuditRow(r.at, r.actor, r.action, dict(r.detail or {})) for r in rows]


def export_in_force(runtime: Runtime, kind: str, destination: Path) -> list[Path]:
    """Write the version in force back to files: the rules file, or each script file into
    the `destination` folder. Returns what was written."""
    current = in_force(runtime, kind)
    if kind == RULES:
        destination.write_text(current.text, encoding="utf-8")
        return [destination]
    destination.mkdir(parents=True, exist_ok=True)
    written = []
    for name, body in versions.script_texts(current.text).items():
        (destination / name).write_text(body, encoding="utf-8")
        written.append(destination / name)
    return written
