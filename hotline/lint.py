"""`hotline check`: the routing rules and the IVR scripts, checked together."""

from __future__ import annotations

from pathlib import Path

from hotline.problems import Problem
from hotline.routing.rules import lint_rules, load_rules


def lint_all(rules_path: Path, scripts_path: Path) -> list[Problem]:
    from hotline.ivr.lint import lint_scripts

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
