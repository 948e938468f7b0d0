"""Plan offers for a snapshot of the queue: most urgent tier first, then longest waited."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from hotline.routing.policy import Rules
from hotline.routing.relax import Standing, assess, closeness, may_take
from hotline.routing.snapshot import (
    Counselor,
    CounselorState,
    WaitingCall,
    on_call_summary,
)

__all__ = [
    "Counselor",
    "CounselorState",
    "Offer",
    "Plan",
    "WaitingCall",
    "plan",
    "yields_wrap_up",
]


@dataclass(frozen=True)
class Offer:
    call_id: str
    counselor_id: str
    step: int  # 0-based relax step the call was at
    from_wrap_up: bool = False  # the counselor is in wrap-up: this call may pause it
    # Rung beside the call's first offer (its tier's ring_at_once): whoever accepts first
    # takes the call.
    companion: bool = False


@dataclass(frozen=True)
class Plan:
    offers: tuple[Offer, ...]
    overflows: tuple[str, ...]  # call ids to send to the backup line now
    next_due: float | None  # earliest time a waiting call's eligibility widens or it overflows


def plan(
    now: float,
    waiting: Iterable[WaitingCall],
    counselors: Iterable[Counselor],
    rules: Rules,
    *,
    rules_for: Callable[[str], Rules] | None = None,
) -> Plan:
    """Offers for every call someone can take now, and the calls that must overflow.

    `rules` are the rules in force; with `rules_for`, each call's relaxation steps,
    max_wait and wrap-up yielding come from the version it entered with (its
    `rules_version`), so publishing new rules never changes the deal a waiting caller
    already has.

    Calls are served in strict order (tier, entered_at), so an urgent caller is never passed
    over, each by the free eligible counselor who fits it closest (`_by_fit`), then the
    longest idle. A caller on the line whose tier `offer.wrap_up_yields_to` names, and whom
    no available counselor may take, goes to an eligible counselor in wrap-up (the one whose
    wrap-up ends soonest): a person in danger does not wait behind paperwork. No other call
    takes a counselor out of wrap-up. Cost is O(calls x counselors).
    """
    roster = list(counselors)
    on_call = on_call_summary(roster)
    available = {c.counselor_id: c for c in reversed(roster) if c.state is CounselorState.AVAILABLE}
    free = sorted(available.values(), key=lambda c: (c.idle_since, c.counselor_id))
    wrapping = {
        c.counselor_id: c
        for c in reversed(roster)
        if c.state is CounselorState.WRAP_UP and c.counselor_id not in available
    }
    pausable = sorted(wrapping.values(), key=_wrap_up_order)
    calls: dict[str, tuple[Standing, WaitingCall, Rules]] = {}
    for call in waiting:
        if call.call_id not in calls:
            own = rules_for(call.rules_version) if rules_for is not None else rules
            calls[call.call_id] = (assess(now, call, own, on_call), call, own)
    order = sorted(calls.values(), key=lambda sc: (sc[0].rank, sc[1].entered_at, sc[1].call_id))
    offers: list[Offer] = []
    overflows: list[str] = []
    due: list[float] = []
    for standing, call, own in order:
        if standing.overflow:
            overflows.append(call.call_id)
            continue
        chosen = next(iter(_by_fit(free, call, own, standing)), None)
        if chosen is not None:
            free.remove(chosen)
        elif yields_wrap_up(call, own):
            chosen = next((c for c in pausable if may_take(c, call, standing)), None)
            if chosen is not None:
                pausable.remove(chosen)
        if chosen is not None:
            pausing = chosen.state is CounselorState.WRAP_UP
            offers.append(Offer(call.call_id, chosen.counselor_id, standing.step_index, pausing))
        elif standing.next_due is not None:
            due.append(standing.next_due)
    offers += _companions(offers, calls, free)
    return Plan(tuple(offers), tuple(overflows), min(due, default=None))


def _by_fit(
    free: list[Counselor], call: WaitingCall, rules: Rules, standing: Standing
) -> list[Counselor]:
    """The free counselors who may take the call, closest fit first (its preferred
    counselor, then the earliest relax step they meet: a relaxed call still gets its
    language when a speaker is free); among equals, the longest idle (`free` is in idle
    order, and the sort is stable)."""
    eligible = [c for c in free if may_take(c, call, standing)]
    return sorted(eligible, key=lambda c: closeness(c, call, rules, standing))


def _companions(
    offers: list[Offer],
    calls: dict[str, tuple[Standing, WaitingCall, Rules]],
    free: list[Counselor],
) -> list[Offer]:
    """More counselors to ring at once for a caller whose tier's ring_at_once asks for it,
    from those still free once every waiting call has had its offer: nobody any other
    waiting caller could have had now. Only available counselors, never one in wrap-up."""
    out: list[Offer] = []
    for first in offers:
        standing, call, own = calls[first.call_id]
        more = own.tier_for(call.tier).ring_at_once - 1
        if more <= 0 or call.callback:
            continue
        for c in _by_fit(free, call, own, standing)[:more]:
            free.remove(c)
            out.append(Offer(call.call_id, c.counselor_id, standing.step_index, companion=True))
    return out


def yields_wrap_up(call: WaitingCall, rules: Rules) -> bool:
    """Whether `call` may take a counselor out of wrap-up: a caller on the line (a callback
    has nobody waiting on it) of a tier the rules name in `offer.wrap_up_yields_to`."""
    return not call.callback and rules.tier_for(call.tier).name in rules.offer.wrap_up_yields_to


def _wrap_up_order(c: Counselor) -> tuple[float, float, str]:
    """Whose wrap-up to pause first: the one nearest its end (least left undone)."""
    until = c.wrap_up_until if c.wrap_up_until is not None else float("inf")
    return (until, c.idle_since, c.counselor_id)
