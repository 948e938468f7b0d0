"""What the hold message may say about the wait: an estimate from live state, held to the
promise the service itself keeps (a person answers by the caller's own overflow).

Pure: a snapshot of the queue and the counselors in, an announcement out.
"""

from __future__ import annotations

import bisect
import math
from collections.abc import Iterable
from dataclasses import dataclass

from hotline.routing.match import yields_wrap_up
from hotline.routing.policy import Rules
from hotline.routing.relax import Standing, assess, may_take
from hotline.routing.snapshot import (
    Counselor,
    CounselorState,
    OnCallSummary,
    WaitingCall,
    on_call_summary,
)

IN_DANGER = "imminent"  # to these callers no wait is ever said, only when a person answers
SOONEST_SAID = 60.0  # seconds; sooner than this the caller is about to be offered: say nothing


@dataclass(frozen=True)
class Announcement:
    """At most one of the two is set; neither: say nothing about time.

    `minutes`: "The wait is about N minutes", never more than the time left before this
    caller's overflow. `within`: "A person will answer within N minutes": the least whole
    number of minutes that is true, because the caller is dialled through to a person
    (the backup line) at their overflow, if no counselor answered before.
    """

    minutes: int | None = None
    within: int | None = None


SAY_NOTHING = Announcement()


@dataclass(frozen=True)
class CallTimes:
    """How long a counselor is busy with a call: talk time from the records, then the
    wrap-up of the rules."""

    talk: float
    wrap_up: float

    @property
    def handle(self) -> float:
        return self.talk + self.wrap_up


def expected_wait(
    now: float,
    me: WaitingCall,
    waiting: Iterable[WaitingCall],
    counselors: Iterable[Counselor],
    rules: Rules,
    times: CallTimes,
) -> float | None:
    """Seconds until `me` is likely offered to a counselor; None if no counselor on call
    is likely to take them before their overflow.

    The callers ahead (strict order: tier, then time entered, as the matcher serves them)
    and then `me` each take, in turn, the counselor who could take them soonest: now if
    available, when their wrap-up ends (at once, for a tier the wrap-up yields to), half
    a call from now if talking, a whole call if being rung for someone; and only from
    the moment the call's relaxation steps let that counselor take it. Each call keeps
    its counselor busy one call (talk plus wrap-up). Callers who will arrive later and go
    ahead (a more urgent tier) are not known: the figure is an estimate, said as one.
    """
    roster = {c.counselor_id: c for c in counselors}
    on_call = on_call_summary(roster.values())
    free_at = {
        cid: t for cid, c in roster.items() if (t := _free_at(now, c, rules, times)) is not None
    }
    pausable = {cid for cid, c in roster.items() if c.state is CounselorState.WRAP_UP}
    mine = _order(rules, me)
    ahead = sorted(
        (c for c in waiting if c.call_id != me.call_id and _order(rules, c) < mine),
        key=lambda c: _order(rules, c),
    )
    for call in [*ahead, me]:
        timeline = _timeline(now, call, rules, on_call)
        pauses = yields_wrap_up(call, rules)
        best: tuple[float, str] | None = None
        starts = sorted(
            (now if pauses and cid in pausable else max(ready, now), cid)
            for cid, ready in free_at.items()
        )
        for start, cid in starts:
            if best is not None and start > best[0]:
                break  # nobody free later can take it sooner
            t = timeline.first_eligible(start, roster[cid], call)
            if t is not None and (best is None or (t, cid) < best):
                best = (t, cid)
        if best is None:
            if call is me:
                return None
            continue  # it overflows (or, a callback, waits on): nobody's time is taken
        t, cid = best
        free_at[cid] = t + times.handle
        pausable.discard(cid)
        if call is me:
            return t - now
    return None  # unreachable: `me` is the last call of the loop


def announce(now: float, me: WaitingCall, rules: Rules, wait_seconds: float | None) -> Announcement:
    """What the hold message says about time, for `expected_wait`'s figure.

    A caller in danger hears no minutes of waiting at all, only when a person will answer.
    Anyone else hears "about N minutes" when the estimate is a minute or more and N whole
    minutes (rounded up; past 10 minutes up to a multiple of 5, unless that would pass the
    overflow) still come before their overflow; otherwise, when a person will answer.
    Sooner than a minute, nothing: an offer is near.
    """
    tier = rules.tier_for(me.tier)
    left = me.entered_at + tier.max_wait - now
    if left <= 0 or me.callback:
        return SAY_NOTHING  # overflowing now (or nobody on the line to tell)
    within = max(1, math.ceil(left / 60))
    if tier.name == IN_DANGER:
        return Announcement(within=within)
    if wait_seconds is None or wait_seconds >= left:
        return Announcement(within=within)
    if wait_seconds < SOONEST_SAID:
        return SAY_NOTHING
    minutes = math.ceil(wait_seconds / 60)
    rounder = math.ceil(minutes / 5) * 5 if minutes > 10 else minutes
    for said in (rounder, minutes):
        if said * 60 <= left:
            return Announcement(minutes=said)
    return Announcement(within=within)


def _order(rules: Rules, call: WaitingCall) -> tuple[int, float, str]:
    return (rules.tier_rank(call.tier), call.entered_at, call.call_id)


def _free_at(now: float, c: Counselor, rules: Rules, times: CallTimes) -> float | None:
    """When a counselor on call is next likely free; None if they are not on call."""
    if c.state is CounselorState.AVAILABLE:
        return now
    if c.state is CounselorState.WRAP_UP:
        return c.wrap_up_until if c.wrap_up_until is not None else now + times.wrap_up
    if c.state is CounselorState.ON_CALL:
        return now + times.talk / 2 + times.wrap_up
    if c.state is CounselorState.RINGING:
        return now + rules.offer.ring_timeout / 2 + times.handle
    return None


@dataclass(frozen=True)
class _Timeline:
    """A call's standing from `now` on: it changes only when a relaxation step falls, the
    wait for a preferred counselor ends or max_wait passes, so it is judged once for
    each of those moments (`assess` per call, not per call and counselor)."""

    moments: tuple[float, ...]  # now, then each change, ascending
    standings: tuple[Standing, ...]
    deadline: float  # its overflow (inf for a callback)

    def first_eligible(self, start: float, counselor: Counselor, call: WaitingCall) -> float | None:
        """The first moment from `start` the rules let `counselor` take `call`; None if
        that is at or past the call's overflow."""
        i = max(0, bisect.bisect_right(self.moments, start) - 1)
        t = start
        while i < len(self.moments):
            if t >= self.deadline:
                return None
            if may_take(counselor, call, self.standings[i]):
                return t
            i += 1
            if i < len(self.moments):
                t = self.moments[i]
        return None


def _timeline(now: float, call: WaitingCall, rules: Rules, on_call: OnCallSummary) -> _Timeline:
    tier = rules.tier_for(call.tier)
    deadline = math.inf if call.callback else call.entered_at + tier.max_wait
    changes = [call.entered_at + step.after for step in tier.relax]
    changes.append(call.entered_at + rules.counselor_choice.prefer_counselor_for)
    moments = (now, *sorted({t for t in changes if now < t < deadline}))
    return _Timeline(moments, tuple(assess(t, call, rules, on_call) for t in moments), deadline)
