"""The IVR flow as pure functions: (script, call state, what the caller gave) -> next step.

Total by design: any input and any state that from_dict accepted gives a step, and every
way out of a menu ends with a person (queue, callback or transfer).
"""

from __future__ import annotations

import dataclasses
import logging
from collections.abc import Mapping
from dataclasses import dataclass, replace

from hotline.ivr.model import Action, Menu, Script, Target, topic_keys
from hotline.ivr.speech import hints, says_danger, spoken_topic
from hotline.ivr.steps import Ask, Enqueue, OfferCallback, Prompt, Step, Transfer

log = logging.getLogger(__name__)

REPROMPTS = 1  # silence or a wrong key: this many re-prompts, then the fallback
MAX_HOPS = 32  # nodes passed without input in one step; more means a broken script
_MAX_TEXT = 200


@dataclass(frozen=True)
class CallState:
    """Where a call is in the script. Holds no caller words, number or key history."""

    node: str
    language: str | None
    topic: str | None
    tier: str | None
    retries: int
    speech_used: bool
    script_version: str
    ended: bool = False  # a final step (queue, callback, transfer) was given

    def to_dict(self) -> dict[str, object]:
        # Flat fields only: a plain copy, several times cheaper than dataclasses.asdict.
        return dict(self.__dict__)

    @classmethod
    def from_dict(cls, d: object) -> CallState:
        """The state stored by to_dict; anything else raises ValueError."""
        if not isinstance(d, Mapping):
            raise ValueError("call state must be a mapping")
        names = {f.name for f in dataclasses.fields(cls)}
        if set(d.keys()) != names:
            raise ValueError(f"call state must have exactly the keys {sorted(names)}")
        for name in ("node", "script_version"):
            if not isinstance(d[name], str) or not 0 < len(d[name]) <= _MAX_TEXT:
                raise ValueError(f"{name} must be non-empty text")
        for name in ("language", "topic", "tier"):
            value = d[name]
            if value is not None and (not isinstance(value, str) or len(value) > _MAX_TEXT):
                raise ValueError(f"{name} must be text or null")
        retries = d["retries"]
        if isinstance(retries, bool) or not isinstance(retries, int) or not 0 <= retries <= 9:
            raise ValueError("retries must be a small whole number")
        for name in ("speech_used", "ended"):
            if not isinstance(d[name], bool):
                raise ValueError(f"{name} must be true or false")
        return cls(**{name: d[name] for name in names})


@dataclass(frozen=True)
class CallerInput:
    """What one webhook brought: keys pressed and/or words heard; both None is silence."""

    digits: str | None = None
    speech: str | None = None


def start(script: Script) -> tuple[CallState, Step]:
    """The first step of a new call."""
    state = CallState(script.start, None, None, None, 0, False, script.version)
    try:
        return _run(script, state, (Action("go", script.start),), ())
    except Exception:
        log.exception("IVR start failed; caller goes to the queue")
        return safe_default(script, state)


def advance(script: Script, state: CallState, given: CallerInput) -> tuple[CallState, Step]:
    """The step after the caller pressed, said, or did nothing. Never raises."""
    try:
        return _advance(script, state, given)
    except Exception:
        log.exception("IVR step failed; caller goes to the queue")
        return safe_default(script, state)


def safe_default(script: Script, state: CallState | None = None) -> tuple[CallState, Step]:
    """Queue the caller with what is known, filling in the safe rest: for unknown or bad state.

    Default language if none chosen, topic default (general) if none, tier urgent unless
    already imminent.
    """
    base = state or CallState(script.start, None, None, None, 0, False, script.version)
    try:
        tier = script.danger_tier if base.tier == script.danger_tier else script.default_tier
        return _end(script, replace(base, tier=tier), Action("enqueue"), ())
    except Exception:
        log.exception("IVR safe default failed; queueing with bare defaults")
        language = script.default_language
        ended = replace(base, language=language, topic="general", tier="urgent", ended=True)
        return ended, Enqueue(language, "general", "urgent", base.speech_used, ())


