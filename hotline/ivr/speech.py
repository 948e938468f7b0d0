"""A few spoken words -> danger or a topic. The words themselves are never kept."""

from __future__ import annotations

import unicodedata

from hotline.ivr.model import Language, Script


def normalize(text: str) -> str:
    """Full-width forms folded, case folded, spaces collapsed: so "Kill  MYSELF" matches."""
    return " ".join(unicodedata.normalize("NFKC", text).casefold().split())


def _heard(words: tuple[str, ...], heard: str) -> bool:
    return any((word := normalize(w)) and word in heard for w in words)


def says_danger(script: Script, speech: str) -> bool:
    """Danger words of any language count: a caller may not speak the menu's language."""
    heard = normalize(speech)
    return any(_heard(pack.danger, heard) for pack in script.packs.values())


def spoken_topic(script: Script, language: str, speech: str) -> str | None:
    """The first topic (in file order) whose keyword was heard; the caller's language first."""
    heard = normalize(speech)
    packs: list[Language] = []
    if language in script.packs:
        packs.append(script.packs[language])
    packs += [pack for code, pack in script.packs.items() if code != language]
    for pack in packs:
        for topic, words in pack.keywords.items():
            if _heard(words, heard):
                return topic
    return None


def hints(pack: Language) -> tuple[str, ...]:
    """Keywords and danger words, to bias recognition toward what matters."""
    words = [word for group in pack.keywords.values() for word in group] + list(pack.danger)
    return tuple(dict.fromkeys(words))
