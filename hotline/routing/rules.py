"""Load and check routing_rules.yaml: every problem is reported with its line, or nothing loads."""

from __future__ import annotations

import hashlib
import itertools
import os
import re
from types import MappingProxyType
from typing import TypeVar

from hotline.problems import InvalidFile, Problem, say
from hotline.routing.fields import FieldReader
from hotline.routing.policy import (
    REQUIREMENTS,
    SPECIALTY_IDS,
    TIER_NAMES,
    Language,
    RelaxStep,
    Rules,
    Tier,
)
from hotline.routing.policy_sections import (
    read_callbacks,
    read_counselor_choice,
    read_frequent_callers,
    read_offer,
    read_overflow,
    read_retention,
)
from hotline.yamlsource import Path, load_located

__all__ = ["Rules", "lint_rules", "load_rules", "parse_rules"]

T = TypeVar("T")
LANGUAGE_CODE = r"[a-z]{2,3}"
SAY_LANGUAGE = r"[a-z]{2,3}(-[A-Za-z0-9]{2,4})?"
SECTIONS = {
    "default_language": False,
    "tiers": True,
    "languages": True,
    "specialties": True,
    "counselor_choice": False,
    "offer": False,
    "overflow": True,
    "callbacks": False,
    "frequent_callers": False,
    "retention": False,
}


def parse_rules(text: str, file: str = "routing_rules.yaml") -> Rules:
    """Rules from the file's text; InvalidFile names every problem, each with its line."""
    r = FieldReader(load_located(text, file))
    required = [name for name, needed in SECTIONS.items() if needed]
    r.mapping((), required, optional=SECTIONS)
    tiers = _tiers(r)
    languages = _languages(r)
    default_language = r.text(("default_language",), "en", LANGUAGE_CODE, say("a language code"))
    if default_language is not None and languages and default_language not in languages:
        known = ", ".join(languages)
        r.report(
            ("default_language",),
            say(
                "language '%(code)s' is not defined (%(known)s)", code=default_language, known=known
            ),
        )
    specialties = _specialties(r)
    choice, offer, overflow = read_counselor_choice(r), read_offer(r), read_overflow(r)
    callbacks = read_callbacks(r, specialties)
    frequent, retention = read_frequent_callers(r), read_retention(r)
    if r.problems:
        raise InvalidFile(r.problems)
    order = tuple(sorted(tiers, key=lambda name: tiers[name].priority))
    return Rules(
        version=hashlib.sha256(text.encode("utf-8")).hexdigest()[:12],
        default_language=_need(default_language),
        tiers=MappingProxyType(tiers),
        tier_order=order,
        languages=MappingProxyType(languages),
        specialties=MappingProxyType(specialties),
        counselor_choice=_need(choice),
        offer=_need(offer),
        overflow=_need(overflow),
        callbacks=_need(callbacks),
        frequent_callers=_need(frequent),
        retention=_need(retention),
    )


def load_rules(path: str | os.PathLike[str]) -> Rules:
    with open(path, encoding="utf-8") as handle:
        text = handle.read()
    return parse_rules(text, os.fspath(path))


def lint_rules(path: str | os.PathLike[str]) -> list[Problem]:
    """Every problem in the file at `path`; [] when it would load."""
    try:
        load_rules(path)
    except InvalidFile as refused:
        return list(refused.problems)
    except (OSError, UnicodeDecodeError) as exc:
        return [Problem(os.fspath(path), 1, say("cannot read the file: %(error)s", error=str(exc)))]
    return []


def _need(value: T | None) -> T:
    if value is None:  # only reachable through a bug: every None comes with a problem
        raise AssertionError("a value was missing but no problem was reported")
    return value


def _tiers(r: FieldReader) -> dict[str, Tier]:
    found = r.mapping(("tiers",))
    if found is None:
        return {}
    for name in found:
        if name not in TIER_NAMES:
            r.report(
                ("tiers", name),
                say(
                    "unknown tier '%(name)s' (tiers are %(known)s)",
                    name=name,
                    known=", ".join(TIER_NAMES),
                ),
            )
    tiers: dict[str, Tier] = {}
    for name in TIER_NAMES:
        if name not in found:
            r.report(("tiers",), say("missing tier '%(name)s'", name=name))
        elif (tier := _tier(r, name)) is not None:
            tiers[name] = tier
    for more, less in itertools.pairwise(TIER_NAMES):
        if more in tiers and less in tiers and tiers[more].priority >= tiers[less].priority:
            r.report(
                ("tiers", less, "priority"),
                say(
                    "tier '%(less)s' must have a larger priority number than '%(more)s' "
                    "(1 is the most urgent)",
                    less=less,
                    more=more,
                ),
            )
    return tiers


