"""A language with no voice of its own (Shanghainese): recordings, prompt by prompt falling
back to Mandarin, keys only, and `hotline check`'s list of what is still unrecorded."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

from hotline.ivr import Ask, CallerInput, Enqueue, Play, Say, Script, advance, load_scripts, start
from hotline.ivr.lint import recording_warnings
from hotline.problems import InvalidFile
from tests.support.audio import mp3_bytes, wav_bytes
from tests.unit.ivr.test_ivr_lint import edit

BASE = "https://hotline.example.org/audio/"


def record(scripts: Path, language: str, name: str, content: bytes) -> None:
    folder = scripts / "audio" / language
    folder.mkdir(parents=True, exist_ok=True)
    (folder / name).write_bytes(content)


def shanghainese_topic_menu(script: Script) -> Ask:
    state, _ = start(script)
    state, step = advance(script, state, CallerInput(digits="4"))
    assert isinstance(step, Ask) and step.node == "topic"
    return step


def test_without_recordings_a_shanghainese_caller_hears_mandarin_and_presses_keys(
    script: Script,
) -> None:
    step = shanghainese_topic_menu(script)
    mandarin = script.packs["zh"]
    assert step.prompts == mandarin.prompts["confidential"] + mandarin.prompts["topic"]
    assert not step.speech and step.speech_language is None  # no recogniser: keys only
    state, _ = start(script)
    state, _ = advance(script, state, CallerInput(digits="4"))
    state, queued = advance(script, state, CallerInput(digits="2"))
    assert isinstance(queued, Enqueue)
    assert queued.language == "wuu" and queued.topic == "domestic_violence"
    assert queued.prompts == mandarin.messages["enqueue"]


def test_a_recording_added_is_played_by_url_and_the_rest_still_falls_back(
    scripts_copy: Path,
) -> None:
    content = mp3_bytes(1.0)
    record(scripts_copy, "wuu", "topic.mp3", content)
    script = load_scripts(scripts_copy, audio_base=BASE)
    step = shanghainese_topic_menu(script)
    mandarin = script.packs["zh"].prompts["confidential"]
    assert step.prompts[: len(mandarin)] == mandarin
    played = step.prompts[len(mandarin) :]
    assert len(played) == 1 and isinstance(played[0], Play)
    sha = hashlib.sha256(content).hexdigest()
    assert played[0].url == f"{BASE}wuu/topic.{sha[:16]}.mp3"


def test_a_replaced_recording_is_a_new_version_and_a_new_url(scripts_copy: Path) -> None:
    record(scripts_copy, "wuu", "topic.wav", wav_bytes(pitch=440))
    edit(scripts_copy, "wuu.yaml", "topic: {play: topic.mp3}", "topic: {play: topic.wav}")
    first = load_scripts(scripts_copy, audio_base=BASE)
    record(scripts_copy, "wuu", "topic.wav", wav_bytes(pitch=660))
    second = load_scripts(scripts_copy, audio_base=BASE)
    assert first.version != second.version
    urls = [shanghainese_topic_menu(s).prompts[-1] for s in (first, second)]
    assert all(isinstance(u, Play) for u in urls) and urls[0] != urls[1]


def test_check_warns_about_each_prompt_without_a_recording(scripts_copy: Path) -> None:
    warned = {w.where for w in recording_warnings(scripts_copy)}
    assert {"welcome", "confidential", "topic", "messages.hold", "messages.position"} <= warned
    record(scripts_copy, "wuu", "topic.mp3", mp3_bytes())
    after = recording_warnings(scripts_copy)
    assert "topic" not in {w.where for w in after}
    confidential = next(w for w in after if w.where == "confidential")
    assert confidential.file.endswith("wuu.yaml") and confidential.line == 14
    assert "said in zh" in confidential.message


def test_a_stray_file_in_audio_is_named(scripts_copy: Path) -> None:
    record(scripts_copy, "wuu", "Topic Final.MP3", mp3_bytes())
    warned = [str(w) for w in recording_warnings(scripts_copy)]
    assert any("audio/wuu/Topic Final.MP3" in w for w in warned)


def test_text_in_a_language_with_no_voice_is_refused_with_its_line(scripts_copy: Path) -> None:
    line = edit(scripts_copy, "wuu.yaml", "topic: {play: topic.mp3}", "topic: 侬好")
    with pytest.raises(InvalidFile) as refused:
        load_scripts(scripts_copy)
    [problem] = refused.value.problems
    assert problem.file.endswith("wuu.yaml") and problem.line == line
    assert "no text-to-speech voice" in problem.message


def test_mandarin_words_may_be_written_into_the_shanghainese_file(scripts_copy: Path) -> None:
    edit(
        scripts_copy, "wuu.yaml", "topic: {play: topic.mp3}", 'topic: {say: "请按键", language: zh}'
    )
    step = shanghainese_topic_menu(load_scripts(scripts_copy))
    said = step.prompts[-1]
    assert isinstance(said, Say) and said.text == "请按键"
    assert said.voice == load_scripts(scripts_copy).packs["zh"].voice


def test_a_missing_recording_in_a_language_with_a_voice_is_an_error(scripts_copy: Path) -> None:
    line = edit(
        scripts_copy,
        "yue.yaml",
        "  confidential:",
        "  confidential: {play: confidential.mp3}\n  unused:",
    )
    with pytest.raises(InvalidFile) as refused:
        load_scripts(scripts_copy)
    messages = [str(p) for p in refused.value.problems]
    assert any(f"yue.yaml:{line}:" in m and "no recording" in m for m in messages), messages


def test_a_fallback_to_a_language_with_no_file_is_refused(scripts_copy: Path) -> None:
    line = edit(scripts_copy, "wuu.yaml", "fallback: zh", "fallback: fr")
    with pytest.raises(InvalidFile) as refused:
        load_scripts(scripts_copy)
    assert any(p.line == line and "fr" in p.message for p in refused.value.problems)
