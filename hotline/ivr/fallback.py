"""A language without a voice of its own falls back, prompt by prompt, to one that has one."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace

from hotline.ivr.model import Language
from hotline.problems import Problem, say
from hotline.yamlsource import Located


def merge_fallbacks(
    packs: Mapping[str, Language], files: Mapping[str, Located]
) -> tuple[dict[str, Language], list[Problem]]:
    """Each pack naming a fallback gets the fallback's prompts, messages and voice wherever
    it has none of its own. It keeps its code: the caller still counts as speaking it."""
    merged: dict[str, Language] = {}
    problems: list[Problem] = []
    for code, pack in packs.items():
        if pack.fallback is None:
            merged[code] = pack
            continue
        base = packs.get(pack.fallback)
        if base is None or base.fallback is not None or pack.fallback == code:
            message = say(
                "fallback %(code)r must be a language with its own file and voice",
                code=pack.fallback,
            )
            problems.append(files[code].problem(("fallback",), message, "fallback"))
            continue
        merged[code] = replace(
            pack,
            voice=base.voice,
            say_language=base.say_language,
            prompts={**base.prompts, **pack.prompts},
            messages={**base.messages, **pack.messages},
        )
    return merged, problems
