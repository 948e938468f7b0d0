"""What a counselor hears on answering an offer, in the counselor's own language.

Urgency, the caller's language, the topic, how long they waited and how often they
called this week: never the caller's number. A counselor taken out of wrap-up hears first
why (a caller in danger) and that their wrap-up is kept. Tier, topic and language ids are fixed
by the rules' schema, so their spoken names live here, one table per language.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

WORDS: dict[str, dict[str, object]] = {
    "en": {
        "tiers": {"imminent": "Imminent danger", "urgent": "Urgent", "standard": "Standard"},
        "topics": {
            "suicide": "suicidal thoughts or self-harm",
            "domestic_violence": "violence or abuse at home",
            "relationships": "relationships, family and emotions",
            "youth": "a young person under 18",
            "lgbtq": "LGBTQ+",
            "substance_use": "alcohol or drugs",
            "general": "anything else",
        },
        "languages": {"en": "English", "zh": "Mandarin", "yue": "Cantonese", "wuu": "Shanghainese"},
        "call": "{tier} call. {language}. {topic}. {waited}. {repeat}",
        "just_now": "Just now",
        "waited": "Waiting {n} minutes",
        "repeat": "{nth} call this week. ",
        "frequent": "Frequent caller. ",
        "accept": "Press {key} to accept, any other key to pass.",
        "paused_danger": "A caller in danger needs you now. ",
        "paused_other": "This caller cannot wait for your wrap-up. ",
        "paused_kept": "Your wrap-up is kept for after this call. ",
    },
    "zh": {
        "tiers": {"imminent": "有即时危险", "urgent": "紧急", "standard": "一般"},
        "topics": {
            "suicide": "自杀念头或自伤",
            "domestic_violence": "家庭暴力或虐待",
            "relationships": "感情、家庭和情绪",
            "youth": "未满十八岁",
            "lgbtq": "性少数群体",
            "substance_use": "酒精或药物",
            "general": "其他问题",
        },
        "languages": {"en": "英语", "zh": "普通话", "yue": "粤语", "wuu": "上海话"},
        "call": "{tier}来电。{language}。{topic}。{waited}。{repeat}",
        "just_now": "刚刚来电",
        "waited": "已等候{n}分钟",
        "repeat": "本周第{n}次来电。",
        "frequent": "经常来电。",
        "accept": "接听请按{key}，转给他人请按其他键。",
        "paused_danger": "有来电者正处于危险之中，现在就需要你。",
        "paused_other": "这位来电者等不到你的通话小结写完。",
        "paused_kept": "你的通话小结会保留，接完这通电话再写。",
    },
    "yue": {
        "tiers": {"imminent": "有即時危險", "urgent": "緊急", "standard": "一般"},
        "topics": {
            "suicide": "自殺念頭或者自殘",
            "domestic_violence": "家庭暴力或者虐待",
            "relationships": "感情、家庭同情緒",
            "youth": "未滿十八歲",
            "lgbtq": "性小眾",
            "substance_use": "酒精或者藥物",
            "general": "其他問題",
        },
        "languages": {"en": "英文", "zh": "普通話", "yue": "廣東話", "wuu": "上海話"},
        "call": "{tier}來電。{language}。{topic}。{waited}。{repeat}",
        "just_now": "啱啱打嚟",
        "waited": "已經等咗{n}分鐘",
        "repeat": "今個星期第{n}次打嚟。",
        "frequent": "經常打嚟。",
        "accept": "接聽請撳{key}，轉俾其他人請撳其他掣。",
        "paused_danger": "有來電者而家有危險，即刻需要你。",
        "paused_other": "呢位來電者等唔到你寫完通話小結。",
        "paused_kept": "你嘅通話小結會保留，聽完呢個電話再寫。",
    },
}


@dataclass(frozen=True)
class WaitingFacts:
    tier: str
    language: str
    topic: str
    minutes: int
    calls_this_week: int  # this one included; 1 when unknown
    frequent: bool
    pauses_wrap_up: bool = False  # the counselor was taken out of wrap-up for this caller


def whisper_language(counselor_languages: Sequence[str]) -> str:
    """The counselor's first roster language we have words for; English otherwise."""
    return next((code for code in counselor_languages if code in WORDS), "en")


def whisper(facts: WaitingFacts, language: str, accept_key: str) -> str:
    words = WORDS.get(language, WORDS["en"])

    def name(table: str, key: str) -> str:
        names = words[table]
        assert isinstance(names, dict)
        return str(names.get(key, key))

    waited = (
        str(words["just_now"])
        if facts.minutes < 1
        else str(words["waited"]).format(n=facts.minutes)
    )
    repeat = ""
    if facts.calls_this_week > 1:
        repeat = str(words["repeat"]).format(
            n=facts.calls_this_week, nth=_ordinal(facts.calls_this_week)
        )
        if facts.frequent:
            repeat += str(words["frequent"])
    lead = ""
    if facts.pauses_wrap_up:
        reason = "paused_danger" if facts.tier == "imminent" else "paused_other"
        lead = str(words[reason]) + str(words["paused_kept"])
    text = lead + str(words["call"]).format(
        tier=name("tiers", facts.tier),
        language=name("languages", facts.language),
        topic=name("topics", facts.topic),
        waited=waited,
        repeat=repeat,
    )
    return text + str(words["accept"]).format(key=accept_key)


def _ordinal(n: int) -> str:
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"
