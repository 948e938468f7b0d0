"""The counselor's whisper: in their language, with what matters, never the number."""

from __future__ import annotations

from hotline.queue.whisper import WORDS, WaitingFacts, whisper, whisper_language

FACTS = WaitingFacts(
    tier="urgent", language="yue", topic="youth", minutes=3, calls_this_week=4, frequent=False
)


def test_english_whisper_says_tier_language_topic_wait_and_count() -> None:
    text = whisper(FACTS, "en", "1")
    assert text == (
        "Urgent call. Cantonese. a young person under 18. Waiting 3 minutes. "
        "4th call this week. Press 1 to accept, any other key to pass."
    )


def test_mandarin_and_cantonese_whispers() -> None:
    assert whisper(FACTS, "zh", "1").startswith(
        "紧急来电。粤语。未满十八岁。已等候3分钟。本周第4次来电。"
    )
    assert whisper(FACTS, "yue", "5").endswith("接聽請撳5，轉俾其他人請撳其他掣。")


def test_first_call_and_just_arrived_say_no_count() -> None:
    first = WaitingFacts("imminent", "en", "suicide", 0, 1, False)
    assert whisper(first, "en", "1") == (
        "Imminent danger call. English. suicidal thoughts or self-harm. Just now. "
        "Press 1 to accept, any other key to pass."
    )


def test_frequent_callers_are_flagged() -> None:
    frequent = WaitingFacts("standard", "zh", "general", 12, 11, True)
    assert "11th call this week. Frequent caller." in whisper(frequent, "en", "1")


def test_the_counselors_first_known_language_is_used() -> None:
    assert whisper_language(["yue", "en"]) == "yue"
    assert whisper_language(["fr", "zh"]) == "zh"
    assert whisper_language([]) == "en"


def test_every_language_names_every_tier_topic_and_language() -> None:
    keys = {table: set(WORDS["en"][table]) for table in ("tiers", "topics", "languages")}  # type: ignore[arg-type]
    for language, words in WORDS.items():
        for table, expected in keys.items():
            assert set(words[table]) == expected, (language, table)  # type: ignore[arg-type]


def test_the_names_cover_exactly_the_rules_tiers_topics_and_languages() -> None:
    from pathlib import Path

    from hotline.routing.rules import load_rules

    rules = load_rules(Path(__file__).resolve().parents[3] / "routing_rules.yaml")
    assert set(WORDS["en"]["tiers"]) == set(rules.tiers)  # type: ignore[arg-type]
    assert set(WORDS["en"]["topics"]) == set(rules.specialties)  # type: ignore[arg-type]
    assert set(WORDS["en"]["languages"]) == set(rules.languages)  # type: ignore[arg-type]


def test_a_shanghainese_caller_is_named_as_such_to_a_mandarin_speaking_counselor() -> None:
    """The caller chose Shanghainese: the counselor hears that, not the fallback language."""
    facts = WaitingFacts("urgent", "wuu", "general", 2, 1, False)
    language = whisper_language(["wuu", "zh"])
    assert language == "zh"  # no Shanghainese voice: the counselor's next language
    assert whisper(facts, language, "1").startswith("紧急来电。上海话。")
    assert whisper(facts, "en", "1").startswith("Urgent call. Shanghainese.")


def test_a_counselor_taken_out_of_wrap_up_hears_first_that_the_caller_is_in_danger() -> None:
    danger = WaitingFacts("imminent", "en", "suicide", 0, 1, False, pauses_wrap_up=True)
    assert whisper(danger, "en", "1").startswith(
        "A caller in danger needs you now. Your wrap-up is kept for after this call. "
        "Imminent danger call."
    )
    assert whisper(danger, "zh", "1").startswith("有来电者正处于危险之中")
    assert whisper(danger, "yue", "1").startswith("有來電者而家有危險")
    widened = WaitingFacts("urgent", "en", "youth", 1, 1, False, pauses_wrap_up=True)
    assert whisper(widened, "en", "1").startswith("This caller cannot wait for your wrap-up.")
    assert "danger" not in whisper(widened, "en", "1"), "only a caller in danger is said to be"


def test_every_language_has_every_phrase() -> None:
    for language, words in WORDS.items():
        assert set(words) == set(WORDS["en"]), language
