"""The shipped scripts: lint clean, fully translated, and saying what a crisis line must say."""

from __future__ import annotations

from pathlib import Path

from hotline.ivr import Ask, CallerInput, Say, Script, advance, lint_scripts, start
from hotline.ivr.model import MESSAGES, Menu, topic_keys
from hotline.routing.policy import SPECIALTY_IDS, TIER_NAMES

SHIPPED = Path(__file__).resolve().parents[3] / "ivr_scripts"
TOPICS = set(SPECIALTY_IDS)  # the ids the routing rules fix
TIERS = set(TIER_NAMES)


def test_the_shipped_scripts_lint_clean_against_the_rules_names() -> None:
    assert lint_scripts(SHIPPED) == []
    languages = {"en", "zh", "yue", "wuu"}
    assert lint_scripts(SHIPPED, languages=languages, topics=TOPICS, tiers=TIERS) == []


def test_every_language_has_every_prompt_and_message(script: Script) -> None:
    assert script.languages == ("en", "zh", "yue", "wuu") and script.default_language == "en"
    for pack in script.packs.values():
        assert set(pack.prompts) == set(script.nodes)
        assert set(pack.messages) == set(MESSAGES)
        assert all(pack.prompts.values()) and all(pack.messages.values())


def test_voices_match_each_language(script: Script) -> None:
    said = {code: (pack.say_language, pack.speech_language) for code, pack in script.packs.items()}
    assert said == {
        "en": ("en-US", "en-US"),
        "zh": ("cmn-CN", "cmn-Hans-CN"),
        "yue": ("yue-HK", "yue-Hant-HK"),
        "wuu": ("cmn-CN", None),  # no voice nor recogniser: Mandarin's voice, keys only
    }


def test_the_topic_menu_offers_every_topic(script: Script) -> None:
    topic = script.nodes["topic"]
    assert isinstance(topic, Menu) and topic.speech
    assert set(topic_keys(topic)) == TOPICS
    for pack in script.packs.values():
        if pack.speech_language is not None:
            assert set(pack.keywords) == TOPICS and pack.danger


def test_each_language_option_is_said_in_its_own_language(script: Script) -> None:
    """A caller who speaks no English still hears their language, and the danger key."""
    _, step = start(script)
    assert isinstance(step, Ask) and step.node == "welcome"
    welcome = script.nodes["welcome"]
    assert isinstance(welcome, Menu)
    for key, target in welcome.digits.items():
        code = next(a.value for a in target if a.verb == "set_language")
        voice = script.packs[code].voice
        own = [p.text for p in step.prompts if isinstance(p, Say) and p.voice == voice]
        assert any(key in text for text in own), code
        assert any(script.danger_key in text for text in own), code


def test_every_menu_in_every_language_names_the_danger_key(script: Script) -> None:
    for key in ("1", "2", "3", "4"):
        state, _ = start(script)
        state, step = advance(script, state, CallerInput(digits=key))
        state, again = advance(script, state, CallerInput())
        for ask in (step, again):
            assert isinstance(ask, Ask) and ask.node == "topic"
            assert all(isinstance(p, Say) for p in ask.prompts)
            text = " ".join(p.text for p in ask.prompts if isinstance(p, Say))
            assert script.danger_key in text
