"""Loading a script set: refused whole (InvalidFile) if any check fails, so calls stay safe."""

from __future__ import annotations

import dataclasses
import os
from collections.abc import Collection

from hotline.ivr.lint import lint_sources
from hotline.ivr.model import Action, Language, Menu, Node, Pass, Script, Target
from hotline.ivr.recordings import Manifest
from hotline.ivr.sources import read_sources
from hotline.problems import InvalidFile

__all__ = ["Action", "Language", "Menu", "Node", "Pass", "Script", "Target", "load_scripts"]


def load_scripts(
    directory: str | os.PathLike[str],
    *,
    languages: Collection[str] | None = None,
    topics: Collection[str] | None = None,
    tiers: Collection[str] | None = None,
    audio: Manifest | None = None,
    audio_base: str = "",
) -> Script:
    """The script in `directory`; raises InvalidFile listing every problem the linter finds.

    Recordings are `audio` when given, else the files in `directory`/audio/; prompts play
    them from `audio_base` (PUBLIC_URL/audio/).
    """
    sources = read_sources(directory, audio=audio, audio_base=audio_base)
    problems = lint_sources(sources, languages=languages, topics=topics, tiers=tiers)
    if problems or sources.flow is None:
        raise InvalidFile(problems)
    packs = {code: sources.packs[code] for code in sources.flow.languages}
    return dataclasses.replace(sources.flow, version=sources.version, packs=packs)
