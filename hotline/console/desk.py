"""What a counselor's console shows, read in one go: my state, the call ringing or in
progress, every call of mine still waiting for its wrap-up, and the queue in brief.

The card shows what the whisper says (tier, language, topic, time waited, calls this
week), never the number, and says when the call is outside my languages or specialties (a
relaxed match). A wrap-up belongs to one call: each unfiled call is listed on its own, so a
new call never takes over the form of the one before it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import Literal

from sqlalchemy import select
from sqlalchemy.exc import SQLAlchemyError

from hotline.console.frequent_callers import plan_for_call
from hotline.console.queue_brief import Queued, queued
from hotline.live.calls import LiveCall, now
from hotline.records.calls import calls_since
from hotline.records.models import CallRecord
from hotline.routing.policy import Rules
from hotline.routing.snapshot import Counselor, CounselorState
from hotline.runtime import Runtime

UNFILED_FOR = dt.timedelta(hours=12)  # a shift: older unfiled calls leave the console
ANSWERED = ("answered", "called_back")  # outcomes a counselor talked through


@dataclass(frozen=True)
class CallCard:
    call_id: str
    stage: Literal["offered", "connected", "ended"]
    tier: str | None
    language: str | None  # the language the caller chose
    topic: str | None
    waited_seconds: int | None
    calls_this_week: int  # this call included; 1 when unknown
    frequent: bool
    callback: bool
    target_seconds: int | None = None  # the tier's answer-within target
    outside_language: bool = False  # a relaxed match: I do not speak the caller's language
    outside_specialty: bool = False  # a relaxed match: the topic is not one of mine
    wrap_up_left: int | None = None  # seconds of wrap-up left, once the call has ended
    care_plan: str | None = None  # a supervisor's plan for this (frequent) caller
    talk_seconds: int | None = None  # since the caller and I were bridged
    reminder_after: int | None = None  # the rules' talk_reminder_after

    @property
    def long_call(self) -> bool:
        """Talked past talk_reminder_after: the console reminds me (the call is never cut)."""
        return (
            self.stage == "connected"
            and self.talk_seconds is not None
            and self.reminder_after is not None
            and self.talk_seconds >= self.reminder_after
        )


@dataclass(frozen=True)
class Unfiled:
    """A call of mine with no wrap-up yet. `latest`: the last call I took; `current`: the
    one my wrap-up time runs for (the latest, while I am in wrap-up)."""

    call_id: str
    started_at: dt.datetime
    tier: str | None
    language: str | None
    topic: str | None
    current: bool = False
    latest: bool = False
    paused_for: str | None = None  # its wrap-up was paused for a caller of this tier


@dataclass(frozen=True)
class TierWaiting:
    tier: str
    waiting: int  # callers on the line in my languages
    longest_seconds: int | None


@dataclass(frozen=True)
class QueueBrief:
    tiers: tuple[TierWaiting, ...]  # every tier, most urgent first
    danger_tier: str
    danger_waiting: int  # in-danger callers waiting, in any language
    danger_longest_seconds: int | None


@dataclass(frozen=True)
class Desk:
    state: str | None  # None: no live presence (not on the roster, or not synced yet)
    card: CallCard | None
    unfiled: tuple[Unfiled, ...]  # newest first
    queue: QueueBrief


def desk(runtime: Runtime, counselor_id: str) -> Desk:
    """Everything the console shows. Once an offer is accepted the offer is gone from
    Redis: the call is then the one this counselor last accepted (`CallStore.current_of`)."""
    me = runtime.presence.get(counselor_id)
    state = me.state.value if me else None
    store = runtime.calls
    current = store.current_of(counselor_id)
    live = store.get(current) if current else None
    if live is not None and (live.counselor_id != counselor_id or live.stage != "connected"):
        live = None
    card: CallCard | None = None
    offer = runtime.offers.for_counselor(counselor_id)
    if offer is not None:
        card = _offered_card(runtime, offer.call_id, me)
    elif live is not None and live.ended_at is None:
        card = _card(runtime, live, "connected", me)
    unfiled = unfiled_calls(
        runtime, counselor_id, live, wrapping=state == "wrap_up", latest=current
    )
    paused = runtime.presence.paused(counselor_id)
    if paused is not None:  # wrap-up yields to danger: say so on the wrap-up it paused
        unfiled = tuple(
            replace(u, paused_for=paused.for_tier) if u.call_id == paused.call_id else u
            for u in unfiled
        )
    if card is None and live is not None and any(u.call_id == live.call_id for u in unfiled):
        card = _card(runtime, live, "ended", me)
    if card is not None and card.stage != "ended":
        plan = plan_for_call(runtime, store.get(card.call_id), counselor_id)
        card = replace(card, care_plan=plan)
    languages = me.languages if me else frozenset()
    others = [q for q in queued(runtime.redis) if offer is None or q.call_id != offer.call_id]
    return Desk(state, card, unfiled, queue_brief(runtime.rules, others, languages))


def queue_brief(
    rules: Rules, calls: Sequence[Queued], languages: frozenset[str], *, at: float | None = None
) -> QueueBrief:
    """Callers on the line per tier in my languages, and in-danger callers in any language
    (the most urgent tier); call backs, with nobody on the line, are not counted. `calls`
    leaves out the one ringing my phone: it is on my card."""
    at = now() if at is None else at
    danger = rules.tier_order[0]
    rows = []
    for tier in rules.tier_order:
        mine = [c for c in calls if c.tier == tier and c.language in languages and not c.callback]
        rows.append(TierWaiting(tier, len(mine), _longest(mine, at)))
    in_danger = [c for c in calls if rules.tier_rank(c.tier) == 0 and not c.callback]
    return QueueBrief(tuple(rows), danger, len(in_danger), _longest(in_danger, at))


def _longest(calls: Sequence[Queued], at: float) -> int | None:
    return max((int(at - c.entered_at) for c in calls), default=None)


def unfiled_calls(
    runtime: Runtime,
    counselor_id: str,
    live: LiveCall | None,
    *,
    wrapping: bool,
    latest: str | None = None,
) -> tuple[Unfiled, ...]:
    """My answered calls of the last UNFILED_FOR with no wrap-up, newest first; the call I
    last took is among them as soon as it ends, even before its record is written."""
    found: dict[str, Unfiled] = {}
    ended = live is not None and live.ended_at is not None
    try:
        with runtime.sessions() as session:
            if ended and live is not None:
                record = session.get(CallRecord, live.call_id)
                if record is None:
                    found[live.call_id] = Unfiled(
                        live.call_id,
                        dt.datetime.fromtimestamp(live.started_at, dt.UTC),
                        live.tier,
                        live.language,
                        live.topic,
                    )
            if counselor_id.isdigit():
                since = dt.datetime.now(dt.UTC) - UNFILED_FOR
                for row in session.scalars(
                    select(CallRecord)
                    .where(
                        CallRecord.counselor_id == int(counselor_id),
                        CallRecord.started_at >= since,
                        CallRecord.disposition.is_(None),
                        CallRecord.outcome.in_(ANSWERED),
                    )
                    .order_by(CallRecord.started_at.desc())
                ):
                    found[row.id] = Unfiled(
                        row.id, aware(row.started_at), row.tier, row.language, row.topic
                    )
    except SQLAlchemyError:
        return ()
    current = live.call_id if (ended and wrapping and live is not None) else None
    rows = sorted(found.values(), key=lambda u: u.started_at, reverse=True)
    return tuple(
        Unfiled(
            u.call_id,
            u.started_at,
            u.tier,
            u.language,
            u.topic,
            current=u.call_id == current,
            latest=u.call_id == latest,
        )
        for u in rows
    )


def aware(at: dt.datetime) -> dt.datetime:
    """SQLite hands back naive datetimes; they are UTC."""
    return at if at.tzinfo is not None else at.replace(tzinfo=dt.UTC)


def _offered_card(runtime: Runtime, call_id: str, me: Counselor | None) -> CallCard | None:
    waiting = runtime.queue.get(call_id)
    live = runtime.calls.get(call_id)
    if waiting is None:
        return None
    weekly = _calls_this_week(runtime, live)
    return CallCard(
        call_id=call_id,
        stage="offered",
        tier=waiting.tier,
        language=waiting.language,
        topic=waiting.topic,
        waited_seconds=max(0, int(now() - waiting.entered_at)),
        calls_this_week=weekly,
        frequent=_frequent(runtime, weekly),
        callback=bool(live and live.callback_id),
        target_seconds=runtime.rules.tier_for(waiting.tier).answer_within,
        outside_language=me is not None and waiting.language not in me.languages,
        outside_specialty=me is not None and not me.knows(waiting.topic),
    )


def _card(
    runtime: Runtime, live: LiveCall, stage: Literal["connected", "ended"], me: Counselor | None
) -> CallCard:
    waited = None
    if live.queued_at is not None:
        waited = int((live.connected_at or live.ended_at or now()) - live.queued_at)
    left = None
    if stage == "ended":  # a wrap-up paused for a caller in danger ends later than the rules'
        ends = runtime.wrap_ups.until(live.counselor_id or "")
        if ends is None:
            ends = (live.ended_at or now()) + runtime.rules.offer.wrap_up
        left = max(0, int(ends - now()))
    weekly = _calls_this_week(runtime, live)
    return CallCard(
        call_id=live.call_id,
        stage=stage,
        tier=live.tier,
        language=live.language,
        topic=live.topic,
        waited_seconds=max(0, waited) if waited is not None else None,
        calls_this_week=weekly,
        frequent=_frequent(runtime, weekly),
        callback=live.callback_id is not None,
        target_seconds=runtime.rules.tier_for(live.tier).answer_within if live.tier else None,
        outside_language=me is not None
        and live.language is not None
        and live.language not in me.languages,
        outside_specialty=me is not None and live.topic is not None and not me.knows(live.topic),
        wrap_up_left=left,
        talk_seconds=(
            max(0, int((live.ended_at or now()) - live.connected_at))
            if live.connected_at is not None
            else None
        ),
        reminder_after=runtime.rules.offer.talk_reminder_after,
    )


def _calls_this_week(runtime: Runtime, live: LiveCall | None) -> int:
    """As the whisper counts them: records of this caller key in 7 days, plus this call
    (whose own record, once written, is not counted twice)."""
    if live is None or live.caller_key is None:
        return 1
    since = dt.datetime.fromtimestamp(now() - 7 * 24 * 3600, dt.UTC)
    try:
        count = calls_since(runtime.sessions, live.caller_key, since)
        with runtime.sessions() as session:
            own = session.get(CallRecord, live.call_id) is not None
    except SQLAlchemyError:
        return 1
    return count + (0 if own else 1)


def _frequent(runtime: Runtime, weekly: int) -> bool:
    policy = runtime.rules.frequent_callers
    return weekly >= policy.threshold and "flag" in policy.actions


def is_current_wrap_up(runtime: Runtime, counselor_id: str, call_id: str) -> bool:
    """Whether `call_id` is the call this counselor's running wrap-up time is for."""
    presence = runtime.presence.get(counselor_id)
    if presence is None or presence.state != CounselorState.WRAP_UP:
        return False
    return runtime.calls.current_of(counselor_id) == call_id
