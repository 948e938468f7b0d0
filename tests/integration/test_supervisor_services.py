"""The supervisor's services on both back-ends: dry-run against live presence, dashboard
figures from known records, coverage gaps, record browsing and export, roster edits."""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select

from hotline.call_records import browse as records_browse
from hotline.live.presence import Presence
from hotline.live.queue import LiveQueue
from hotline.records.models import AuditEvent, Callback, CallRecord
from hotline.records.vault import cipher
from hotline.routing.explain import Caller
from hotline.routing.snapshot import CounselorState, WaitingCall
from hotline.rules import dry_run, publishing
from hotline.runtime import Runtime
from hotline.staffing import coverage, roster_edit
from hotline.staffing.roster_edit import CounselorForm, FormErrors
from hotline.supervision import live_figures, stats
from tests.conftest import ROOT
from tests.support.rules_text import in_tier

RULES = (ROOT / "routing_rules.yaml").read_text()
UTC = dt.UTC
NOW = dt.datetime(2026, 11, 24, 15, 30, tzinfo=UTC)  # a Tuesday


def _record(runtime: Runtime, call_id: str, at: dt.datetime, **fields: object) -> None:
    values: dict[str, object] = {
        "caller_key": "k-" + call_id,
        "language": "en",
        "topic": "general",
        "tier": "urgent",
        "outcome": "answered",
        "queue_seconds": 10,
    }
    values.update(fields)
    with runtime.sessions.begin() as session:
        session.add(CallRecord(id=call_id, started_at=at.astimezone(UTC), **values))


def _counselor(runtime: Runtime, name: str, languages: list[str], **kw: object) -> int:
    form = CounselorForm(
        name=name,
        phone=str(kw.pop("phone", "+14155550123")),
        languages=languages,
        specialties=list(kw.pop("specialties", [])),  # type: ignore[call-overload]
        timezone=str(kw.pop("timezone", "UTC")),
        always_on_call=bool(kw.pop("always_on_call", False)),
    )
    return roster_edit.save_counselor(runtime, form, actor="sup")


# --- dry-run -------------------------------------------------------------------------


def test_dry_run_order_changes_after_a_publish_that_relaxes_the_first_step(
    runtime: Runtime,
) -> None:
    presence = Presence(runtime.redis)
    now = NOW.timestamp()
    for cid, langs, specs, idle in (
        ("1", ["yue"], ["youth"], 100),
        ("2", ["yue", "en"], ["suicide"], 500),
        ("3", ["en"], ["youth"], 1000),
    ):
        presence.upsert(cid, languages=langs, specialties=specs)
        presence.set_state(cid, CounselorState.AVAILABLE, now - idle)
    caller = Caller("yue", "youth", "urgent")
    before = dry_run.dry_run(runtime, caller, at=NOW)
    assert [c.counselor_id for c in before.offer_order] == ["1", "2", "3"]
    relaxed = in_tier(
        RULES,
        "urgent",
        lambda block: re.sub(
            r"      - \{require: \[language, specialty\], after: 0\}\n"
            r"      - \{require: \[language\], after: \d+\}\n",
            "      - {require: [language], after: 0}\n",
            block,
        ),
    )
    assert relaxed != RULES
    proposed = publishing.check_rules(runtime, relaxed).rules
    assert proposed is not None
    preview = dry_run.dry_run(runtime, caller, at=NOW, rules=proposed)
    assert [c.counselor_id for c in preview.offer_order] == ["2", "1", "3"]
    assert dry_run.dry_run(runtime, caller, at=NOW).offer_order == before.offer_order
    publishing.publish_rules(runtime, relaxed, actor="sup")
    after = dry_run.dry_run(runtime, caller, at=NOW)
    assert [c.counselor_id for c in after.offer_order] == ["2", "1", "3"]
    assert after.rules_version == proposed.version


def test_dry_run_against_the_shifts_at_a_time(runtime: Runtime) -> None:
    night = _counselor(runtime, "Night Owl", ["zh"], specialties=["youth"])
    roster_edit.set_shifts(runtime, night, "tue 22:00-06:00", actor="sup")
    _counselor(runtime, "Day Lark", ["zh"], phone="+14155550124")
    at_night = dt.datetime(2026, 11, 25, 2, 0, tzinfo=UTC)  # Wednesday 02:00: Tuesday's shift
    run = dry_run.dry_run(runtime, Caller("zh", "youth", "standard"), at=at_night, roster="shifts")
    assert [c.counselor_id for c in run.offer_order] == [str(night)]
    noon = dry_run.dry_run(runtime, Caller("zh", "youth", "standard"), at=NOW, roster="shifts")
    assert noon.offer_order == () and noon.overflow_at == 0


