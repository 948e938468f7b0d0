"""A language file (en.yaml, zh.yaml, ...) -> its voice, prompts and speech words."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import hotline.ivr.recordings as recordings
from hotline.ivr.model import MESSAGES, Language
from hotline.ivr.reading import Reader
from hotline.ivr.steps import Pause, Play, Prompt, Say
from hotline.problems import Problem, say
from hotline.yamlsource import Located, Path

TOP = ("language", "fallback", "say", "speech", "messages", "prompts")
Voices = Mapping[str, tuple[str, str]]  # language code -> (voice, <Say> language)


@dataclass(frozen=True)
class Recorded:
    """The recordings a script set holds, and the URL they are served under."""

    manifest: recordings.Manifest
    base: str = ""  # PUBLIC_URL/audio/


_UNRECORDED = object()  # a {play: file} whose file is not there yet (fallback languages)


def read_voice(located: Located) -> tuple[str, str, str] | None:
    """(code, voice, say language) from a language file, read first: other files' pieces use it."""
    data = located.data
    if not isinstance(data, dict) or not isinstance(data.get("say"), dict):
        return None
    code, speak = data.get("language"), data["say"]
    voice, language = speak.get("voice"), speak.get("language")
    if isinstance(code, str) and isinstance(voice, str) and isinstance(language, str):
        return code, voice, language
    return None


def read_language(
    located: Located, voices: Voices, recorded: Recorded | None = None
) -> tuple[Language | None, list[Problem]]:
    """The language pack, or None when it cannot be built; problems either way.

    A file that names a `fallback` language needs no voice of its own: its prompts are
    recordings, and whatever it does not have (yet) is said from the fallback's file.
    """
    reader = Reader(located)
    data = located.data
    fallback_named = isinstance(data, dict) and "fallback" in data
    required = ("language",) if fallback_named else ("language", "say", "messages")
    top = reader.mapping(data, (), "", allowed=TOP, required=(*required, "prompts"))
    if top is None:
        return None, reader.problems
    code = reader.text(top.get("language"), ("language",), "")
    fallback = reader.text(top.get("fallback"), ("fallback",), "") if fallback_named else None
    spoken = _voice(reader, top, voices, fallback, fallback_named)
    if spoken is None:
        return None, reader.problems
    voice, say_language = spoken
    if code is None or (fallback_named and fallback is None) or voice is None:
        if code is not None and fallback is not None and voice is None:
            message = say("no usable language file for %(code)r", code=fallback)
            reader.report(("fallback",), message, "fallback")
        return None, reader.problems
    own = {**voices, code: (voice, say_language or "")} if "say" in top else voices
    pieces = _Pieces(reader, code, own, recorded or Recorded({}), fallback is not None)
    messages, prompts = _read_prompts(reader, top, pieces, fallback_named)
    speech_language, keywords, danger = _read_speech(reader, top.get("speech"))
    pack = Language(
        code=code,
        voice=voice,
        say_language=say_language or "",
        speech_language=speech_language,
        prompts={k: v for k, v in prompts.items() if isinstance(v, tuple)},
        messages={k: v for k, v in messages.items() if isinstance(v, tuple)},
        keywords=keywords,
        danger=danger,
        fallback=fallback,
        unrecorded=_unrecorded(messages, prompts) if fallback is not None else (),
    )
    return pack, reader.problems


def _voice(
    reader: Reader, top: dict[str, Any], voices: Voices, fallback: str | None, fallback_named: bool
) -> tuple[str | None, str | None] | None:
    """(voice, say language): the file's own `say`, or its fallback's (replaced by the
    fallback's own when merged), or (None, None) when the fallback has no usable file.
    None: the file's own `say` is unusable."""
    if "say" in top or not fallback_named:
        voice = say_language = None
        speak = reader.mapping(top.get("say"), ("say",), "say", allowed=("voice", "language"))
        if speak is not None:
            voice = reader.text(speak.get("voice"), ("say", "voice"), "say")
            say_language = reader.text(speak.get("language"), ("say", "language"), "say")
        if voice is None or say_language is None:
            return None
        return voice, say_language
    if fallback is not None and fallback in voices:
        return voices[fallback]
    return None, None


_Read = dict[str, tuple[Prompt, ...] | object | None]  # a prompt, _UNRECORDED, or None (bad)


