"""Retention as the rules set it: keys after 90 days, the vault after 14 or once closed,
records after two years (folded into daily counts). Dry runs change nothing."""

from __future__ import annotations

import datetime as dt
import secrets
from pathlib import Path

from click.testing import CliRunner
from sqlalchemy import select, update

from hotline.call_records.retention import PurgePlan, plan_purge, purge
from hotline.cli import main
from hotline.records.models import AuditEvent, Callback, CallbackVault, CallRecord, DailyCount
from hotline.records.vault import close, store_number
from hotline.runtime import Runtime
from tests.conftest import ROOT

NOW = dt.datetime(2026, 11, 22, 3, 0, tzinfo=dt.UTC)
MINUTE = dt.timedelta(minutes=1)


def _record(runtime: Runtime, started_at: dt.datetime, **fields: object) -> str:
    call_id = secrets.token_urlsafe(12)
    values: dict[str, object] = {
        "caller_key": "k" * 64,
        "language": "en",
        "topic": "general",
        "tier": "standard",
        "outcome": "answered",
    }
    values.update(fields)
    with runtime.sessions.begin() as session:
        session.add(CallRecord(id=call_id, started_at=started_at, **values))
    return call_id


def _vault(runtime: Runtime, created_at: dt.datetime) -> str:
    vault_id = store_number(
        runtime.sessions, runtime.settings, call_id="c1", caller_key=None, e164="+14155550164"
    )
    with runtime.sessions.begin() as session:
        session.execute(
            update(CallbackVault).where(CallbackVault.id == vault_id).values(created_at=created_at)
        )
    return vault_id


def _records(runtime: Runtime) -> dict[str, CallRecord]:
    with runtime.sessions() as session:
        return {r.id: r for r in session.scalars(select(CallRecord))}


def _vault_ids(runtime: Runtime) -> set[str]:
    with runtime.sessions() as session:
        return set(session.scalars(select(CallbackVault.id)))


def _counts(runtime: Runtime) -> list[tuple[object, ...]]:
    with runtime.sessions() as session:
        rows = session.scalars(select(DailyCount).order_by(DailyCount.day, DailyCount.outcome))
        return [(r.day, r.language, r.topic, r.tier, r.outcome, r.count) for r in rows]


def test_caller_keys_go_after_90_days_and_the_rest_of_the_record_stays(runtime: Runtime) -> None:
    old = _record(runtime, NOW - dt.timedelta(days=90) - MINUTE)
    young = _record(runtime, NOW - dt.timedelta(days=90) + MINUTE)
    assert plan_purge(runtime, NOW) == PurgePlan(caller_keys=1, vault_entries=0, records=0)
    assert purge(runtime, NOW).caller_keys == 1
    records = _records(runtime)
    assert records[old].caller_key is None
    assert records[old].outcome == "answered" and records[old].language == "en"
    assert records[young].caller_key == "k" * 64


def test_vault_entries_go_when_closed_or_after_14_days(runtime: Runtime) -> None:
    old = _vault(runtime, NOW - dt.timedelta(days=14) - MINUTE)
    young = _vault(runtime, NOW - dt.timedelta(days=14) + MINUTE)
    closed = _vault(runtime, NOW - dt.timedelta(days=1))
    close(runtime.sessions, closed, "done")
    assert plan_purge(runtime, NOW).vault_entries == 2
    assert purge(runtime, NOW).vault_entries == 2
    assert _vault_ids(runtime) == {young}
    assert old not in _vault_ids(runtime)


def test_records_past_two_years_fold_into_daily_counts(runtime: Runtime) -> None:
    cutoff = NOW - dt.timedelta(days=730)
    day = (cutoff - dt.timedelta(days=1)).date()
    at = dt.datetime.combine(day, dt.time(10, 0), tzinfo=dt.UTC)
    for _ in range(3):
        _record(runtime, at)
    _record(runtime, at, outcome="hung_up_queue")
    _record(runtime, at, language=None, topic=None, tier=None, outcome="hung_up_ivr")
    _record(runtime, cutoff - MINUTE, caller_key=None)
    kept = _record(runtime, cutoff + MINUTE)
    assert plan_purge(runtime, NOW).records == 6
    assert purge(runtime, NOW).records == 6
    assert set(_records(runtime)) == {kept}
    edge = (cutoff - MINUTE).date()
    assert _counts(runtime) == [
        (day, "en", "general", "standard", "answered", 3),
        (day, "", "", "", "hung_up_ivr", 1),
        (day, "en", "general", "standard", "hung_up_queue", 1),
        (edge, "en", "general", "standard", "answered", 1),
    ]
    # A later run adds to the same day's count rather than making a second row.
    _record(runtime, at)
    assert purge(runtime, NOW).records == 1
    assert _counts(runtime)[0] == (day, "en", "general", "standard", "answered", 4)
    assert sum(row[-1] for row in _counts(runtime)) == 7  # type: ignore[misc]


