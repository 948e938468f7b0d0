"""Recorded prompts kept beside the scripts: ivr_scripts/audio/<language>/<name>.

A script set knows its recordings as a manifest, "audio/<language>/<name>" -> the sha256
of the file, which is part of the script version: replacing a recording is a new version,
and its URL (which carries the hash) is new too, so a cached copy is never played again.
"""

from __future__ import annotations

import hashlib
import os
import re
from collections.abc import Mapping
from pathlib import Path

AUDIO_DIR = "audio"
# A recording's file name: lowercase letters, digits, _ and -, then .mp3 or .wav.
NAME = re.compile(r"^[a-z0-9][a-z0-9_-]{0,59}\.(mp3|wav)$")
KEY = re.compile(r"^audio/([a-z]{2,3})/([a-z0-9][a-z0-9_-]{0,59}\.(mp3|wav))$")
DIGEST = re.compile(r"^[0-9a-f]{64}$")
URL_HASH = 16  # hex digits of the content hash in a recording's URL
MEDIA_TYPES = {"mp3": "audio/mpeg", "wav": "audio/wav"}

Manifest = Mapping[str, str]  # "audio/<language>/<name>" -> sha256 hex


def key(language: str, name: str) -> str:
    return f"{AUDIO_DIR}/{language}/{name}"


def split_key(manifest_key: str) -> tuple[str, str] | None:
    """(language, name) of a manifest key; None if it is not one."""
    found = KEY.match(manifest_key)
    return (found.group(1), found.group(2)) if found else None


def digest(content: bytes) -> str:
    return hashlib.sha256(content).hexdigest()


def url_path(language: str, name: str, sha256: str) -> str:
    """The path a recording is served at: its name with the content hash before the suffix."""
    stem, _, suffix = name.rpartition(".")
    return f"{language}/{stem}.{sha256[:URL_HASH]}.{suffix}"


def parse_url_path(language: str, file: str) -> tuple[str, str] | None:
    """(name, hash prefix) of a served file name like welcome.0123456789abcdef.mp3."""
    found = re.fullmatch(r"([a-z0-9][a-z0-9_-]{0,59})\.([0-9a-f]{16})\.(mp3|wav)", file)
    if found is None or not re.fullmatch(r"[a-z]{2,3}", language):
        return None
    return f"{found.group(1)}.{found.group(3)}", found.group(2)


def scan(directory: str | os.PathLike[str]) -> dict[str, str]:
    """The manifest of the recordings under `directory`/audio/ (files with other names are
    left out: `hotline check` names them)."""
    root = Path(directory) / AUDIO_DIR
    manifest: dict[str, str] = {}
    if not root.is_dir():
        return manifest
    for language in sorted(p for p in root.iterdir() if p.is_dir()):
        for file in sorted(p for p in language.iterdir() if p.is_file()):
            if NAME.match(file.name) and re.fullmatch(r"[a-z]{2,3}", language.name):
                manifest[key(language.name, file.name)] = digest(file.read_bytes())
    return manifest


def strays(directory: str | os.PathLike[str]) -> list[str]:
    """Files under audio/ that are not recordings the scripts can name."""
    root = Path(directory) / AUDIO_DIR
    if not root.is_dir():
        return []
    found = []
    for path in sorted(root.rglob("*")):
        if path.is_file() and split_key(path.relative_to(root.parent).as_posix()) is None:
            found.append(path.relative_to(root.parent).as_posix())
    return found