def _tier(r: FieldReader, name: str) -> Tier | None:
    path: Path = ("tiers", name)
    before = len(r.problems)
    r.mapping(
        path, ("priority", "answer_within", "max_wait", "relax"), ("ring_timeout", "ring_at_once")
    )
    priority = r.integer((*path, "priority"), minimum=1)
    answer_within = r.integer((*path, "answer_within"), minimum=1)
    max_wait = r.integer((*path, "max_wait"), minimum=1)
    relax = _relax(r, (*path, "relax"), max_wait)
    ring_timeout = r.integer((*path, "ring_timeout"), minimum=5)
    ring_at_once = r.integer((*path, "ring_at_once"), minimum=1, default=1)
    if ring_timeout is not None and max_wait is not None and ring_timeout > max_wait:
        r.report(
            (*path, "ring_timeout"),
            say("must not be more than max_wait (%(max_wait)d)", max_wait=max_wait),
        )
    if answer_within is not None and max_wait is not None and answer_within > max_wait:
        r.report(
            (*path, "answer_within"),
            say("must not be more than max_wait (%(max_wait)d)", max_wait=max_wait),
        )
    if len(r.problems) > before:
        return None
    return Tier(
        name,
        _need(priority),
        _need(answer_within),
        _need(max_wait),
        _need(relax),
        ring_timeout,
        _need(ring_at_once),
    )


def _relax(r: FieldReader, path: Path, max_wait: int | None) -> tuple[RelaxStep, ...] | None:
    value = r.raw(path)
    if not isinstance(value, list) or not value:
        if r.present(path):
            r.report(path, say("must be a list of steps like {require: [language], after: 60}"))
        return None
    steps: list[RelaxStep] = []
    last_after: int | None = None
    last_require: RelaxStep | None = None
    for i in range(len(value)):
        step: Path = (*path, i)
        if r.mapping(step, ("require", "after")) is None:
            continue
        after = r.integer((*step, "after"))
        require = r.names((*step, "require"), REQUIREMENTS, say("requirement"))
        if after is not None:
            if i == 0 and after != 0:
                r.report((*step, "after"), say("the first relax step must have after: 0"))
            if last_after is not None and after <= last_after:
                r.report((*step, "after"), say("after must be greater than %(n)d", n=last_after))
            if max_wait is not None and after >= max_wait:
                r.report(
                    (*step, "after"),
                    say(
                        "after %(after)d is never reached: max_wait is %(max_wait)d",
                        after=after,
                        max_wait=max_wait,
                    ),
                )
            last_after = after
        if require is not None:
            this = RelaxStep(after or 0, frozenset(require))
            if last_require is not None and not this.widens(last_require):
                r.report(
                    (*step, "require"), say("a step must not require more than the step before")
                )
            last_require = this
        if after is not None and require is not None:
            steps.append(RelaxStep(after, frozenset(require)))
    return tuple(steps) if len(steps) == len(value) else None


def _languages(r: FieldReader) -> dict[str, Language]:
    found = r.mapping(("languages",))
    if found is None:
        return {}
    if not found:
        r.report(("languages",), say("at least one language is needed"))
    languages: dict[str, Language] = {}
    for code in found:
        path: Path = ("languages", code)
        before = len(r.problems)
        if not isinstance(code, str) or not re.fullmatch(LANGUAGE_CODE, code):
            r.report(
                path,
                say(
                    "language code %(code)r must be 2 or 3 lowercase letters, like 'en'", code=code
                ),
            )
        r.mapping(path, ("name", "say_language"), ("overflow", "fallback"))
        name = r.text((*path, "name"), pattern=r".*\S.*", hint=say("a name"))
        voice = r.text(
            (*path, "say_language"), None, SAY_LANGUAGE, say("a Twilio language like en-US")
        )
        overflow = r.phone((*path, "overflow"))
        fallback = r.names((*path, "fallback"), [c for c in found if c != code], say("language"))
        if len(r.problems) == before:
            languages[str(code)] = Language(
                str(code), _need(name), _need(voice), overflow, tuple(fallback or ())
            )
    return languages


def _specialties(r: FieldReader) -> dict[str, str]:
    found = r.mapping(("specialties",), SPECIALTY_IDS, SPECIALTY_IDS)
    if found is None:
        return {}
    specialties: dict[str, str] = {}
    for key in SPECIALTY_IDS:
        name = r.text(("specialties", key), pattern=r".*\S.*", hint=say("a display name"))
        if name is not None:
            specialties[key] = name
    return specialties
