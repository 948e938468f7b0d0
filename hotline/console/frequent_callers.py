"""Frequent callers, as the practice says: at `frequent_callers.threshold` calls in 7 days
a caller is assessed. Supervisors see an anonymous list (a short caller key, calls this
week, who answered, the last outcome) and may write a care plan, which the counselor who
takes that caller's next call sees on the console."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy.exc import SQLAlchemyError

from hotline.console import care_plans
from hotline.console.care_plan_seen import first_sight
from hotline.console.frequent import frequent_callers
from hotline.live.calls import LiveCall
from hotline.records.audit import audit
from hotline.runtime import Runtime

WEEK = dt.timedelta(days=7)


@dataclass(frozen=True)
class Assessed:
    short_key: str
    calls: int
    answered_by: tuple[str, ...]
    last_outcome: str
    last_call_at: dt.datetime
    has_plan: bool


def assessment_list(runtime: Runtime, now: dt.datetime) -> list[Assessed]:
    callers = frequent_callers(
        runtime.sessions, now - WEEK, runtime.rules.frequent_callers.threshold
    )
    planned = care_plans.has_plans(runtime.sessions, [c.caller_key for c in callers])
    return [
        Assessed(
            care_plans.short_key(c.caller_key),
            c.calls,
            c.answered_by,
            c.last_outcome,
            c.last_call_at,
            c.caller_key in planned,
        )
        for c in callers
    ]


def _key(runtime: Runtime, short: str, now: dt.datetime) -> str | None:
    """The full caller key of a frequent caller this week, from its short key."""
    found = [
        c.caller_key
        for c in frequent_callers(
            runtime.sessions, now - WEEK, runtime.rules.frequent_callers.threshold
        )
        if care_plans.short_key(c.caller_key) == short
    ]
    return found[0] if len(found) == 1 else None


def read_plan(runtime: Runtime, short: str, *, actor: str, now: dt.datetime) -> str | None:
    """The care plan of this week's frequent caller `short`, for a supervisor (audited);
    LookupError if no frequent caller this week has that short key."""
    key = _key(runtime, short, now)
    if key is None:
        raise LookupError(short)
    return care_plans.read_plan(
        runtime.sessions, runtime.settings, caller_key=key, actor=actor, detail={"caller": short}
    )


def write_plan(runtime: Runtime, short: str, text: str, *, actor: str, now: dt.datetime) -> None:
    """LookupError if no frequent caller this week has that short key; CarePlanError if the
    plan is too long."""
    key = _key(runtime, short, now)
    if key is None:
        raise LookupError(short)
    care_plans.save_plan(runtime.sessions, runtime.settings, caller_key=key, text=text, actor=actor)


def plan_for_call(runtime: Runtime, live: LiveCall | None, counselor_id: str) -> str | None:
    """The care plan of the caller on this counselor's call, if any; the first showing to
    this counselor on this call is audited (by call id)."""
    if live is None or live.caller_key is None:
        return None
    actor = f"counselor:{counselor_id}"
    try:
        plan = care_plans.read_plan(
            runtime.sessions,
            runtime.settings,
            caller_key=live.caller_key,
            actor=actor,
            detail={},
            audit=False,
        )
        if plan is not None and first_sight(runtime.redis, live.call_id, counselor_id):
            audit(
                runtime.sessions,
                actor=actor,
                action="care_plan.shown",
                detail={"call_id": live.call_id},
            )
    except SQLAlchemyError:
        return None
    return plan
