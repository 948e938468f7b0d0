"""Dry-run: for one hypothetical caller, who would be offered the call, in what order, and
when each relaxation step widens the match. Pure: the same `assess` and `may_take` the
dispatcher uses, so the explanation cannot disagree with what routing does.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from hotline.routing.match import yields_wrap_up
from hotline.routing.policy import Rules
from hotline.routing.relax import assess, may_take
from hotline.routing.snapshot import (
    ON_CALL_STATES,
    Counselor,
    CounselorState,
    OnCallSummary,
    WaitingCall,
    on_call_summary,
)

DRY_RUN_ID = "dry-run"


@dataclass(frozen=True)
class Caller:
    language: str
    topic: str
    tier: str


@dataclass(frozen=True)
class StepView:
    """Relaxation step `index` of the caller's tier, as it plays out for this caller."""

    index: int
    after: int  # seconds in the queue the rules give it
    starts_at: int | None  # when the call is really at this step (None: skipped, never used)
    require: tuple[str, ...]
    adds: tuple[str, ...]  # who becomes eligible here: available longest idle first, then busy


@dataclass(frozen=True)
class Candidate:
    counselor_id: str
    step: int  # the first step at which they may take the call
    from_second: int  # seconds in the queue from which they may take it
    state: CounselorState
    idle_seconds: float  # for an available counselor: how long they have been idle

    @property
    def available(self) -> bool:
        return self.state is CounselorState.AVAILABLE


@dataclass(frozen=True)
class DryRun:
    caller: Caller
    tier: str  # the tier the rules apply (an unknown tier gets the most urgent one's)
    rank: int  # 0 = served first
    answer_within: int
    max_wait: int
    steps: tuple[StepView, ...]
    offer_order: tuple[Candidate, ...]  # available now: step first, then longest idle
    busy: tuple[Candidate, ...]  # eligible but on a call, ringing or wrapping up now
    overflow_at: int  # seconds in the queue when the call goes to the backup line
    overflow_number: str
    rules_version: str
    # In wrap-up, and rung at once if nobody available may take the call: the rules'
    # offer.wrap_up_yields_to names its tier (wrap-up nearest its end first).
    pausable: tuple[Candidate, ...] = ()


def explain(now: float, caller: Caller, counselors: Iterable[Counselor], rules: Rules) -> DryRun:
    """What would happen to `caller` joining the queue at `now`, with these counselors."""
    roster = list(counselors)
    summary = on_call_summary(roster)
    tier = rules.tier_for(caller.tier)
    call = WaitingCall(DRY_RUN_ID, caller.tier, now, caller.language, caller.topic)
    starts = _starts(now, call, rules, summary)
    steps, first_seen = _steps(now, call, rules, summary, roster, starts)
    candidates = _candidates(now, roster, first_seen)
    by_id = {c.counselor_id: c for c in roster}
    yields = yields_wrap_up(call, rules)
    pausable = [c for c in candidates if yields and c.state is CounselorState.WRAP_UP]
    pausable.sort(key=lambda c: (c.step, _ends(by_id[c.counselor_id]), c.counselor_id))
    return DryRun(
        caller=caller,
        tier=tier.name,
        rank=rules.tier_rank(caller.tier),
        answer_within=tier.answer_within,
        max_wait=tier.max_wait,
        steps=steps,
        offer_order=tuple(sorted((c for c in candidates if c.available), key=_order)),
        busy=tuple(
            sorted((c for c in candidates if not c.available and c not in pausable), key=_order)
        ),
        pausable=tuple(pausable),
        overflow_at=tier.max_wait if starts else 0,  # nobody on call could ever take it
        overflow_number=rules.overflow_number(caller.language),
        rules_version=rules.version,
    )


def _starts(now: float, call: WaitingCall, rules: Rules, summary: OnCallSummary) -> dict[int, int]:
    """Step index -> the second it really starts: the step in force at each step's own
    `after`. A step nobody on call could serve is passed at once, so it never starts, and
    the next one starts in its place."""
    starts: dict[int, int] = {}
    for step in rules.tier_for(call.tier).relax:
        standing = assess(now + step.after, call, rules, summary)
        if not standing.overflow and standing.step_index not in starts:
            starts[standing.step_index] = step.after
    return starts


def _steps(
    now: float,
    call: WaitingCall,
    rules: Rules,
    summary: OnCallSummary,
    roster: list[Counselor],
    starts: dict[int, int],
) -> tuple[tuple[StepView, ...], dict[str, tuple[int, int]]]:
    """Each relaxation step as it plays out, and the step and second from which each
    counselor on call may first take the call (counselor -> (step, second))."""
    first_seen: dict[str, tuple[int, int]] = {}
    steps: list[StepView] = []
    for index, step in enumerate(rules.tier_for(call.tier).relax):
        start = starts.get(index)
        adds: list[Counselor] = []
        if start is not None:
            standing = assess(now + start, call, rules, summary)
            for counselor in roster:
                if counselor.state not in ON_CALL_STATES or counselor.counselor_id in first_seen:
                    continue
                if may_take(counselor, call, standing):
                    first_seen[counselor.counselor_id] = (index, start)
                    adds.append(counselor)
        adds.sort(
            key=lambda c: (c.state is not CounselorState.AVAILABLE, c.idle_since, c.counselor_id)
        )
        steps.append(
            StepView(
                index=index,
                after=step.after,
                starts_at=start,
                require=tuple(sorted(step.require)),
                adds=tuple(c.counselor_id for c in adds),
            )
        )
    return tuple(steps), first_seen


def _candidates(
    now: float, roster: list[Counselor], first_seen: dict[str, tuple[int, int]]
) -> list[Candidate]:
    """Everyone eligible at some step, longest idle first."""
    return [
        Candidate(
            counselor_id=c.counselor_id,
            step=first_seen[c.counselor_id][0],
            from_second=first_seen[c.counselor_id][1],
            state=c.state,
            idle_seconds=max(0.0, now - c.idle_since)
            if c.state is CounselorState.AVAILABLE
            else 0.0,
        )
        for c in sorted(roster, key=lambda c: (c.idle_since, c.counselor_id))
        if c.counselor_id in first_seen
    ]


def _ends(counselor: Counselor) -> float:
    until = counselor.wrap_up_until
    return until if until is not None else float("inf")


def _order(candidate: Candidate) -> tuple[int, float, str]:
    return (candidate.step, -candidate.idle_seconds, candidate.counselor_id)
