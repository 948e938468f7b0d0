"""Recorded prompts: uploaded by a supervisor (checked, stored by content, published as a
new scripts version with its audit event) and found again for serving."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.exc import SQLAlchemyError

import hotline.ivr.recordings as names
from hotline.ivr.audio_format import NotAudio, seconds
from hotline.records.models import Recording as RecordingRow
from hotline.rules import publishing
from hotline.rules.versions import Publication
from hotline.runtime import Runtime


@dataclass(frozen=True)
class Recording:
    language: str
    name: str
    sha256: str
    content: bytes


class Refused(ValueError):
    """The upload was refused; nothing changed. The message says why."""


def upload(
    runtime: Runtime, language: str, name: str, content: bytes, *, actor: str
) -> Publication:
    """Check the file (type, size, length), keep its bytes, and publish the scripts in
    force with it as `ivr_scripts/audio/<language>/<name>` (new or replacing the old one).
    Raises Refused, publishing.NothingToPublish or InvalidFile; nothing changes then."""
    if language not in runtime.rules.languages:
        raise Refused(f"{language!r} is not a language of the routing rules")
    if not names.NAME.match(name):
        raise Refused("name it in lowercase letters, digits, _ or -, ending .mp3 or .wav")
    try:
        length = seconds(name, content)
    except NotAudio as exc:
        raise Refused(str(exc)) from None
    sha256 = names.digest(content)
    key = names.key(language, name)
    audio = {**publishing.in_force_audio(runtime), key: sha256}
    texts = publishing.in_force_scripts(runtime)
    with runtime.sessions.begin() as session:
        if session.get(RecordingRow, sha256) is None:
            session.add(
                RecordingRow(
                    sha256=sha256,
                    language=language,
                    name=name,
                    seconds=length,
                    content=content,
                    uploaded_by=actor,
                )
            )
    detail = {"recording": key, "sha256": sha256, "seconds": round(length, 1)}
    return publishing.publish_scripts(
        runtime, texts, actor=actor, audio=audio, action="ivr.recording", detail=detail
    )


def fetch(runtime: Runtime, language: str, name: str, prefix: str) -> Recording | None:
    """The recording whose content hash starts with `prefix`; None if there is none.

    Uploaded ones are in the database; the ones shipped as files are read from the scripts
    folder (ivr_scripts/audio/<language>/<name>), also while the database is down.
    """
    try:
        with runtime.sessions() as session:
            row = session.scalars(
                select(RecordingRow).where(
                    RecordingRow.sha256.startswith(prefix),
                    RecordingRow.language == language,
                    RecordingRow.name == name,
                )
            ).first()
            if row is not None:
                return Recording(language, name, row.sha256, row.content)
    except SQLAlchemyError:
        pass
    path = Path(runtime.settings.ivr_scripts) / names.AUDIO_DIR / language / name
    try:
        content = path.read_bytes()
    except OSError:
        return None
    sha256 = names.digest(content)
    if not sha256.startswith(prefix):
        return None
    return Recording(language, name, sha256, content)
