"""The IVR script as frozen values: built once at load, shared by every call."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from hotline.ivr.steps import Prompt

# Verbs of an action list. The last action of every list is one of ENDS or "go".
SETTERS = ("set_language", "set_topic", "set_tier")
ENDS = ("enqueue", "offer_callback", "transfer")
VERBS = (*SETTERS, "go", *ENDS)
MESSAGES = (
    "reprompt",
    "enqueue",
    "hold",
    "next_in_line",
    "position",
    "wait",
    "answer_within",
    "answer_within_one",
    "transfer",
    "callback",
    "callback_offer",
    "callback_confirm",
    "callback_failed",
    "callback_hello",
)


@dataclass(frozen=True)
class Action:
    """One step of an action list: `verb` with its value ("" for enqueue, offer_callback)."""

    verb: str
    value: str = ""
    line: int = field(default=0, compare=False)  # where it is written, for the linter


Target = tuple[Action, ...]


@dataclass(frozen=True)
class Menu:
    """A node that waits for a key (or a few words) and routes on it."""

    id: str
    timeout: int
    num_digits: int
    speech: bool
    digits: Mapping[str, Target]
    on_silence: Target | None = None  # after the one re-prompt; None: the safe default
    on_invalid: Target | None = None
    line: int = field(default=0, compare=False)


@dataclass(frozen=True)
class Pass:
    """A node that says its prompt (if any) and runs its actions without waiting for input."""

    id: str
    actions: Target
    line: int = field(default=0, compare=False)


Node = Menu | Pass


@dataclass(frozen=True)
class Language:
    """One language file: its voice, its prompts, its speech words."""

    code: str
    voice: str
    say_language: str
    speech_language: str | None
    prompts: Mapping[str, tuple[Prompt, ...]]
    messages: Mapping[str, tuple[Prompt, ...]]
    keywords: Mapping[str, tuple[str, ...]]  # topic id -> words; first listed topic wins
    danger: tuple[str, ...]
    # A language with no voice of its own (recordings only): what it lacks is said from
    # this language's file, prompt by prompt; `unrecorded` names what it lacks
    # ("topic", "messages.hold"), for `hotline check` to warn about.
    fallback: str | None = None
    unrecorded: tuple[str, ...] = ()


@dataclass(frozen=True)
class Script:
    """A whole script set; a call keeps the `version` it started with."""

    version: str
    default_language: str
    languages: tuple[str, ...]
    danger_key: str
    start: str
    nodes: Mapping[str, Node]
    packs: Mapping[str, Language] = field(default_factory=dict)
    danger_tier: str = "imminent"
    default_tier: str = "urgent"
    default_topic: str = "general"
    speech: bool = True  # master switch: off silences speech input in every menu

    def message(self, language: str | None, key: str) -> tuple[Prompt, ...]:
        """A message in `language`, else in the default language; () if neither has it."""
        pack = self.packs.get(language or "") or self.packs.get(self.default_language)
        return tuple(pack.messages.get(key, ())) if pack else ()


def topic_keys(menu: Menu) -> dict[str, str]:
    """Topic id -> the first key whose target sets it: how a spoken topic picks its route."""
    found: dict[str, str] = {}
    for key, target in menu.digits.items():
        for action in target:
            if action.verb == "set_topic":
                found.setdefault(action.value, key)
    return found
