"""A language file (en.yaml, zh.yaml, ...) -> its voice, prompts and speech words."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from hotline.ivr.model import MESSAGES, Language
from hotline.ivr.reading import Reader
from hotline.ivr.steps import Pause, Play, Prompt, Say
from hotline.problems import Problem
from hotline.yamlsource import Located, Path

TOP = ("language", "say", "speech", "messages", "prompts")
Voices = Mapping[str, tuple[str, str]]  # language code -> (voice, <Say> language)


def read_voice(located: Located) -> tuple[str, str, str] | None:
    """(code, voice, say language) from a language file, read first: other files' pieces use it."""
    data = located.data
    if not isinstance(data, dict) or not isinstance(data.get("say"), dict):
        return None
    code, say = data.get("language"), data["say"]
    voice, language = say.get("voice"), say.get("language")
    if isinstance(code, str) and isinstance(voice, str) and isinstance(language, str):
        return code, voice, language
    return None


def read_language(located: Located, voices: Voices) -> tuple[Language | None, list[Problem]]:
    """The language pack, or None when it cannot be built; problems either way."""
    reader = Reader(located)
    top = reader.mapping(
        located.data, (), "", allowed=TOP, required=("language", "say", "messages", "prompts")
    )
    if top is None:
        return None, reader.problems
    code = reader.text(top.get("language"), ("language",), "")
    say = reader.mapping(top.get("say"), ("say",), "say", allowed=("voice", "language"))
    voice = say_language = None
    if say is not None:
        voice = reader.text(say.get("voice"), ("say", "voice"), "say")
        say_language = reader.text(say.get("language"), ("say", "language"), "say")
    if code is None or voice is None or say_language is None:
        return None, reader.problems
    pieces = _Pieces(reader, code, {**voices, code: (voice, say_language)})
    messages_raw = reader.mapping(
        top.get("messages"), ("messages",), "messages", allowed=MESSAGES, required=MESSAGES
    )
    messages = {
        key: pieces.prompt(value, ("messages", key), f"messages.{key}")
        for key, value in (messages_raw or {}).items()
        if key in MESSAGES
    }
    prompts_raw = reader.mapping(top.get("prompts"), ("prompts",), "prompts") or {}
    prompts = {
        str(node): pieces.prompt(value, ("prompts", node), str(node))
        for node, value in prompts_raw.items()
    }
    speech_language, keywords, danger = _read_speech(reader, top.get("speech"))
    pack = Language(
        code=code,
        voice=voice,
        say_language=say_language,
        speech_language=speech_language,
        prompts={k: v for k, v in prompts.items() if v is not None},
        messages={k: v for k, v in messages.items() if v is not None},
        keywords=keywords,
        danger=danger,
    )
    return pack, reader.problems


def _read_speech(
    reader: Reader, value: Any
) -> tuple[str | None, dict[str, tuple[str, ...]], tuple[str, ...]]:
    if value is None:
        return None, {}, ()
    where = "speech"
    speech = reader.mapping(
        value,
        ("speech",),
        where,
        allowed=("language", "keywords", "danger"),
        required=("language",),
    )
    if speech is None:
        return None, {}, ()
    language = reader.text(speech.get("language"), ("speech", "language"), where)
    keywords: dict[str, tuple[str, ...]] = {}
    raw = reader.mapping(speech.get("keywords", {}), ("speech", "keywords"), where) or {}
    for topic, words in raw.items():
        found = reader.texts(words, ("speech", "keywords", topic), f"speech.keywords.{topic}")
        if found:
            keywords[str(topic)] = found
    danger = reader.texts(speech.get("danger", []), ("speech", "danger"), "speech.danger")
    return language, keywords, danger or ()


class _Pieces:
    """Reads prompts: text, {play: url}, {say: text, language: xx}, {pause: s}, or a list."""

    def __init__(self, reader: Reader, code: str, voices: Voices) -> None:
        self.reader, self.code, self.voices = reader, code, voices

    def prompt(self, value: Any, path: Path, where: str) -> tuple[Prompt, ...] | None:
        items = value if isinstance(value, list) else [value]
        if not items:
            self.reader.report(path, "a prompt cannot be empty", where)
            return None
        pieces = [
            self.piece(item, (*path, i) if value is items else path, where)
            for i, item in enumerate(items)
        ]
        if any(piece is None for piece in pieces):
            return None
        return tuple(piece for piece in pieces if piece is not None)

    def piece(self, value: Any, path: Path, where: str) -> Prompt | None:
        reader = self.reader
        if isinstance(value, str):
            return self.say(value, self.code, path, where)
        form = reader.mapping(value, path, where, allowed=("say", "language", "play", "pause"))
        if form is None:
            return None
        kinds = [kind for kind in ("say", "play", "pause") if kind in form]
        if len(kinds) != 1 or ("language" in form and kinds != ["say"]):
            reader.report(path, "a piece is text, {say, language}, {play: url} or {pause}", where)
            return None
        if "play" in form:
            url = reader.text(form["play"], (*path, "play"), where)
            if url is not None and not url.startswith("https://"):
                reader.report((*path, "play"), "an audio prompt must be an https:// URL", where)
                return None
            return Play(url) if url is not None else None
        if "pause" in form:
            seconds = reader.integer(form["pause"], (*path, "pause"), where, 1, 3)
            return Pause(seconds) if seconds is not None else None
        language = form.get("language", self.code)
        if not isinstance(language, str) or language not in self.voices:
            known = ", ".join(sorted(self.voices))
            message = f"no usable language file for {language!r} (have: {known})"
            reader.report((*path, "language"), message, where)
            return None
        return self.say(form["say"], language, (*path, "say"), where)

    def say(self, value: Any, language: str, path: Path, where: str) -> Say | None:
        text = self.reader.text(value, path, where)
        if text is None:
            return None
        voice, say_language = self.voices[language]
        return Say(" ".join(text.split()), voice, say_language)