def _advance(script: Script, state: CallState, given: CallerInput) -> tuple[CallState, Step]:
    node = script.nodes.get(state.node)
    if state.ended or not isinstance(node, Menu):
        return safe_default(script, state)
    digits = given.digits if isinstance(given.digits, str) and given.digits else None
    speech = given.speech if isinstance(given.speech, str) and given.speech.strip() else None
    if digits is not None and digits.startswith(script.danger_key):
        return _danger(script, state)
    if speech is not None and says_danger(script, speech):
        topic = spoken_topic(script, _language(script, state), speech)
        return _danger(script, replace(state, topic=topic or state.topic, speech_used=True))
    if digits is not None:
        target = node.digits.get(digits)
        if target is None:
            return _retry(script, state, node, node.on_invalid)
        return _run(script, state, target, ())
    if speech is not None:
        if not (script.speech and node.speech):
            return _retry(script, state, node, node.on_invalid)
        state = replace(state, speech_used=True)
        topic = spoken_topic(script, _language(script, state), speech)
        key = topic_keys(node).get(topic) if topic is not None else None
        if key is None:
            return _retry(script, state, node, node.on_invalid)
        return _run(script, state, node.digits[key], ())
    return _retry(script, state, node, node.on_silence)


def _retry(
    script: Script, state: CallState, node: Menu, fallback: Target | None
) -> tuple[CallState, Step]:
    if state.retries < REPROMPTS:
        state = replace(state, retries=state.retries + 1)
        return state, _ask(script, state, node, _message(script, state, "reprompt"))
    if fallback is not None:
        return _run(script, state, fallback, ())
    return safe_default(script, state)


def _danger(script: Script, state: CallState) -> tuple[CallState, Step]:
    return _end(script, replace(state, tier=script.danger_tier), Action("enqueue"), ())


def _run(
    script: Script, state: CallState, target: Target, said: tuple[Prompt, ...]
) -> tuple[CallState, Step]:
    """Run actions until a menu asks or an end is reached; prompts of nodes passed add up."""
    actions, i, hops = target, 0, 0
    while i < len(actions):
        action = actions[i]
        i += 1
        if action.verb == "set_language" and action.value in script.packs:
            state = replace(state, language=action.value)
        elif action.verb == "set_topic":
            state = replace(state, topic=action.value)
        elif action.verb == "set_tier":
            state = replace(state, tier=action.value)
        elif action.verb == "go":
            node = script.nodes.get(action.value)
            hops += 1
            if node is None or hops > MAX_HOPS:
                return _safe_with(script, state, said)
            state = replace(state, node=node.id, retries=0)
            if isinstance(node, Menu):
                return state, _ask(script, state, node, said)
            said += _prompts(script, state, node.id)
            actions, i = node.actions, 0
        elif action.verb in ("enqueue", "offer_callback", "transfer"):
            return _end(script, state, action, said)
    return _safe_with(script, state, said)


def _safe_with(
    script: Script, state: CallState, said: tuple[Prompt, ...]
) -> tuple[CallState, Step]:
    tier = script.danger_tier if state.tier == script.danger_tier else script.default_tier
    return _end(script, replace(state, tier=tier), Action("enqueue"), said)


def _end(
    script: Script, state: CallState, action: Action, said: tuple[Prompt, ...]
) -> tuple[CallState, Step]:
    language = _language(script, state)
    topic = state.topic or script.default_topic
    tier = state.tier or script.default_tier
    state = replace(state, language=language, topic=topic, tier=tier, retries=0, ended=True)
    if action.verb == "transfer":
        prompts = said + _message(script, state, "transfer")
        return state, Transfer(action.value, language, prompts)
    if action.verb == "offer_callback":
        prompts = said + _message(script, state, "callback")
        return state, OfferCallback(language, topic, tier, state.speech_used, prompts)
    prompts = said + _message(script, state, "enqueue")
    return state, Enqueue(language, topic, tier, state.speech_used, prompts)


def _ask(script: Script, state: CallState, node: Menu, lead: tuple[Prompt, ...]) -> Ask:
    pack = script.packs.get(_language(script, state))
    listen = bool(script.speech and node.speech and pack and pack.speech_language)
    return Ask(
        node=node.id,
        prompts=lead + _prompts(script, state, node.id),
        timeout=node.timeout,
        num_digits=node.num_digits,
        speech=listen,
        speech_language=pack.speech_language if listen and pack else None,
        hints=hints(pack) if listen and pack else (),
    )


def _language(script: Script, state: CallState) -> str:
    language = state.language
    return language if language in script.packs and language else script.default_language


def _prompts(script: Script, state: CallState, node_id: str) -> tuple[Prompt, ...]:
    pack = script.packs.get(_language(script, state))
    return pack.prompts.get(node_id, ()) if pack else ()


def _message(script: Script, state: CallState, key: str) -> tuple[Prompt, ...]:
    return script.message(_language(script, state), key)