def test_a_dry_run_changes_nothing_and_a_second_purge_finds_nothing(runtime: Runtime) -> None:
    _record(runtime, NOW - dt.timedelta(days=800))
    _record(runtime, NOW - dt.timedelta(days=100))
    _record(runtime, NOW - dt.timedelta(days=1))
    _vault(runtime, NOW - dt.timedelta(days=30))
    before = (_records(runtime), _vault_ids(runtime))
    plan = plan_purge(runtime, NOW)
    assert plan == PurgePlan(caller_keys=2, vault_entries=1, records=1)
    assert plan_purge(runtime, NOW) == plan
    after = _records(runtime)
    assert {k: r.caller_key for k, r in after.items()} == {
        k: r.caller_key for k, r in before[0].items()
    }
    assert _vault_ids(runtime) == before[1] and _counts(runtime) == []
    assert purge(runtime, NOW) == plan
    assert purge(runtime, NOW) == PurgePlan(0, 0, 0)
    assert plan_purge(runtime, NOW) == PurgePlan(0, 0, 0)
    with runtime.sessions() as session:
        audits = list(
            session.scalars(select(AuditEvent).where(AuditEvent.action == "retention.purge"))
        )
    assert [a.detail for a in audits] == [
        {"caller_keys": 2, "vault_entries": 1, "records": 1, "callbacks": 0}
    ]


def _callback(runtime: Runtime, vault_id: str, status: str, updated_at: dt.datetime) -> str:
    callback_id = secrets.token_urlsafe(12)
    with runtime.sessions.begin() as session:
        session.add(
            Callback(
                id=callback_id,
                call_id="c1",
                vault_id=vault_id,
                caller_key="k" * 64,
                source="queue",
                language="en",
                topic="general",
                tier="urgent",
                zones="America/Los_Angeles",
                urgent=False,
                entered_at=updated_at,
                due_at=updated_at,
                attempts=1,
                status=status,
                created_at=updated_at,
                updated_at=updated_at,
            )
        )
    return callback_id


def test_finished_callbacks_go_and_open_ones_whose_number_expired_fail(runtime: Runtime) -> None:
    month_ago = NOW - dt.timedelta(days=30)
    expired_number = _vault(runtime, month_ago)  # past vault_days: the number goes
    fresh_number = _vault(runtime, NOW - dt.timedelta(days=1))
    stranded = _callback(runtime, expired_number, "scheduled", month_ago)
    waiting = _callback(runtime, fresh_number, "scheduled", NOW - dt.timedelta(days=1))
    old_done = _callback(runtime, "gone", "done", month_ago)
    recent_done = _callback(runtime, "gone", "done", NOW - dt.timedelta(days=1))
    assert plan_purge(runtime, NOW).callbacks == 2
    assert purge(runtime, NOW).callbacks == 2
    with runtime.sessions() as session:
        left = {c.id: c.status for c in session.scalars(select(Callback))}
    assert left == {stranded: "failed", waiting: "scheduled", recent_done: "done"}
    assert old_done not in left


def test_the_nightly_job_is_scheduled() -> None:
    from hotline import jobs
    from hotline.scheduler import _jobs

    [job] = [j for j in _jobs() if j.id == "retention"]
    assert job.every_seconds == 24 * 3600
    assert callable(jobs.retention_job)


def test_hotline_purge_dry_run_lists_then_purge_removes(tmp_path: Path) -> None:
    env = {
        "HOTLINE_MODE": "local",
        "HOTLINE_VAR_DIR": str(tmp_path),
        "ROUTING_RULES": str(ROOT / "routing_rules.yaml"),
        "IVR_SCRIPTS": str(ROOT / "ivr_scripts"),
        "DATABASE_URL": f"sqlite:///{tmp_path / 'cli.db'}",
    }
    runner = CliRunner()
    assert runner.invoke(main, ["db", "upgrade"], env=env).exit_code == 0
    from sqlalchemy import create_engine
    from sqlalchemy.orm import sessionmaker

    sessions = sessionmaker(create_engine(env["DATABASE_URL"]))
    with sessions.begin() as session:
        session.add(
            CallRecord(
                id="old-call-1",
                caller_key="k" * 64,
                started_at=dt.datetime.now(dt.UTC) - dt.timedelta(days=100),
                outcome="answered",
            )
        )
    result = runner.invoke(main, ["purge", "--dry-run"], env=env)
    assert result.exit_code == 0, result.output
    assert "caller keys removed from records: 1 would go" in result.output
    result = runner.invoke(main, ["purge"], env=env)
    assert "caller keys removed from records: 1 went" in result.output
    result = runner.invoke(main, ["purge", "--dry-run"], env=env)
    assert "caller keys removed from records: 0 would go" in result.output
