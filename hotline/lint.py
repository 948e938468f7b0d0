"""`hotline check`: the routing rules and the IVR scripts, checked together."""

from __future__ import annotations

from pathlib import Path

from hotline.ivr.lint import lint_scripts, recording_warnings
from hotline.problems import Problem
from hotline.routing.rules import lint_rules, load_rules


def warnings_all(scripts_path: Path) -> list[Problem]:
    """What `hotline check` reports without failing: prompts still waiting for a recording."""
    return recording_warnings(scripts_path)


def lint_all(rules_path: Path, scripts_path: Path) -> list[Problem]:
    problems = lint_rules(rules_path)
    if problems:
        # Scripts are checked against the rules' ids; without valid rules, check them alone.
        return problems + lint_scripts(scripts_path)
    rules = load_rules(rules_path)
    return lint_scripts(
        scripts_path,
        languages=rules.languages.keys(),
        topics=rules.specialties.keys(),
        tiers=rules.tiers.keys(),
    )
