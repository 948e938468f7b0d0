"""Checks on the language files: a translation for every prompt, short prompts, speech words."""

from __future__ import annotations

import re
from collections.abc import Iterable

from hotline.ivr.model import Menu, Pass, Script, topic_keys
from hotline.ivr.sources import FLOW_FILE, Sources
from hotline.ivr.steps import Pause, Prompt, Say
from hotline.problems import Problem, say
from hotline.yamlsource import Located

# A caller in crisis holds about 15 seconds of speech. Estimated at a calm phone pace:
# Latin-script words at 2.5 a second (so about 37 words), CJK characters at 4 a second
# (about 60 characters); digits and Latin words inside CJK text count as words.
# Recorded (play) pieces are not estimated.
LATIN_WORDS_PER_SECOND = 2.5
CJK_CHARS_PER_SECOND = 4.0
MAX_PROMPT_SECONDS = 15.0
_CJK = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\u3040-\u30ff\uac00-\ud7af]")


def seconds_to_say(prompts: Iterable[Prompt]) -> float:
    """About how long the pieces take to say."""
    total = 0.0
    for piece in prompts:
        if isinstance(piece, Pause):
            total += piece.seconds
        elif isinstance(piece, Say):
            cjk = len(_CJK.findall(piece.text))
            rest = _CJK.sub(" ", piece.text).split()
            words = sum(1 for token in rest if any(ch.isalnum() for ch in token))
            total += cjk / CJK_CHARS_PER_SECOND + words / LATIN_WORDS_PER_SECOND
    return total


def check_languages(sources: Sources, script: Script) -> list[Problem]:
    """Every language has a file, every node its prompt in each, every prompt is short."""
    problems: list[Problem] = []
    flow_file = sources.flow_file
    for code in script.languages:
        if f"{code}.yaml" not in sources.texts and flow_file is not None:
            problems.append(
                Problem(
                    sources.path(FLOW_FILE),
                    flow_file.line(("languages",)),
                    say(
                        "language %(code)r has no file %(code)s.yaml (missing translation)",
                        code=code,
                    ),
                    code,
                )
            )
    written = {code: _written_prompts(file) for code, file in sources.pack_files.items()}
    passes_said = {
        node_id
        for node_id, node in script.nodes.items()
        if isinstance(node, Pass) and any(node_id in w for w in written.values())
    }
    for code, pack in sources.packs.items():
        file = sources.pack_files[code]
        if code not in script.languages:
            message = say("language %(code)r is not listed in flow.yaml languages", code=code)
            problems.append(file.problem(("language",), message, "language"))
            continue
        for node_id, node in script.nodes.items():
            needed = isinstance(node, Menu) or node_id in passes_said
            has = pack.prompts if pack.fallback else written[code]
            if needed and node_id not in has:
                message = say(
                    "no prompt for %(node)r in %(code)s (missing translation)",
                    node=node_id,
                    code=code,
                )
                problems.append(file.problem(("prompts",), message, node_id))
        for node_id in written[code]:
            if node_id not in script.nodes:
                message = say("prompt for %(node)r, which is not a node in flow.yaml", node=node_id)
                problems.append(file.problem(("prompts", node_id), message, node_id))
        said = [(("prompts", k), k, v) for k, v in pack.prompts.items()]
        said += [(("messages", k), f"messages.{k}", v) for k, v in pack.messages.items()]
        for path, where, prompts in said:
            seconds = seconds_to_say(prompts)
            if seconds > MAX_PROMPT_SECONDS:
                message = say(
                    "prompt takes about %(seconds).1f s to say; keep it under %(most).0f s "
                    "(a caller in crisis hears it once)",
                    seconds=seconds,
                    most=MAX_PROMPT_SECONDS,
                )
                problems.append(file.problem(path, message, where))
        problems += _check_speech(script, code, file, sources)
    return problems


def _check_speech(script: Script, code: str, file: Located, sources: Sources) -> list[Problem]:
    pack = sources.packs[code]
    menus = [n for n in script.nodes.values() if isinstance(n, Menu) and n.speech]
    if not script.speech or not menus or not _has_speech(file):
        return []  # a file with no speech section: its callers use keys only
    problems: list[Problem] = []
    first = menus[0].id
    if pack.speech_language is None:
        message = say("menu %(menu)r takes speech, so this file needs speech.language", menu=first)
        problems.append(file.problem(("speech",), message, first))
    if not pack.danger:
        message = say("speech is on: list danger words (speech.danger) in this language")
        problems.append(file.problem(("speech",), message, first))
    if not pack.keywords:
        message = say("speech is on: list topic keywords (speech.keywords) in this language")
        problems.append(file.problem(("speech",), message, first))
    for menu in menus:
        keys = topic_keys(menu)
        for topic in pack.keywords:
            if topic not in keys:
                message = say(
                    "spoken topic %(topic)r has no key in menu %(menu)r", topic=topic, menu=menu.id
                )
                problems.append(file.problem(("speech", "keywords", topic), message, menu.id))
    return problems


def unrecorded(sources: Sources, script: Script) -> list[Problem]:
    """Warnings, not errors: each prompt of a recordings-only language still said from its
    fallback language, because its recording is not there yet (or is not written)."""
    warnings: list[Problem] = []
    for code, pack in sources.packs.items():
        if pack.fallback is None or code not in sources.pack_files:
            continue
        file = sources.pack_files[code]
        written = _written_prompts(file)
        lacking = [w for w in pack.unrecorded if not w.startswith("messages.")]
        lacking += [n for n in script.nodes if n in pack.prompts and n not in written]
        lacking += [w for w in pack.unrecorded if w.startswith("messages.")]
        for where in lacking:
            section, _, name = where.rpartition(".")
            path = (section or "prompts", name)  # the line of the prompt, or of its section
            message = say("no recording yet: said in %(fallback)s instead", fallback=pack.fallback)
            warnings.append(file.problem(path, message, where))
    return warnings


def _has_speech(file: Located) -> bool:
    return isinstance(file.data, dict) and "speech" in file.data


def _written_prompts(file: Located) -> set[str]:
    """Node ids with a prompt written in the file, even one that failed to read."""
    data = file.data
    prompts = data.get("prompts") if isinstance(data, dict) else None
    return {str(key) for key in prompts} if isinstance(prompts, dict) else set()