# --- dashboard figures -----------------------------------------------------------------


def test_service_level_abandonment_and_waits_from_known_records(runtime: Runtime) -> None:
    morning = NOW.replace(hour=9)
    for n, (wait, outcome) in enumerate(
        [(30, "answered"), (90, "answered"), (10, "hung_up_queue"), (300, "overflowed")]
    ):
        _record(runtime, f"u{n}", morning, queue_seconds=wait, outcome=outcome)
    _record(runtime, "s0", morning, tier="standard", queue_seconds=100)
    _record(runtime, "ivr", morning, queue_seconds=None, outcome="hung_up_ivr")
    _record(runtime, "yesterday", NOW - dt.timedelta(days=1), queue_seconds=500)
    for cid, status in (("c1", "scheduled"), ("c2", "done"), ("c3", "queued")):
        with runtime.sessions.begin() as session:
            session.add(
                Callback(
                    id=cid,
                    call_id=cid,
                    vault_id="v" + cid,
                    source="queue",
                    language="en",
                    topic="general",
                    tier="urgent",
                    entered_at=morning,
                    due_at=morning,
                    created_at=morning,
                    updated_at=morning,
                    status=status,
                )
            )
    today = stats.today(runtime, NOW)
    urgent = next(t for t in today.tiers if t.tier == "urgent")
    assert (urgent.queued, urgent.answered, urgent.answered_in_target) == (4, 2, 1)
    assert urgent.service_level == 0.25 and urgent.abandonment == 0.25
    assert urgent.overflowed == 1
    assert urgent.mean_wait == pytest.approx(107.5) and urgent.p90_wait == 300
    standard = next(t for t in today.tiers if t.tier == "standard")
    assert standard.service_level == 1.0  # 100 s against 180 s
    imminent = next(t for t in today.tiers if t.tier == "imminent")
    assert imminent.service_level is None
    assert today.total.queued == 5 and today.total.answered_in_target == 2
    assert today.callbacks_pending == 2
    hours = stats.by_hour(runtime, NOW)
    assert len(hours.calls) == 24 and hours.labels[-1] == "15"
    assert hours.calls[hours.labels.index("09")] == 6 and sum(hours.calls) == 6  # 24 h only
    days = stats.by_day(runtime, NOW)
    assert days.calls[-1] == 6 and days.calls[-2] == 1 and days.answered[-1] == 3
    # The same day seen from Shanghai (UTC+8): 09:00 UTC is 17:00 there.
    shanghai = stats.by_hour(runtime, NOW, "Asia/Shanghai")
    assert shanghai.calls[shanghai.labels.index("17")] == 6


def test_live_queue_and_counselors_by_state_and_language(runtime: Runtime) -> None:
    queue = LiveQueue(runtime.redis)
    now = NOW.timestamp()
    queue.enqueue(WaitingCall("a", "urgent", now - 75, "zh", "general"))
    queue.enqueue(WaitingCall("b", "urgent", now - 20, "en", "general"))
    queue.enqueue(WaitingCall("c", "standard", now - 5, "en", "general"))
    queue.enqueue(WaitingCall("d", "urgent", now - 30, "yue", "general"))
    queue.enqueue(WaitingCall("e", "urgent", now - 900, "en", "general", callback=True))
    presence = Presence(runtime.redis)
    for cid, langs, state in (
        ("1", ["en", "zh"], CounselorState.AVAILABLE),
        ("2", ["zh"], CounselorState.AWAY),
        ("3", ["en"], CounselorState.OFF_SHIFT),
    ):
        presence.upsert(cid, languages=langs, specialties=[])
        presence.set_state(cid, state, now)
    live = live_figures.live_numbers(runtime, now)
    assert [t.tier for t in live.tiers] == ["imminent", "urgent", "standard"]
    urgent = live.tiers[1]
    # The queued callback (nobody on the line, 15 minutes old) is not a caller waiting.
    assert urgent.waiting == 3 and urgent.longest_wait == pytest.approx(75) and urgent.late
    assert urgent.late_by == pytest.approx(15)
    assert urgent.by_language == {"zh": 1, "en": 1, "yue": 1}
    standard = live.tiers[2]
    assert standard.waiting == 1 and not standard.late and standard.by_language == {"en": 1}
    assert live.danger is None
    assert [c.call_id for c in live.waiting] == ["a", "d", "b", "c"]
    assert live.by_state["available"] == 1 and live.by_state["away"] == 1
    assert live.by_state["off_shift"] == 1
    assert live.by_language["zh"] == {"available": 1, "away": 1}
    assert live.by_language["yue"] == {}

    queue.enqueue(WaitingCall("f", "imminent", now - 25, "yue", "suicide"))
    danger = live_figures.live_numbers(runtime, now).danger
    assert danger is not None and danger.tier == "imminent"
    assert danger.waiting == 1 and danger.longest_wait == pytest.approx(25) and danger.late


