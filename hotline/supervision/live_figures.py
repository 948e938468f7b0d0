"""The supervisor's live figures from Redis: who waits in which tier and language, since
when, and how many counselors are in each state. Read in a few round trips per poll.

Only callers on the line count as waiting: a queued callback (nobody on the line) is
counted among the callbacks pending instead, and its caller already has a record.
"""

from __future__ import annotations

from dataclasses import dataclass

from hotline.live.calls import LiveCall
from hotline.routing.snapshot import CounselorState, WaitingCall
from hotline.runtime import Runtime


@dataclass(frozen=True)
class TierNow:
    tier: str
    rank: int  # 0 is served first
    waiting: int  # callers on the line, ringing a counselor included
    longest_wait: float  # seconds; 0 when nobody waits
    answer_within: int
    by_language: dict[str, int]  # language -> callers waiting (only languages with some)

    @property
    def late(self) -> bool:
        return self.waiting > 0 and self.longest_wait > self.answer_within

    @property
    def late_by(self) -> float:
        return max(0.0, self.longest_wait - self.answer_within) if self.waiting else 0.0


@dataclass(frozen=True)
class LiveNumbers:
    tiers: tuple[TierNow, ...]  # in priority order
    by_state: dict[str, int]  # every state, 0 included
    by_language: dict[str, dict[str, int]]  # language -> state -> count (on-call states)
    waiting: tuple[WaitingCall, ...]  # callers on the line in the queue, oldest first
    danger_tier: str  # where the menus put a caller in danger (danger key or words)

    @property
    def danger(self) -> TierNow | None:
        """The tier of callers in danger now, when someone waits in it."""
        found = next((t for t in self.tiers if t.tier == self.danger_tier), None)
        return found if found is not None and found.waiting else None


def live_numbers(runtime: Runtime, now: float) -> LiveNumbers:
    rules = runtime.rules
    waiting = sorted(
        (c for c in runtime.queue.queued() if not c.callback),
        key=lambda c: c.entered_at,
    )
    order = list(rules.tier_order) + sorted({c.tier for c in waiting} - set(rules.tier_order))
    tiers = []
    for rank, name in enumerate(order):
        mine = [c for c in waiting if c.tier == name]
        languages: dict[str, int] = {}
        for c in mine:
            languages[c.language] = languages.get(c.language, 0) + 1
        # A tier no longer in the rules (edited while a caller waited) is judged strictly.
        target = rules.tiers[name].answer_within if name in rules.tiers else 0
        longest = max(0.0, now - mine[0].entered_at) if mine else 0.0
        tiers.append(TierNow(name, rank, len(mine), longest, target, languages))
    by_state = {state.value: 0 for state in CounselorState}
    by_language: dict[str, dict[str, int]] = {code: {} for code in rules.languages}
    for person in runtime.presence.all():
        by_state[person.state.value] += 1
        if person.state is CounselorState.OFF_SHIFT:
            continue
        for code in person.languages:
            states = by_language.setdefault(code, {})
            states[person.state.value] = states.get(person.state.value, 0) + 1
    danger_tier = runtime.scripts.current.danger_tier
    return LiveNumbers(tuple(tiers), by_state, by_language, tuple(waiting), danger_tier)


def in_progress(runtime: Runtime) -> list[LiveCall]:
    """Calls a counselor is talking on now, longest first."""
    return runtime.calls.connected()
