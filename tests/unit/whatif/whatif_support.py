"""Rules, rosters and scenarios for the what-if tests, built from the shipped rules file."""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

import yaml

from hotline.roster import Roster, parse_roster
from hotline.routing.policy import Rules
from hotline.routing.rules import parse_rules
from hotline.whatif import ArrivalProfile, CallerModel, CounselorModel, Mix, Scenario

ROOT = Path(__file__).resolve().parents[3]
SHIPPED_RULES = (ROOT / "routing_rules.yaml").read_text(encoding="utf-8")
SHIPPED_ROSTER = (ROOT / "demo" / "roster.yaml").read_text(encoding="utf-8")
NEVER = math.inf
PATIENT = {"imminent": NEVER, "urgent": NEVER, "standard": NEVER}
FOREVER = 10**7  # a max_wait nobody reaches


def rules_text(relax: list[dict[str, Any]] | None = None, max_wait: int | None = None) -> str:
    """The shipped rules, with every tier's relax steps and/or max_wait replaced."""
    doc = yaml.safe_load(SHIPPED_RULES)
    for tier in doc["tiers"].values():
        if relax is not None:
            tier["relax"] = relax
        if max_wait is not None:
            tier["max_wait"] = max_wait
    return yaml.safe_dump(doc)


def rules(relax: list[dict[str, Any]] | None = None, max_wait: int | None = None) -> Rules:
    return parse_rules(rules_text(relax, max_wait))


def roster(*people: tuple[str, str], rules_: Rules | None = None) -> Roster:
    """Always-on-call counselors given as (languages, specialties), space-separated."""
    lines = ["timezone: America/Los_Angeles", "counselors:"]
    for i, (languages, specialties) in enumerate(people):
        lines += [
            f"  - name: C{i:02d}",
            f"    phone: '+1415555{1000 + i}'",
            f"    languages: [{', '.join(languages.split())}]",
            f"    specialties: [{', '.join(specialties.split())}]",
            "    always_on_call: true",
        ]
    known = rules_ or rules()
    return parse_roster(
        "\n".join(lines),
        "test-roster.yaml",
        languages=known.languages.keys(),
        specialties=known.specialties.keys(),
    )


def shipped_roster(known: Rules) -> Roster:
    return parse_roster(
        SHIPPED_ROSTER,
        "demo/roster.yaml",
        languages=known.languages.keys(),
        specialties=known.specialties.keys(),
    )


def flat(
    calls_per_hour: float,
    *,
    languages: dict[str, float] | None = None,
    topics: dict[str, float] | None = None,
    tiers: dict[str, float] | None = None,
    patience: dict[str, float] | None = None,
    talk_sigma: float = 0.6,
    answer_rate: float = 1.0,
    callback_take_up: float = 0.5,
) -> Scenario:
    """The same number of calls every hour, with the given mix and callers."""
    profile = ArrivalProfile(
        rates=(calls_per_hour,) * 168,
        tiers=Mix.of(tiers or {"imminent": 0.1, "urgent": 0.3, "standard": 0.6}),
        languages=Mix.of(languages or {"en": 1.0}),
        topics=Mix.of(topics or {"general": 1.0}),
    )
    callers = CallerModel(
        talk_sigma=talk_sigma,
        patience=patience or PATIENT,
        callback_take_up=callback_take_up,
    )
    return Scenario(profile, callers, CounselorModel(answer_rate=answer_rate), "test")