def test_today_counts_the_callers_still_waiting(runtime: Runtime) -> None:
    """31 records and 83 callers still waiting is 114 queued, not 31; a waiting caller past
    the target is a miss, one within it is not decided yet."""
    morning = NOW.replace(hour=9)
    _record(runtime, "u0", morning, queue_seconds=30, outcome="answered")  # within 60 s
    _record(runtime, "u1", morning, queue_seconds=2, outcome="hung_up_queue")  # short: counted
    now = NOW.timestamp()
    waiting = [
        WaitingCall("late", "urgent", now - 200, "zh", "general"),
        WaitingCall("fresh", "urgent", now - 10, "en", "general"),
        WaitingCall("night", "urgent", (NOW - dt.timedelta(days=1)).timestamp(), "en", "general"),
    ]
    figures = stats.figures(runtime, NOW, "UTC", waiting)
    urgent = next(t for t in figures.today.tiers if t.tier == "urgent")
    assert (urgent.queued, urgent.waiting, urgent.undecided) == (4, 2, 1)
    # Decided: u0 (in target), u1 (hung up), "late" (past target): 1 of 3.
    assert urgent.service_level == pytest.approx(1 / 3)
    assert urgent.abandonment == 0.25
    assert urgent.mean_wait == pytest.approx((30 + 2 + 200 + 10) / 4)
    assert figures.today.total.queued == 4
    # The same callers, hour by hour: 09:00 holds the records, 15:00 the two waiting now.
    labels = [h.start.hour for h in figures.service]
    assert len(figures.service) == stats.SERVICE_HOURS and labels[-1] == 15
    assert figures.service[labels.index(9)].figures.service_level == 0.5
    this_hour = figures.service[-1].figures
    assert (this_hour.queued, this_hour.service_level, this_hour.p90_wait) == (2, 0.0, 200)
    assert figures.service[labels.index(10)].figures.service_level is None
    assert figures.hours.calls[-1] == 0, "calls per hour count finished calls only"


# --- coverage --------------------------------------------------------------------------


def test_coverage_marks_the_hours_without_a_mandarin_counselor(runtime: Runtime) -> None:
    zone = "Asia/Shanghai"
    tz = ZoneInfo(zone)
    english = _counselor(runtime, "En", ["en"], timezone=zone, specialties=["youth"])
    every_day = "mon,tue,wed,thu,fri,sat,sun"
    roster_edit.set_shifts(
        runtime, english, f"{every_day} 00:00-12:00\n{every_day} 12:00-00:00", actor="s"
    )
    mandarin = _counselor(runtime, "Zh", ["zh"], timezone=zone, phone="+14155550124")
    roster_edit.set_shifts(
        runtime,
        mandarin,
        "mon,wed,thu,fri,sat,sun 00:00-12:00\nmon,wed,thu,fri,sat,sun 12:00-00:00\n"
        "tue 00:00-02:00\ntue 04:00-00:00",
        actor="s",
    )
    monday = dt.datetime(2026, 11, 23, 9, 0, tzinfo=tz)
    # Four past Tuesdays with two calls each at 02:xx local: two calls expected then.
    for week in range(1, 5):
        for n in range(2):
            at = dt.datetime(2026, 11, 24, 2, 10 + n, tzinfo=tz) - dt.timedelta(weeks=week)
            _record(runtime, f"w{week}-{n}", at, language="zh")
    grid = coverage.coverage(runtime, monday.astimezone(UTC))
    assert grid.zone == zone and len(grid.slots) == 7 * 24
    tuesday = dt.date(2026, 11, 24)
    assert [(s.date(), s.hour) for s in grid.gaps("zh")] == [(tuesday, 2), (tuesday, 3)]
    assert grid.gaps("en") == []
    assert len(grid.gaps("yue")) == 7 * 24
    two_am = next(s for s in grid.slots if (s.start.date(), s.start.hour) == (tuesday, 2))
    assert two_am.language_gaps == ("zh", "yue", "wuu")  # nobody speaks Shanghainese
    assert two_am.expected == 2.0 and two_am.expected_by_language["zh"] == 2.0
    assert ("en", "youth") not in two_am.pair_gaps and ("en", "suicide") in two_am.pair_gaps
    # A one-off extra shift closes the gap; a day off opens another.
    roster_edit.add_override(
        runtime, mandarin, day="2026-11-24", start="02:00", end="04:00", on_shift=True, actor="s"
    )
    roster_edit.add_override(
        runtime, mandarin, day="2026-11-26", start="10:00", end="11:00", on_shift=False, actor="s"
    )
    grid = coverage.coverage(runtime, monday.astimezone(UTC))
    assert [(s.date(), s.hour) for s in grid.gaps("zh")] == [(dt.date(2026, 11, 26), 10)]


