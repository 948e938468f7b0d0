"""Published versions of the rules and the IVR scripts, as stored and as parsed.

A publication is numbered per kind (1, 2, 3, ...); the highest number is in force. Its
text is the file's text (rules) or every script file's text by name, as JSON (ivr), with
the recordings' hashes beside them ("audio/wuu/welcome.mp3" -> sha256). The
content version (the hash a call carries as rules_version / script_version) comes from
the text, so the same text published twice is the same content under a new number.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import re
import tempfile
from collections.abc import Mapping
from dataclasses import dataclass, replace
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

import hotline.ivr.recordings as recordings
from hotline.ivr.model import Script
from hotline.ivr.script import load_scripts
from hotline.ivr.sources import Sources
from hotline.problems import InvalidFile, Problem, say
from hotline.records.models import AuditEvent, RuleVersion
from hotline.routing.rules import Rules, parse_rules

RULES = "rules"
IVR = "ivr"
KINDS = (RULES, IVR)
RULES_FILE = "routing_rules.yaml"
SCRIPTS_DIR = "ivr_scripts"
SCRIPT_NAME = re.compile(r"^[a-z0-9_]{1,40}\.yaml$")


@dataclass(frozen=True)
class Publication:
    kind: str
    number: int
    text: str
    published_by: str
    published_at: dt.datetime | None

    @property
    def content(self) -> str:
        """The content version: what calls record as rules_version / script_version."""
        return content_version(self.kind, self.text)


def content_version(kind: str, text: str) -> str:
    if kind == RULES:
        return hashlib.sha256(text.encode("utf-8")).hexdigest()[:12]
    return Sources(Path("."), texts=script_texts(text), audio=script_audio(text)).version


def _entries(text: str) -> dict[str, str]:
    data = json.loads(text)
    if not isinstance(data, dict) or not all(
        isinstance(k, str) and isinstance(v, str) for k, v in data.items()
    ):
        raise ValueError("an ivr publication is a JSON object of file name -> text")
    return dict(data)


def script_texts(text: str) -> dict[str, str]:
    """The script file name -> text mapping stored for an ivr publication."""
    return {k: v for k, v in _entries(text).items() if not k.startswith("audio/")}


def script_audio(text: str) -> dict[str, str]:
    """The recordings of an ivr publication: "audio/<language>/<name>" -> sha256."""
    return {k: v for k, v in _entries(text).items() if k.startswith("audio/")}


def scripts_text(texts: Mapping[str, str], audio: Mapping[str, str] | None = None) -> str:
    entries = {**texts, **(audio or {})}
    return json.dumps(dict(sorted(entries.items())), ensure_ascii=False, indent=1)


def read_script_files(directory: str | os.PathLike[str]) -> dict[str, str]:
    """Every *.yaml in the scripts folder, by name (what `load_scripts` reads)."""
    folder = Path(directory)
    return {
        p.name: p.read_text(encoding="utf-8")
        for p in sorted(folder.iterdir())
        if p.suffix == ".yaml"
    }


def parse_rules_text(text: str) -> Rules:
    """The rules of `text`, or InvalidFile naming each problem's line in routing_rules.yaml."""
    return parse_rules(text, RULES_FILE)


def parse_scripts(
    texts: Mapping[str, str],
    rules: Rules | None,
    *,
    audio: Mapping[str, str] | None = None,
    audio_base: str = "",
) -> Script:
    """The script set of `texts` (file name -> text) with the recordings `audio`, checked
    against `rules` when given; its prompts play recordings from `audio_base`.

    The linter reads a folder, so the texts are written to a private temporary one; each
    problem then names `ivr_scripts/<file>` and its line.
    """
    bad = [name for name in texts if not SCRIPT_NAME.match(name)]
    bad += [
        name
        for name, sha256 in (audio or {}).items()
        if recordings.split_key(name) is None or not recordings.DIGEST.match(sha256)
    ]
    if bad:
        raise InvalidFile(
            [
                Problem(f"{SCRIPTS_DIR}/{name}", 1, say("a script file is named like en.yaml"))
                for name in bad
            ]
        )
    with tempfile.TemporaryDirectory(prefix="hotline-ivr-") as folder:
        for name, body in texts.items():
            Path(folder, name).write_text(body, encoding="utf-8")
        try:
            return load_scripts(
                folder,
                languages=rules.languages.keys() if rules else None,
                topics=rules.specialties.keys() if rules else None,
                tiers=rules.tiers.keys() if rules else None,
                audio=audio or {},
                audio_base=audio_base,
            )
        except InvalidFile as refused:
            raise InvalidFile([_relabel(p, folder) for p in refused.problems]) from None


def _relabel(problem: Problem, folder: str) -> Problem:
    name = problem.file.removeprefix(folder).lstrip("/\\") or "."
    return replace(problem, file=f"{SCRIPTS_DIR}/{name}")


def _row(row: RuleVersion) -> Publication:
    return Publication(row.kind, int(row.version), row.text, row.published_by, row.published_at)


def latest(sessions: sessionmaker[Session], kind: str) -> Publication | None:
    with sessions() as session:
        row = session.scalars(
            select(RuleVersion).where(RuleVersion.kind == kind).order_by(RuleVersion.id.desc())
        ).first()
        return _row(row) if row else None


def latest_number(sessions: sessionmaker[Session], kind: str) -> int | None:
    """The number in force, without loading its text (the cheap check)."""
    with sessions() as session:
        found = session.scalars(
            select(RuleVersion.version)
            .where(RuleVersion.kind == kind)
            .order_by(RuleVersion.id.desc())
            .limit(1)
        ).first()
    return int(found) if found is not None else None


def get(sessions: sessionmaker[Session], kind: str, number: int) -> Publication | None:
    with sessions() as session:
        row = session.scalars(
            select(RuleVersion).where(RuleVersion.kind == kind, RuleVersion.version == str(number))
        ).first()
        return _row(row) if row else None


def history(sessions: sessionmaker[Session], kind: str, limit: int = 50) -> list[Publication]:
    """Newest first."""
    with sessions() as session:
        rows = session.scalars(
            select(RuleVersion)
            .where(RuleVersion.kind == kind)
            .order_by(RuleVersion.id.desc())
            .limit(limit)
        ).all()
        return [_row(r) for r in rows]


def by_content(sessions: sessionmaker[Session], kind: str, content: str) -> Publication | None:
    """The newest publication whose text has this content version (a call's version)."""
    for found in history(sessions, kind, limit=1000):
        if found.content == content:
            return found
    return None


def add(
    session: Session,
    kind: str,
    text: str,
    *,
    actor: str,
    action: str,
    detail: Mapping[str, object],
) -> Publication:
    """A new publication numbered after the last, with its audit event, in `session`'s
    transaction; two publishers racing for one number: the second fails on the unique key."""
    last = session.scalars(
        select(RuleVersion.version)
        .where(RuleVersion.kind == kind)
        .order_by(RuleVersion.id.desc())
        .limit(1)
    ).first()
    number = int(last) + 1 if last is not None else 1
    now = dt.datetime.now(dt.UTC)
    session.add(
        RuleVersion(kind=kind, version=str(number), text=text, published_by=actor, published_at=now)
    )
    session.add(
        AuditEvent(
            actor=actor,
            action=action,
            detail={
                "kind": kind,
                "number": number,
                "content": content_version(kind, text),
                **detail,
            },
        )
    )
    session.flush()
    return Publication(kind, number, text, actor, now)
