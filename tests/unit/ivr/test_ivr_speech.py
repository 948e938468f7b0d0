"""A few spoken words at the topic menu: danger first, then a topic; the words are never kept."""

from __future__ import annotations

import json

import pytest

from hotline.ivr import CallerInput, CallState, Enqueue, Script, Step, advance, start

KEY = {"en": "1", "zh": "2", "yue": "3"}


def at_topic_menu(script: Script, language: str) -> CallState:
    state, _ = start(script)
    state, _ = advance(script, state, CallerInput(digits=KEY[language]))
    assert state.node == "topic"
    return state


def say(script: Script, language: str, words: str) -> tuple[CallState, Step]:
    return advance(script, at_topic_menu(script, language), CallerInput(speech=words))


@pytest.mark.parametrize(
    ("language", "words"),
    [
        ("en", "I want to kill myself"),
        ("en", "i just want to END MY LIFE tonight"),
        ("zh", "我想死"),
        ("zh", "我真的不想活了"),
        ("yue", "我唔想生存"),
        ("yue", "我想自殺"),
        ("yue", "我想自杀"),  # recognised in simplified characters
        ("zh", "I want to kill myself"),  # danger words count in any language
    ],
)
def test_danger_words_make_the_call_imminent(script: Script, language: str, words: str) -> None:
    state, step = say(script, language, words)
    assert isinstance(step, Enqueue)
    assert (step.tier, step.language, step.speech_used) == ("imminent", language, True)
    assert state.speech_used and state.tier == "imminent"


def test_danger_words_keep_the_topic_they_name(script: Script) -> None:
    _, step = say(script, "en", "I'm going to kill myself, it's suicide")
    assert isinstance(step, Enqueue) and (step.topic, step.tier) == ("suicide", "imminent")


@pytest.mark.parametrize(
    ("language", "words", "topic", "tier"),
    [
        ("en", "My husband hits me", "domestic_violence", "standard"),
        ("en", "I've been drinking a lot", "substance_use", "standard"),
        ("en", "I think I'm gay and scared", "lgbtq", "standard"),
        ("en", "I'm having suicidal thoughts", "suicide", "urgent"),
        ("zh", "我和男朋友分手了", "relationships", "standard"),
        ("zh", "我有自残", "suicide", "urgent"),
        ("yue", "我老公打我", "domestic_violence", "standard"),
        ("yue", "我係學生", "youth", "standard"),
    ],
)
def test_a_topic_keyword_routes_like_its_key(
    script: Script, language: str, words: str, topic: str, tier: str
) -> None:
    _, step = say(script, language, words)
    assert step == Enqueue(language, topic, tier, True, step.prompts)


def test_words_that_match_nothing_get_one_reprompt_then_the_default(script: Script) -> None:
    state, step = say(script, "en", "I don't really know")
    assert state.node == "topic" and state.retries == 1 and state.speech_used
    _, step = advance(script, state, CallerInput(speech="hmm"))
    assert step == Enqueue("en", "general", "urgent", True, step.prompts)


def test_keys_still_work_at_a_speech_menu(script: Script) -> None:
    _, step = advance(script, at_topic_menu(script, "zh"), CallerInput(digits="4"))
    assert step == Enqueue("zh", "youth", "standard", False, step.prompts)


def test_speech_at_a_keys_only_menu_is_not_a_choice(script: Script) -> None:
    state, _ = start(script)
    state, step = advance(script, state, CallerInput(speech="English please"))
    assert state.node == "welcome" and state.retries == 1
    _, step = advance(script, state, CallerInput(speech="kill myself"))
    assert isinstance(step, Enqueue) and step.tier == "imminent"


@pytest.mark.parametrize(
    ("language", "words"),
    [
        ("en", "My husband hits me every night"),
        ("en", "I want to kill myself"),
        ("en", "nothing I can name"),
        ("zh", "我想死"),
        ("yue", "我唔想生存"),
    ],
)
def test_the_words_never_enter_the_call_state(script: Script, language: str, words: str) -> None:
    state = at_topic_menu(script, language)
    for _ in range(3):
        state, _ = advance(script, state, CallerInput(speech=words))
        stored = json.dumps(state.to_dict(), ensure_ascii=False)
        assert words not in stored
        assert not any(len(w) > 2 and w in stored for w in words.split())
        if state.ended:
            break
