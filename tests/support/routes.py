"""A URL for any route of the app, with a sample value for each of its variables."""

from __future__ import annotations

import re

from werkzeug.routing import Rule

SAMPLES = {"int": "1", "float": "1.0", "uuid": "00000000-0000-0000-0000-000000000000"}


def sample_url(rule: Rule) -> str:
    """The rule with a sample value for each variable (1 for numbers, "x" for the rest)."""
    values = {
        name: SAMPLES.get(type(conv).__name__.replace("Converter", "").lower(), "x")
        for name, conv in rule._converters.items()
    }
    url = rule.rule
    for name, value in values.items():
        url = re.sub(r"<(?:[^:<>]+:)?" + re.escape(name) + r">", value, url)
    return url
