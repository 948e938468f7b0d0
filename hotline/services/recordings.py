"""Recorded prompts: found for serving by language, name and content hash."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import hotline.ivr.recordings as names
from hotline.runtime import Runtime


@dataclass(frozen=True)
class Recording:
    language: str
    name: str
    sha256: str
    content: bytes


def fetch(runtime: Runtime, language: str, name: str, prefix: str) -> Recording | None:
    """The recording whose content hash starts with `prefix`; None if there is none.

    Looks in the scripts folder (ivr_scripts/audio/<language>/<name>).
    """
    path = Path(runtime.settings.ivr_scripts) / names.AUDIO_DIR / language / name
    try:
        content = path.read_bytes()
    except OSError:
        return None
    sha256 = names.digest(content)
    if not sha256.startswith(prefix):
        return None
    return Recording(language, name, sha256, content)
