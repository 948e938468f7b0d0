"""Waiting calls bucketed by (tier, language, topic), so a free counselor's call is found fast.

A bucket is kept oldest first. Older calls are never less eligible than younger ones in the
same bucket, so `best_call_for` reads only the first few entries of each bucket: its cost
grows with the number of buckets (tiers x languages x topics) and log(queue length).
"""

from __future__ import annotations

import bisect
from collections.abc import Iterable, Iterator
from typing import TypeVar

from hotline.routing.policy import Rules
from hotline.routing.relax import assess, may_take
from hotline.routing.snapshot import Counselor, CounselorState, OnCallSummary, WaitingCall

Entry = tuple[float, str, WaitingCall]  # (entered_at, call_id, call): the queue order
Bucket = list[Entry]
K1 = TypeVar("K1")
K2 = TypeVar("K2")


class QueueIndex:
    """In-memory index of the waiting calls; no I/O."""

    def __init__(self, calls: Iterable[WaitingCall] = ()) -> None:
        self._calls: dict[str, WaitingCall] = {}
        self._buckets: dict[str, dict[tuple[str, str], Bucket]] = {}  # tier -> (lang, topic)
        self._preferring: dict[str, dict[str, Bucket]] = {}  # counselor -> tier -> calls
        for call in calls:
            self.add(call)

    def __len__(self) -> int:
        return len(self._calls)

    def __contains__(self, call_id: object) -> bool:
        return call_id in self._calls

    def get(self, call_id: str) -> WaitingCall | None:
        return self._calls.get(call_id)

    def add(self, call: WaitingCall) -> None:
        """Index `call`; a call already present under the same id is replaced."""
        self.remove(call.call_id)
        self._calls[call.call_id] = call
        entry: Entry = (call.entered_at, call.call_id, call)
        by_key = self._buckets.setdefault(call.tier, {})
        bisect.insort(by_key.setdefault((call.language, call.topic), []), entry)
        if call.preferred_counselor is not None:
            by_tier = self._preferring.setdefault(call.preferred_counselor, {})
            bisect.insort(by_tier.setdefault(call.tier, []), entry)

    def remove(self, call_id: str) -> WaitingCall | None:
        """Take a call out (offered, overflowed, hung up); None if it was not here."""
        call = self._calls.pop(call_id, None)
        if call is None:
            return None
        entry: Entry = (call.entered_at, call.call_id, call)
        _discard(self._buckets, call.tier, (call.language, call.topic), entry)
        if call.preferred_counselor is not None:
            _discard(self._preferring, call.preferred_counselor, call.tier, entry)
        return call

    def tiers(self) -> Iterator[str]:
        return iter(self._buckets)

    def buckets(self, tier: str) -> Iterable[Bucket]:
        return self._buckets.get(tier, {}).values()

    def preferring(self, counselor_id: str, tier: str) -> Bucket:
        return self._preferring.get(counselor_id, {}).get(tier, [])


def _discard(nested: dict[K1, dict[K2, Bucket]], outer: K1, inner: K2, entry: Entry) -> None:
    bucket = nested[outer][inner]
    del bucket[bisect.bisect_left(bucket, entry[:2])]
    if not bucket:
        del nested[outer][inner]
        if not nested[outer]:
            del nested[outer]


def best_call_for(
    now: float, counselor: Counselor, index: QueueIndex, rules: Rules, on_call: OnCallSummary
) -> WaitingCall | None:
    """The call a newly free counselor should be offered: the one `plan` would give them.

    Strict tier order, then oldest first; None if no waiting call may go to them now. A
    counselor in wrap-up is considered only for callers on the line of the tiers the rules'
    `offer.wrap_up_yields_to` names (as `plan` would, were nobody available for them).
    """
    pausing = counselor.state is CounselorState.WRAP_UP
    if counselor.state is not CounselorState.AVAILABLE and not pausing:
        return None
    yields_to = rules.offer.wrap_up_yields_to
    ranks: dict[int, list[str]] = {}
    for tier in index.tiers():
        if not pausing or rules.tier_for(tier).name in yields_to:
            ranks.setdefault(rules.tier_rank(tier), []).append(tier)
    for rank in sorted(ranks):
        best: Entry | None = None
        for tier in ranks[rank]:
            max_wait = rules.tier_for(tier).max_wait
            mine = index.preferring(counselor.counselor_id, tier)
            for bucket in (mine, *index.buckets(tier)):
                found = _first_for(
                    now, counselor, bucket, max_wait, rules, on_call, bucket is mine, pausing
                )
                if found is not None and (best is None or found[:2] < best[:2]):
                    best = found
        if best is not None:
            return best[2]
    return None


def _first_for(
    now: float,
    counselor: Counselor,
    bucket: Bucket,
    max_wait: int,
    rules: Rules,
    on_call: OnCallSummary,
    mixed: bool = False,
    on_the_line: bool = False,
) -> Entry | None:
    """The oldest call in `bucket` `counselor` may take, or None.

    Skips calls past max_wait (a prefix) and calls still waiting for another preferred
    counselor (recent arrivals only, so few). The first call left decides for the bucket:
    a younger one is no more relaxed; calls preferring `counselor` are in their own bucket.
    That one is `mixed` (any language and topic), so it is read on until a call fits; all
    fit unless `on_call` is stale, as the free counselor is on call. With `on_the_line`,
    callbacks are passed over (nobody waits on them for a counselor in wrap-up).
    """
    start = bisect.bisect_left(bucket, True, key=lambda e: now - e[0] < max_wait)
    for i in range(start, len(bucket)):
        call = bucket[i][2]
        if on_the_line and call.callback:
            continue
        standing = assess(now, call, rules, on_call)
        if standing.preferred_only and call.preferred_counselor != counselor.counselor_id:
            continue
        if may_take(counselor, call, standing):
            return bucket[i]
        if not mixed:
            return None
    return None
