"""The flow walked as a caller would: every key, silence, wrong keys, danger, from start."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from hotline.ivr import (
    Ask,
    CallerInput,
    CallState,
    Enqueue,
    OfferCallback,
    Pause,
    Play,
    Say,
    Script,
    Step,
    Transfer,
    advance,
    load_scripts,
    safe_default,
    start,
)
from hotline.ivr.model import Menu
from hotline.routing.policy import SPECIALTY_IDS, TIER_NAMES

TOPICS = set(SPECIALTY_IDS)  # the ids the routing rules fix
TIERS = set(TIER_NAMES)
MAX_STEPS = 8  # 3 menus x (one re-prompt + one answer), plus slack
SILENCE = CallerInput()


def inputs_for(script: Script, step: Ask) -> list[CallerInput]:
    """Everything a caller can do at this menu, plus garbage the web layer might pass on."""
    menu = script.nodes[step.node]
    assert isinstance(menu, Menu)
    unused = next(k for k in "0123456789*#" if k not in menu.digits and k != script.danger_key)
    found = [CallerInput(digits=key) for key in menu.digits]
    found += [
        SILENCE,
        CallerInput(digits=""),
        CallerInput(digits=script.danger_key),
        CallerInput(digits=unused),
        CallerInput(digits="12345"),
        CallerInput(digits="١"),  # an Arabic-Indic one
    ]
    if step.speech:
        found += [CallerInput(speech=w) for p in script.packs.values() for w in p.danger[:2]]
        found += [
            CallerInput(speech=words[0])
            for pack in script.packs.values()
            for words in pack.keywords.values()
        ]
        found += [CallerInput(speech="mmm I don't know"), CallerInput(speech="   ")]
    return found


def walk(script: Script) -> Iterator[tuple[list[CallerInput], CallState, Step]]:
    """Every path from the first step to an end: (inputs, final state, final step)."""
    first = start(script)
    todo: list[tuple[list[CallerInput], CallState, Step]] = [([], *first)]
    while todo:
        given, state, step = todo.pop()
        assert len(given) <= MAX_STEPS, f"no end after {given}"
        if not isinstance(step, Ask):
            yield given, state, step
            continue
        for caller in inputs_for(script, step):
            todo.append(([*given, caller], *advance(script, state, caller)))


def test_every_path_ends_with_a_person(script: Script) -> None:
    ends = list(walk(script))
    assert len(ends) > 500  # keys, silence, wrong keys and speech at both menus
    for given, state, step in ends:
        assert isinstance(step, Enqueue | Transfer | OfferCallback), given
        assert state.ended
        if isinstance(step, Enqueue):
            assert step.language in script.languages
            assert step.topic in TOPICS
            assert step.tier in TIERS
            assert step.prompts, "the caller hears something before the queue"


def test_a_caller_who_presses_nothing_reaches_the_queue(script: Script) -> None:
    state, step = start(script)
    for _ in range(MAX_STEPS):
        if not isinstance(step, Ask):
            break
        state, step = advance(script, state, SILENCE)
    assert step == Enqueue("en", "general", "urgent", False, step.prompts)
    assert isinstance(step.prompts[0], Say) and "counselor" in step.prompts[0].text


def test_silence_gets_one_reprompt_with_an_apology_first(script: Script) -> None:
    state, first = start(script)
    state, again = advance(script, state, SILENCE)
    assert isinstance(first, Ask) and isinstance(again, Ask)
    assert again.node == first.node and state.retries == 1
    assert again.prompts[1:] == first.prompts
    assert isinstance(again.prompts[0], Say) and "Sorry" in again.prompts[0].text
    _, step = advance(script, state, CallerInput(digits="7"))  # one re-prompt in all
    assert step == Enqueue("en", "general", "urgent", False, step.prompts)


def test_a_wrong_key_after_the_reprompt_goes_to_the_safe_default(script: Script) -> None:
    state, _ = start(script)
    state, _ = advance(script, state, CallerInput(digits="2"))  # Mandarin
    state, _ = advance(script, state, CallerInput(digits="8"))
    state, step = advance(script, state, CallerInput(digits="#"))
    assert step == Enqueue("zh", "general", "urgent", False, step.prompts)


@pytest.mark.parametrize(("key", "language"), [("1", "en"), ("2", "zh"), ("3", "yue")])
def test_language_choice_speaks_the_callers_language(
    script: Script, key: str, language: str
) -> None:
    state, _ = start(script)
    state, step = advance(script, state, CallerInput(digits=key))
    assert isinstance(step, Ask) and step.node == "topic"
    assert state.language == language
    voice = script.packs[language].voice
    assert all(isinstance(p, Say) and p.voice == voice for p in step.prompts)
    assert len(step.prompts) == 2  # the confidentiality sentence, then the topic menu
    assert step.speech and step.speech_language == script.packs[language].speech_language


@pytest.mark.parametrize(
    ("key", "topic", "tier"),
    [
        ("1", "suicide", "urgent"),
        ("2", "domestic_violence", "standard"),
        ("7", "general", "standard"),
    ],
)
def test_topic_keys_set_topic_and_tier(script: Script, key: str, topic: str, tier: str) -> None:
    state, _ = start(script)
    state, _ = advance(script, state, CallerInput(digits="3"))
    state, step = advance(script, state, CallerInput(digits=key))
    assert step == Enqueue("yue", topic, tier, False, step.prompts)


def test_the_danger_key_from_every_menu_is_imminent(script: Script) -> None:
    menus_seen = set()
    for given, _, step in walk(script):
        if given and given[-1].digits == script.danger_key:
            assert isinstance(step, Enqueue) and step.tier == "imminent"
            menus_seen.add(len(given))
    assert menus_seen >= {1, 2, 3}  # welcome, its re-prompt, the topic menu (and re-prompt)


def test_unknown_node_and_ended_state_get_the_safe_default(script: Script) -> None:
    lost = CallState("no_such_node", "zh", None, None, 0, False, "old")
    _, step = advance(script, lost, CallerInput(digits="1"))
    assert step == Enqueue("zh", "general", "urgent", False, step.prompts)
    done, _ = start(script)
    done, _ = advance(script, done, CallerInput(digits="9"))
    again, step = advance(script, done, SILENCE)
    assert isinstance(step, Enqueue) and step.tier == "imminent" and again.ended


def test_safe_default_without_state_and_with_an_unknown_language(script: Script) -> None:
    state, step = safe_default(script)
    assert step == Enqueue("en", "general", "urgent", False, step.prompts)
    assert state.ended and (state.language, state.topic, state.tier) == ("en", "general", "urgent")
    odd = CallState("topic", "klingon", "youth", "standard", 3, True, "x")
    _, step = safe_default(script, odd)
    assert step == Enqueue("en", "youth", "urgent", True, step.prompts)


def _script_with(copy: Path, topic_menu_line: str, extra: str = "") -> Script:
    flow = copy / "flow.yaml"
    text = flow.read_text()
    text = text.replace(
        '      "7": [{set_topic: general}, {set_tier: standard}, enqueue]', topic_menu_line
    )
    flow.write_text(text + extra)
    return load_scripts(copy)


def test_transfer_to_overflow_and_to_a_number(scripts_copy: Path) -> None:
    script = _script_with(
        scripts_copy,
        '      "7": [{set_topic: general}, {transfer: overflow}]\n'
        '      "8": [{set_topic: general}, {transfer: "+15551234567"}]',
    )
    state, _ = start(script)
    state, _ = advance(script, state, CallerInput(digits="2"))
    _, step = advance(script, state, CallerInput(digits="7"))
    assert isinstance(step, Transfer) and step.number == "overflow" and step.language == "zh"
    _, step = advance(script, state, CallerInput(digits="8"))
    assert isinstance(step, Transfer) and step.number == "+15551234567"
    assert step.prompts and isinstance(step.prompts[-1], Say)


def test_offer_callback(scripts_copy: Path) -> None:
    script = _script_with(scripts_copy, '      "7": [{set_topic: general}, offer_callback]')
    state, _ = start(script)
    state, _ = advance(script, state, CallerInput(digits="1"))
    _, step = advance(script, state, CallerInput(digits="7"))
    assert step == OfferCallback("en", "general", "urgent", False, step.prompts)


def test_recorded_prompts_are_played(scripts_copy: Path) -> None:
    yue = scripts_copy / "yue.yaml"
    text = yue.read_text()
    start_at = text.index("  topic: ")
    end_at = text.index("\n", start_at)
    url = "https://example.org/yue/topic.mp3"
    yue.write_text(text[:start_at] + f"  topic: {{play: {url}}}" + text[end_at:])
    script = load_scripts(scripts_copy)
    state, _ = start(script)
    _, step = advance(script, state, CallerInput(digits="3"))
    assert isinstance(step, Ask) and step.prompts[-1] == Play(url)


def test_a_pause_between_pieces(scripts_copy: Path) -> None:
    en = scripts_copy / "en.yaml"
    text = en.read_text(encoding="utf-8")
    en.write_text(
        text.replace('    - "For English, press 1."', "    - {pause: 1}\n    - For English")
    )
    _, step = start(load_scripts(scripts_copy))
    assert isinstance(step, Ask) and step.prompts[1] == Pause(1)


def test_the_version_changes_with_any_file(script: Script, scripts_copy: Path) -> None:
    assert load_scripts(scripts_copy).version == script.version
    with (scripts_copy / "zh.yaml").open("a") as zh:
        zh.write("# a comment\n")
    changed = load_scripts(scripts_copy)
    assert len(changed.version) == 12 and changed.version != script.version
    assert start(changed)[0].script_version == changed.version
