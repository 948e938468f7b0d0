"""Where a waiting call stands now: its relaxation step, whom it waits for, when that changes.

Both the snapshot planner and the queue index judge calls through `assess` and `may_take`,
so they cannot disagree about who may take what.
"""

from __future__ import annotations

from dataclasses import dataclass

from hotline.routing.policy import RelaxStep, Rules
from hotline.routing.snapshot import Counselor, OnCallSummary, WaitingCall


@dataclass(frozen=True)
class Standing:
    rank: int  # 0 = most urgent tier
    overflow: bool  # past max_wait, or nobody on call could ever serve it
    step_index: int  # 0-based relax step in force (the last one if none can be served)
    step: RelaxStep | None  # None when overflowing, or no step is servable (preferred only)
    preferred_only: bool  # waiting for its preferred counselor: nobody else may take it
    next_due: float | None  # when its eligibility next widens or it must overflow
    # The languages a counselor must speak one of to take it now; None: any language.
    speaks: frozenset[str] | None = None


def assess(now: float, call: WaitingCall, rules: Rules, on_call: OnCallSummary) -> Standing:
    """The call's standing at `now`.

    The step is the last one whose `after` has passed, moved on at once past any step that
    nobody on call could serve. Steps require ever less, so older calls are never less
    eligible than younger ones with the same tier, language and topic.
    """
    tier = rules.tier_for(call.tier)
    rank = rules.tier_rank(call.tier)
    waited = now - call.entered_at
    deadline = call.entered_at + tier.max_wait
    steps = tier.relax
    last = len(steps) - 1
    preferred_on_call = (
        call.preferred_counselor is not None and call.preferred_counselor in on_call.counselor_ids
    )
    index = 0
    while index < last and steps[index + 1].after <= waited:
        index += 1
    fallbacks = rules.fallbacks(call.language)
    while index <= last and not on_call.can_serve(
        steps[index], call.language, call.topic, fallbacks
    ):
        index += 1
    servable = index <= last
    if call.callback:
        deadline = float("inf")  # nobody to send to a backup line: it waits its turn
        if not (servable or preferred_on_call):
            return Standing(rank, False, last, None, False, None)
    elif waited >= tier.max_wait or not (servable or preferred_on_call):
        return Standing(rank, True, min(index, last), None, False, None)
    step = steps[index] if servable else None
    speaks = _speaks(step, call.language, fallbacks)
    prefer_for = rules.counselor_choice.prefer_counselor_for
    if preferred_on_call and waited < prefer_for:
        due: float | None = min(call.entered_at + prefer_for, deadline)
        return Standing(rank, False, min(index, last), step, True, due, speaks)
    if index < last:
        deadline = min(deadline, call.entered_at + steps[index + 1].after)
    due = deadline if deadline != float("inf") else None
    return Standing(rank, False, min(index, last), step, False, due, speaks)


def _speaks(
    step: RelaxStep | None, language: str, fallbacks: tuple[str, ...]
) -> frozenset[str] | None:
    if step is None or not (step.language or step.fallback_language):
        return None
    return frozenset((language, *fallbacks) if step.fallback_language else (language,))


def may_take(counselor: Counselor, call: WaitingCall, standing: Standing) -> bool:
    """Whether `counselor` is eligible for `call` (availability is the caller's concern).

    A call's preferred counselor may always take it; anyone else only once it no longer
    waits for them, and only with what the current step requires.
    """
    if standing.overflow:
        return False
    if call.preferred_counselor == counselor.counselor_id:
        return True
    step = standing.step
    if standing.preferred_only or step is None:
        return False
    return _meets(counselor, call.topic, step, standing.speaks)


def _meets(
    counselor: Counselor, topic: str, step: RelaxStep, speaks: frozenset[str] | None
) -> bool:
    """Whether the counselor has what `step` asks (`speaks`: the languages it accepts)."""
    if speaks is not None and speaks.isdisjoint(counselor.languages):
        return False
    return not step.specialty or counselor.knows(topic)


def closeness(counselor: Counselor, call: WaitingCall, rules: Rules, standing: Standing) -> int:
    """How closely an eligible counselor fits the call: the first relax step of its tier whose
    requirements they meet (0: language and specialty, as the tier asks first), -1 for the
    call's preferred counselor. Once a call has relaxed, whoever fits closest among the free
    takes it: a caller who waited long enough for anyone still gets a counselor who speaks
    their language when one is free now."""
    if call.preferred_counselor == counselor.counselor_id:
        return -1
    steps = rules.tier_for(call.tier).relax
    fallbacks = rules.fallbacks(call.language)
    for index, step in enumerate(steps[: standing.step_index]):
        if _meets(counselor, call.topic, step, _speaks(step, call.language, fallbacks)):
            return index
    return standing.step_index