def _read_prompts(
    reader: Reader, top: dict[str, Any], pieces: _Pieces, fallback_named: bool
) -> tuple[_Read, _Read]:
    """(messages, prompts) as read; a fallback language may leave messages out."""
    messages_raw = reader.mapping(
        top.get("messages", {}),
        ("messages",),
        "messages",
        allowed=MESSAGES,
        required=() if fallback_named else MESSAGES,
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
    return messages, prompts


def _unrecorded(messages: _Read, prompts: _Read) -> tuple[str, ...]:
    """What a fallback language says from its fallback's file: messages it lacks, and prompts
    whose recording is not there yet."""
    return tuple(
        [f"messages.{k}" for k in MESSAGES if not isinstance(messages.get(k), tuple)]
        + [str(k) for k, v in prompts.items() if v is _UNRECORDED]
    )


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
    """Reads prompts: text, {play: url or file}, {say: text, language: xx}, {pause: s}, or
    a list. In a fallback language a prompt naming a file not recorded yet is _UNRECORDED."""

    def __init__(
        self, reader: Reader, code: str, voices: Voices, recorded: Recorded, has_fallback: bool
    ) -> None:
        self.reader, self.code, self.voices = reader, code, voices
        self.recorded, self.has_fallback = recorded, has_fallback

    def prompt(self, value: Any, path: Path, where: str) -> tuple[Prompt, ...] | object | None:
        items = value if isinstance(value, list) else [value]
        if not items:
            self.reader.report(path, say("a prompt cannot be empty"), where)
            return None
        pieces = [
            self.piece(item, (*path, i) if value is items else path, where)
            for i, item in enumerate(items)
        ]
        if any(piece is None for piece in pieces):
            return None
        if any(piece is _UNRECORDED for piece in pieces):
            return _UNRECORDED
        return tuple(piece for piece in pieces if isinstance(piece, Say | Play | Pause))

    def play(self, value: Any, path: Path, where: str) -> Play | object | None:
        reader = self.reader
        target = reader.text(value, path, where)
        if target is None:
            return None
        if target.startswith("https://"):
            return Play(target)
        if not recordings.NAME.match(target):
            message = say(
                "an audio prompt is an https:// URL or a recording's file name in "
                "ivr_scripts/audio/%(code)s/, like welcome.mp3 (.mp3 or .wav)",
                code=self.code,
            )
            reader.report(path, message, where)
            return None
        sha256 = self.recorded.manifest.get(recordings.key(self.code, target))
        if sha256 is not None:
            return Play(self.recorded.base + recordings.url_path(self.code, target, sha256))
        if self.has_fallback:
            return _UNRECORDED
        message = say(
            "no recording ivr_scripts/audio/%(code)s/%(file)s", code=self.code, file=target
        )
        reader.report(path, message, where)
        return None

    def piece(self, value: Any, path: Path, where: str) -> Prompt | object | None:
        reader = self.reader
        if isinstance(value, str):
            if self.code not in self.voices:
                message = say(
                    "%(code)r has no text-to-speech voice: record this ({play: file}) "
                    "or write {say: ..., language: xx} in a language with a voice",
                    code=self.code,
                )
                reader.report(path, message, where)
                return None
            return self.say(value, self.code, path, where)
        form = reader.mapping(value, path, where, allowed=("say", "language", "play", "pause"))
        if form is None:
            return None
        kinds = [kind for kind in ("say", "play", "pause") if kind in form]
        if len(kinds) != 1 or ("language" in form and kinds != ["say"]):
            message = say("a piece is text, {say, language}, {play: url} or {pause}")
            reader.report(path, message, where)
            return None
        if "play" in form:
            return self.play(form["play"], (*path, "play"), where)
        if "pause" in form:
            seconds = reader.integer(form["pause"], (*path, "pause"), where, 1, 3)
            return Pause(seconds) if seconds is not None else None
        language = form.get("language", self.code)
        if language == self.code and self.has_fallback and language not in self.voices:
            message = say(
                "%(code)r has no text-to-speech voice: record this ({play: file}) "
                "or write {say: ..., language: xx} in a language with a voice",
                code=language,
            )
            reader.report(path, message, where)
            return None
        if not isinstance(language, str) or language not in self.voices:
            known = ", ".join(sorted(self.voices))
            message = say(
                "no usable language file for %(code)r (have: %(known)s)", code=language, known=known
            )
            reader.report((*path, "language"), message, where)
            return None
        return self.say(form["say"], language, (*path, "say"), where)

    def say(self, value: Any, language: str, path: Path, where: str) -> Say | None:
        text = self.reader.text(value, path, where)
        if text is None:
            return None
        voice, say_language = self.voices[language]
        return Say(" ".join(text.split()), voice, say_language)
