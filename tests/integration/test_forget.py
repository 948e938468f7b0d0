"""`hotline forget`: one caller's key erased from records, vault and live calls."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from click.testing import CliRunner
from sqlalchemy import select

from hotline.call_records.forget import forget
from hotline.cli import main
from hotline.live.calls import CallStore, LiveCall, new_call_id, now
from hotline.privacy import caller_key
from hotline.records.models import AuditEvent, CallbackVault, CallRecord
from hotline.records.vault import store_number
from hotline.runtime import Runtime
from tests.conftest import ROOT

NUMBER = "+8613812345678"
OTHER = "+14155550165"


def _key(runtime: Runtime, e164: str) -> str:
    key = caller_key(e164, runtime.settings.hash_key.reveal().encode())  # type: ignore[union-attr]
    assert key is not None
    return key


def _seed(runtime: Runtime) -> dict[str, str]:
    """Two calls and a callback from NUMBER, one call from OTHER, and one live call each."""
    ids: dict[str, str] = {}
    started = dt.datetime(2026, 11, 1, 12, tzinfo=dt.UTC)
    with runtime.sessions.begin() as session:
        for name, e164 in (("mine1", NUMBER), ("mine2", NUMBER), ("other", OTHER)):
            ids[name] = new_call_id()
            session.add(
                CallRecord(
                    id=ids[name],
                    caller_key=_key(runtime, e164),
                    region="CN/Beijing",
                    started_at=started,
                    language="zh",
                    topic="suicide",
                    tier="urgent",
                    outcome="answered",
                )
            )
    for name, e164 in (("vault_mine", NUMBER), ("vault_other", OTHER)):
        ids[name] = store_number(
            runtime.sessions,
            runtime.settings,
            call_id=ids["mine1"],
            caller_key=_key(runtime, e164),
            e164=e164,
        )
    store = CallStore(runtime.redis)
    for name, e164 in (("live_mine", NUMBER), ("live_other", OTHER)):
        call = LiveCall(
            call_id=new_call_id(),
            call_sid="CA" + name,
            started_at=now(),
            script_version="s1",
            rules_version="r1",
            caller_key=_key(runtime, e164),
            stage="queued",
            language="zh",
        )
        store.create(call)
        ids[name] = call.call_id
    return ids


def test_forget_unlinks_records_deletes_vault_and_live_keys(runtime: Runtime) -> None:
    ids = _seed(runtime)
    ttl_before = runtime.redis.ttl(f"hotline:call:{ids['live_mine']}")
    report = forget(runtime, NUMBER, actor="cli:dpo")
    assert (report.records, report.vault_entries, report.live_calls) == (2, 1, 1)
    with runtime.sessions() as session:
        records = {r.id: r for r in session.scalars(select(CallRecord))}
        vault = set(session.scalars(select(CallbackVault.id)))
        [audit] = session.scalars(select(AuditEvent).where(AuditEvent.action == "privacy.forget"))
    assert records[ids["mine1"]].caller_key is None and records[ids["mine2"]].caller_key is None
    # The anonymous rest of the record stays.
    assert records[ids["mine1"]].outcome == "answered" and records[ids["mine1"]].tier == "urgent"
    assert records[ids["other"]].caller_key == _key(runtime, OTHER)
    assert vault == {ids["vault_other"]}
    store = CallStore(runtime.redis)
    mine = store.get(ids["live_mine"])
    assert mine is not None and mine.caller_key is None and mine.stage == "queued"
    assert runtime.redis.ttl(f"hotline:call:{ids['live_mine']}") > 0
    assert runtime.redis.ttl(f"hotline:call:{ids['live_mine']}") <= ttl_before
    other = store.get(ids["live_other"])
    assert other is not None and other.caller_key == _key(runtime, OTHER)
    assert audit.actor == "cli:dpo"
    assert audit.detail == {"records": 2, "vault_entries": 1, "live_calls": 1}
    text = str(audit.detail)
    assert "12345678" not in text and _key(runtime, NUMBER) not in text


def test_forgetting_twice_finds_nothing_the_second_time(runtime: Runtime) -> None:
    _seed(runtime)
    forget(runtime, NUMBER)
    report = forget(runtime, NUMBER)
    assert (report.records, report.vault_entries, report.live_calls) == (0, 0, 0)


def test_a_withheld_number_is_refused(runtime: Runtime) -> None:
    with pytest.raises(ValueError):
        forget(runtime, "anonymous")


@pytest.fixture
def env(tmp_path: Path) -> dict[str, str]:
    env = {
        "HOTLINE_MODE": "local",
        "HOTLINE_VAR_DIR": str(tmp_path),
        "ROUTING_RULES": str(ROOT / "routing_rules.yaml"),
        "IVR_SCRIPTS": str(ROOT / "ivr_scripts"),
        "DATABASE_URL": f"sqlite:///{tmp_path / 'cli.db'}",
    }
    assert CliRunner().invoke(main, ["db", "upgrade"], env=env).exit_code == 0
    return env


@pytest.mark.parametrize("number", ["12", "not a number", "+1 415 555", "4155550165"])
def test_the_cli_refuses_an_invalid_number(env: dict[str, str], number: str) -> None:
    result = CliRunner().invoke(main, ["forget", "--number", number], env=env)
    assert result.exit_code == 1
    assert "not a valid phone number" in result.output


def test_the_cli_forgets_and_prints_counts_only(env: dict[str, str]) -> None:
    result = CliRunner().invoke(main, ["forget", "--number", "+86 138 1234 5678"], env=env)
    assert result.exit_code == 0, result.output
    assert "0 record(s) unlinked, 0 vault entries deleted, 0 live call(s)" in result.output
    assert "12345678" not in result.output