# --- records ---------------------------------------------------------------------------


def test_records_filter_page_and_export_without_caller_keys(runtime: Runtime) -> None:
    counselor = _counselor(runtime, "Ana", ["en", "zh"])
    for n in range(7):
        _record(
            runtime,
            f"r{n}",
            NOW - dt.timedelta(hours=n),
            language="zh" if n % 2 else "en",
            counselor_id=counselor if n < 3 else None,
            outcome="answered" if n < 5 else "hung_up_queue",
        )
    every = records_browse.RecordFilter()
    first = records_browse.browse(runtime, every, page=1, per_page=3)
    assert first.total == 7 and first.pages == 3
    assert [r.id for r in first.rows] == ["r0", "r1", "r2"] and first.rows[0].counselor == "Ana"
    assert [r.id for r in records_browse.browse(runtime, every, page=3, per_page=3).rows] == ["r6"]
    zh = records_browse.RecordFilter(language="zh", outcome="answered")
    assert [r.id for r in records_browse.browse(runtime, zh).rows] == ["r1", "r3"]
    since = records_browse.RecordFilter(since=NOW - dt.timedelta(hours=1, minutes=30))
    assert records_browse.browse(runtime, since).total == 2
    mine = records_browse.RecordFilter(counselor_id=counselor)
    assert records_browse.browse(runtime, mine).total == 3
    text = "".join(records_browse.export_csv(runtime, every, actor="sup", with_notes=True))
    rows = list(csv.DictReader(io.StringIO(text)))
    assert [r["id"] for r in rows] == [f"r{n}" for n in range(6, -1, -1)]
    assert "caller_key" not in rows[0] and "note" not in rows[0]
    assert not any("k-r" in line for line in text.splitlines())


def test_export_adds_notes_only_for_supervisors_and_audits_it(runtime: Runtime) -> None:
    _record(runtime, "n1", NOW)
    _record(runtime, "n2", NOW - dt.timedelta(minutes=5))
    with runtime.sessions.begin() as session:
        found = session.get(CallRecord, "n1")
        assert found is not None
        found.note = cipher(runtime.settings).encrypt(b"=call back after school")
    every = records_browse.RecordFilter()
    plain = "".join(records_browse.export_csv(runtime, every, actor="c", with_notes=False))
    assert "note" not in plain.splitlines()[0] and "school" not in plain
    full = "".join(records_browse.export_csv(runtime, every, actor="sup", with_notes=True))
    rows = {r["id"]: r for r in csv.DictReader(io.StringIO(full))}
    assert rows["n1"]["note"] == "'=call back after school"  # never a spreadsheet formula
    assert rows["n2"]["note"] == ""
    with runtime.sessions() as session:
        actors = list(
            session.scalars(select(AuditEvent.actor).where(AuditEvent.action == "note.export"))
        )
    assert actors == ["sup"]


# --- roster editing --------------------------------------------------------------------


def test_counselor_edits_are_checked_whole(runtime: Runtime) -> None:
    bad = CounselorForm(name="Bo", phone="12", languages=["xx"], specialties=["cooking"])
    with pytest.raises(FormErrors) as caught:
        roster_edit.save_counselor(runtime, bad, actor="sup")
    assert set(caught.value.errors) == {"phone", "languages", "specialties"}
    assert roster_edit.counselors(runtime) == []
    good = CounselorForm(
        name="Bo", phone="(415) 555-0199", languages=["yue"], specialties=["youth"], region="US"
    )
    cid = roster_edit.save_counselor(runtime, good, actor="sup")
    with pytest.raises(FormErrors) as caught:
        roster_edit.set_shifts(runtime, cid, "mon 08:00-16:00\nfunday 9-5", actor="sup")
    assert "line 2" in caught.value.errors["shifts"]
    roster_edit.set_shifts(runtime, cid, "mon,tue 22:00-06:00", actor="sup")
    [view] = roster_edit.counselors(runtime, today=dt.date(2026, 1, 1))
    assert view.phone == "+14155550199"
    assert roster_edit.shift_lines(view) == "mon 22:00-06:00\ntue 22:00-06:00"
    with pytest.raises(FormErrors) as caught:
        roster_edit.save_counselor(runtime, good, actor="sup")  # the same name again
    assert "name" in caught.value.errors
