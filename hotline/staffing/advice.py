"""Staffing advice for the coverage page: the what-if's advice (hotline/whatif/staffing.py)
on the roster and rules in force, with callers learnt from the records when there are
enough (as the editor's Simulate a week does), else a usual crisis-line day."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from hotline.runtime import Runtime
from hotline.staffing.simulation import Learnt, learnt_scenario, roster_in_force
from hotline.whatif.cross_training import Suggestion, suggest
from hotline.whatif.staffing import DEFAULT_TARGET, Advice, advise

PAGE_WEEKS = 2  # weeks simulated per refining round: the page waits for the answer


@dataclass(frozen=True)
class PageAdvice:
    advice: Advice
    suggestions: tuple[Suggestion, ...]
    learnt: Learnt | None  # where the callers came from (None: the usual day)

    def advised(self, language: str, start: dt.datetime) -> int:
        """Counselors advised for `language` in the hour of the week `start` (local) is in."""
        return self.advice.advised[language][start.weekday() * 24 + start.hour]


def staffing_advice(
    runtime: Runtime, *, target: float = DEFAULT_TARGET, now: dt.datetime | None = None
) -> PageAdvice:
    roster = roster_in_force(runtime)
    rules = runtime.rules
    learnt = learnt_scenario(
        runtime.sessions, rules, roster.timezone, now=now or dt.datetime.now(dt.UTC)
    )
    scenario, source = learnt if learnt else (None, None)
    advice = advise(rules, roster, target=target, scenario=scenario, weeks=PAGE_WEEKS)
    return PageAdvice(advice, suggest(advice, rules, roster, scenario=scenario), source)
