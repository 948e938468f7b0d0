"""What the dashboard shows, read once per poll and put into words: the live queue and
counselors, calls in progress, today's figures, the charts. The page and its live feed
(live.json) render the same panels from this, so they cannot disagree."""

from __future__ import annotations

import datetime as dt
import time
from dataclasses import dataclass
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import select

from hotline.live.calls import LiveCall
from hotline.records.models import Counselor
from hotline.runtime import Runtime
from hotline.supervision import live_figures, stats
from hotline.web.dates import SECONDS, SHORT_DAY, TIME, hotline_zone, shown
from hotline.web.names import fixed_name, language_name, topic_name
from hotline.web.supervisor.charts import bar_chart, level_chart, wait_chart
from hotline.web.supervisor.words import minutes, percent


@dataclass(frozen=True)
class Board:
    zone: str
    updated: str  # the time of this reading, in the hotline's zone and the reader's locale
    live: live_figures.LiveNumbers
    figures: stats.Figures
    calls: list[dict[str, Any]]  # in progress
    languages: dict[str, str]  # code -> name, in the rules' order
    long_after: int = 2700  # offer.talk_reminder_after: calls past it are marked long

    @property
    def goal(self) -> str:
        return percent(stats.SERVICE_GOAL)

    def tier_name(self, tier: str) -> str:
        return fixed_name("tier", tier)

    @property
    def alarm(self) -> str:
        """The header's sentence while a caller in danger waits, else ''."""
        danger = self.live.danger
        if danger is None:
            return ""
        wait, target = minutes(danger.longest_wait), minutes(danger.answer_within)
        if danger.waiting == 1:
            return str(
                _(
                    "A caller in danger has waited %(wait)s (answer within %(target)s).",
                    wait=wait,
                    target=target,
                )
            )
        return str(
            _(
                "%(num)d callers in danger are waiting, the first for %(wait)s "
                "(answer within %(target)s).",
                num=danger.waiting,
                wait=wait,
                target=target,
            )
        )

    def late_note(self, tier: live_figures.TierNow) -> str:
        return _("%(time)s over target", time=minutes(tier.late_by)) if tier.late else ""


def read(runtime: Runtime) -> Board:
    now = time.time()
    moment = dt.datetime.fromtimestamp(now, dt.UTC)
    zone = hotline_zone()
    live = live_figures.live_numbers(runtime, now)
    figures = stats.figures(runtime, moment, zone.key, live.waiting)
    return Board(
        zone=zone.key,
        updated=shown(moment, SECONDS),
        live=live,
        figures=figures,
        calls=_calls(runtime, live_figures.in_progress(runtime), now),
        languages={code: language_name(code) for code in runtime.rules.languages},
        long_after=runtime.rules.offer.talk_reminder_after,
    )


def charts(board: Board) -> dict[str, Any]:
    """The four charts: service level and wait over the last hours, calls per hour and
    per day."""
    f = board.figures
    hours = [shown(h.start, TIME) for h in f.service]
    answered = {"answered_label": _("answered"), "unanswered_label": _("not answered")}
    return {
        "level": level_chart(
            hours,
            [h.figures.service_level for h in f.service],
            goal=stats.SERVICE_GOAL,
            title=_("Answered within target, by hour"),
            goal_label=_("goal %(percent)s", percent=board.goal),
            none_label=_("no calls"),
        ),
        "wait": wait_chart(
            hours,
            [h.figures.mean_wait for h in f.service],
            [h.figures.p90_wait for h in f.service],
            title=_("Wait in the queue, by hour"),
            mean_label=_("mean"),
            p90_label=_("90 in 100 less than"),
            none_label=_("no calls"),
        ),
        "hours": bar_chart(
            [shown(s, TIME) for s in f.hours.starts],
            f.hours.answered,
            f.hours.unanswered,
            title=_("Calls per hour, last 24 hours"),
            every_label=3,
            **answered,
        ),
        "days": bar_chart(
            [shown(s, SHORT_DAY) for s in f.days.starts],
            f.days.answered,
            f.days.unanswered,
            title=_("Calls per day, last 7 days"),
            **answered,
        ),
    }


def as_json(board: Board) -> dict[str, Any]:
    """The figures as data (the panels carry them as HTML too)."""
    live, today = board.live, board.figures.today
    return {
        "updated": board.updated,
        "alarm": board.alarm,
        "tiers": [
            {
                "tier": t.tier,
                "name": board.tier_name(t.tier),
                "waiting": t.waiting,
                "by_language": t.by_language,
                "longest_wait": minutes(t.longest_wait) if t.waiting else "—",
                "target": minutes(t.answer_within),
                "late": t.late,
            }
            for t in live.tiers
        ],
        "by_state": live.by_state,
        "by_language": live.by_language,
        "in_progress": board.calls,
        "today": {
            t.tier: {
                "queued": t.queued,
                "waiting": t.waiting,
                "service_level": percent(t.service_level),
                "service_level_short_left_out": percent(t.service_level_short_left_out),
                "abandonment": percent(t.abandonment),
                "mean_wait": minutes(t.mean_wait),
                "p90_wait": minutes(t.p90_wait),
                "overflowed": t.overflowed,
                "below_target": t.below_goal,
            }
            for t in (*today.tiers, today.total)
        },
        "callbacks_pending": today.callbacks_pending,
    }


def _calls(runtime: Runtime, calls: list[LiveCall], now: float) -> list[dict[str, Any]]:
    ids = {int(cid) for c in calls if (cid := c.counselor_id) and cid.isdigit()}
    names: dict[str, str] = {}
    if ids:
        with runtime.sessions() as session:
            rows = session.execute(
                select(Counselor.id, Counselor.name).where(Counselor.id.in_(ids))
            )
            names = {str(i): name for i, name in rows}
    long_after = runtime.rules.offer.talk_reminder_after
    return [
        {
            "call_id": c.call_id,
            "tier": c.tier or "",
            "tier_name": fixed_name("tier", c.tier),
            "language": language_name(c.language),
            "topic": topic_name(c.topic),
            "counselor": names.get(c.counselor_id or "", ""),
            "talking": minutes(now - (c.connected_at or now)),
            # Past talk_reminder_after: noticed here, never cut.
            "long": now - (c.connected_at or now) >= long_after,
        }
        for c in calls
    ]
