"""The files of a script directory, read and parsed, before any cross-file check."""

from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass, field
from pathlib import Path

import hotline.ivr.recordings as recordings
from hotline.ivr.fallback import merge_fallbacks
from hotline.ivr.model import Language, Script
from hotline.ivr.read_flow import read_flow
from hotline.ivr.read_language import Recorded, Voices, read_language, read_voice
from hotline.problems import InvalidFile, Problem, say
from hotline.yamlsource import Located, load_located

FLOW_FILE = "flow.yaml"


@dataclass
class Sources:
    """What was read; `flow` is None when flow.yaml cannot be built at all."""

    directory: Path
    texts: dict[str, str] = field(default_factory=dict)  # file name -> text
    audio: dict[str, str] = field(default_factory=dict)  # recordings.Manifest
    audio_base: str = ""  # PUBLIC_URL/audio/: where recordings are served
    flow: Script | None = None
    flow_file: Located | None = None
    packs: dict[str, Language] = field(default_factory=dict)  # by language code
    pack_files: dict[str, Located] = field(default_factory=dict)  # by language code
    problems: list[Problem] = field(default_factory=list)

    def path(self, name: str) -> str:
        return str(self.directory / name)

    @property
    def version(self) -> str:
        """First 12 hex of sha256 over every file's name and text (a recording's: its
        sha256), sorted by name."""
        digest = hashlib.sha256()
        entries = {**self.texts, **self.audio}
        for name in sorted(entries):
            digest.update(name.encode() + b"\0" + entries[name].encode() + b"\0")
        return digest.hexdigest()[:12]


def read_sources(
    directory: str | os.PathLike[str],
    *,
    audio: recordings.Manifest | None = None,
    audio_base: str = "",
) -> Sources:
    """Read flow.yaml and every other *.yaml (one per language); never raises on bad content.

    The recordings are `audio` when given (a published version's), else the files under
    `directory`/audio/.
    """
    sources = Sources(Path(directory), audio_base=audio_base)
    sources.audio = dict(audio) if audio is not None else recordings.scan(directory)
    try:
        names = sorted(os.listdir(sources.directory))
    except OSError as exc:
        message = say("cannot read: %(error)s", error=str(exc))
        sources.problems.append(Problem(str(sources.directory), 1, message))
        return sources
    for name in names:
        if name.endswith(".yml"):
            sources.problems.append(
                Problem(sources.path(name), 1, say("rename to .yaml to use it"))
            )
        if not name.endswith(".yaml"):
            continue
        try:
            sources.texts[name] = (sources.directory / name).read_text(encoding="utf-8")
        except (OSError, UnicodeError) as exc:
            message = say("cannot read: %(error)s", error=str(exc))
            sources.problems.append(Problem(sources.path(name), 1, message))
    if FLOW_FILE not in sources.texts:
        sources.problems.append(Problem(sources.path(FLOW_FILE), 1, say("flow.yaml is missing")))
    located = {name: _locate(sources, name) for name in sources.texts}
    flow_file = located.pop(FLOW_FILE, None)
    if flow_file is not None:
        sources.flow_file = flow_file
        sources.flow, problems = read_flow(flow_file)
        sources.problems += problems
    _read_packs(sources, located)
    return sources


def _read_packs(sources: Sources, located: dict[str, Located | None]) -> None:
    voices: dict[str, tuple[str, str]] = {}
    for file in located.values():
        found = read_voice(file) if file is not None else None
        if found is not None:
            code, voice, say_language = found
            voices.setdefault(code, (voice, say_language))
    known: Voices = voices
    recorded = Recorded(sources.audio, sources.audio_base)
    for name, file in located.items():
        if file is None:
            continue
        pack, problems = read_language(file, known, recorded)
        sources.problems += problems
        if pack is None:
            continue
        stem = name.removesuffix(".yaml")
        if pack.code != stem:
            message = say("language %(code)r must be in a file named %(code)s.yaml", code=pack.code)
            sources.problems.append(file.problem(("language",), message, "language"))
        elif pack.code in sources.packs:
            sources.problems.append(file.problem(("language",), say("language given twice")))
        else:
            sources.packs[pack.code] = pack
            sources.pack_files[pack.code] = file
    sources.packs, problems = merge_fallbacks(sources.packs, sources.pack_files)
    sources.problems += problems


def _locate(sources: Sources, name: str) -> Located | None:
    try:
        return load_located(sources.texts[name], sources.path(name))
    except InvalidFile as exc:
        sources.problems += exc.problems
        return None
