"""Which second language on which counselor would help most where the roster falls short.

Limited cross-training (Wallace & Whitt 2005): with two skills per person, well placed,
a call centre gets most of the benefit of everyone knowing everything. So only counselors
who speak one language are considered for a second, and each candidate is scored by the
hours of the week it would cover where the roster has fewer speakers of that language than
advised; the best few are simulated (the same callers, the roster with that one change) so
the report gives what each would change, not only a count of hours.
"""

from __future__ import annotations

from dataclasses import dataclass

from hotline.roster import Roster
from hotline.routing.policy import Rules
from hotline.whatif.model import Scenario
from hotline.whatif.runner import default_start, simulate
from hotline.whatif.staff import staff_from
from hotline.whatif.staffing import Advice, with_language

TRIED = 3  # candidates simulated


@dataclass(frozen=True)
class Suggestion:
    counselor: str
    language: str
    short_hours: int  # hours of the week it covers where that language is short
    service_level: float | None  # all calls, with the change (None: not simulated)
    language_match: float | None


def on_shift_hours(roster: Roster) -> dict[str, set[int]]:
    """Hours of the week each counselor is on shift for the whole of."""
    start = default_start(roster.timezone)
    out: dict[str, set[int]] = {}
    for person in staff_from(roster, start, 7 * 24 * 3600.0):
        out[person.counselor_id] = {
            h
            for h in range(7 * 24)
            if any(on <= h * 3600 and off >= (h + 1) * 3600 for on, off in person.on_shift)
        }
    return out


def suggest(
    advice: Advice,
    rules: Rules,
    roster: Roster,
    *,
    scenario: Scenario | None = None,
    seed: int = 1,
    days: int | None = None,
) -> tuple[Suggestion, ...]:
    """The best few candidates, each simulated on the callers the advice was refined on."""
    days = days or advice.baseline.days
    hours = on_shift_hours(roster)
    short = {code: set(advice.short(code)) for code in advice.advised}
    scored = sorted(
        (
            (len(hours[c.name] & short[code]), c.name, code)
            for c in roster.counselors
            if len(c.languages) < 2
            for code in rules.languages
            if code not in c.languages
        ),
        key=lambda t: (-t[0], t[1], t[2]),
    )
    out = []
    for rank, (covered, name, code) in enumerate(t for t in scored if t[0] > 0):
        if rank >= TRIED:
            out.append(Suggestion(name, code, covered, None, None))
            continue
        changed = with_language(roster, name, code)
        report = simulate(rules, changed, days=days, seed=seed, scenario=scenario, ideal=False)
        out.append(
            Suggestion(name, code, covered, report.overall.service_level, report.language_match)
        )
    return tuple(out[: TRIED + 2])
