"""Edits of the shipped rules text that tests make, found by tier and requirement rather
than by the shipped times, so tuning the shipped defaults does not break them."""

from __future__ import annotations

import re
from collections.abc import Callable

STEP = r"\{{require: \[{require}\], after: (\d+)\}}"


def _tier_span(text: str, tier: str) -> tuple[int, int]:
    start = text.index(f"\n  {tier}:")
    found = re.compile(r"\n  \S[^\n]*:").search(text, start + 1)
    nxt = re.compile(r"\n\S").search(text, start + 1)
    ends = [m.start() for m in (found, nxt) if m is not None]
    return start, min(ends) if ends else len(text)


def in_tier(text: str, tier: str, edit: Callable[[str], str]) -> str:
    """`text` with `edit` applied to the block of `tier` only."""
    start, end = _tier_span(text, tier)
    return text[:start] + edit(text[start:end]) + text[end:]


def step_after(text: str, tier: str, require: str) -> int:
    """The `after` of the tier's first relax step requiring exactly `require`
    ("language", "language, specialty", "" for anyone)."""
    start, end = _tier_span(text, tier)
    found = re.search(STEP.format(require=re.escape(require)), text[start:end])
    assert found, f"no step requiring [{require}] in {tier}"
    return int(found.group(1))


def retime(text: str, tier: str, require: str, after: int) -> str:
    """The tier's first step requiring exactly `require`, moved to `after` seconds."""
    pattern = re.compile(STEP.format(require=re.escape(require)))
    return in_tier(
        text, tier, lambda block: pattern.sub(f"{{require: [{require}], after: {after}}}", block, 1)
    )
