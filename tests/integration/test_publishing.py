"""Publishing rules and scripts: refused with lines, published to every process within
its refresh interval, calls keep the version they entered with, rollback, audit."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import select

from hotline.bootstrap import build_runtime
from hotline.config import Settings
from hotline.problems import InvalidFile
from hotline.records.models import AuditEvent
from hotline.rules import publishing, versions
from hotline.rules.in_force import REFRESH_EVERY
from hotline.runtime import Runtime
from tests.conftest import ROOT, make_settings
from tests.support.rules_text import retime, step_after

RULES = (ROOT / "routing_rules.yaml").read_text()
SHIPPED_AFTER = step_after(RULES, "urgent", "language")
SLOWER_AFTER = SHIPPED_AFTER + 1  # still before the next step
SLOWER = retime(RULES, "urgent", "language", SLOWER_AFTER)


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def other(settings: Settings) -> Iterator[tuple[Runtime, Clock]]:
    """A second process on the same Redis and database, on a clock the test moves."""
    second = build_runtime(settings)
    clock = Clock()
    second.in_force.clock = clock
    yield second, clock
    second.engine.dispose()


def _line(text: str, fragment: str) -> int:
    return next(n for n, line in enumerate(text.splitlines(), 1) if fragment in line)


def test_an_invalid_edit_is_refused_with_its_line_and_the_rules_stay(runtime: Runtime) -> None:
    before = runtime.rules.version
    bad = RULES.replace("    answer_within: 60\n", "    answer_within: soon\n")
    checked = publishing.check_rules(runtime, bad)
    assert not checked.ok
    [problem] = checked.problems
    assert problem.file == "routing_rules.yaml"
    assert problem.line == _line(bad, "answer_within: soon")
    with pytest.raises(InvalidFile):
        publishing.publish_rules(runtime, bad, actor="sup")
    assert runtime.rules.version == before
    assert [p.number for p in publishing.history(runtime, versions.RULES)] == [1]


def test_rules_that_the_scripts_in_force_no_longer_fit_are_refused(runtime: Runtime) -> None:
    without_cantonese = RULES.replace(
        '  yue: {name: Cantonese, say_language: yue-HK, overflow: "+12025550103"}\n', ""
    )
    checked = publishing.check_rules(runtime, without_cantonese)
    assert not checked.ok
    assert any(p.file.startswith("ivr_scripts/") and "yue" in p.message for p in checked.problems)


def test_a_valid_edit_reaches_another_process_within_its_interval(
    runtime: Runtime, other: tuple[Runtime, Clock]
) -> None:
    second, clock = other
    first_version = runtime.rules.version
    assert second.rules.version == first_version  # its first look: version 1, from the files
    assert f"after: {SLOWER_AFTER}" in publishing.diff_rules(runtime, SLOWER)
    published = publishing.publish_rules(runtime, SLOWER, actor="sup")
    assert published.number == 2
    assert runtime.rules.tiers["urgent"].relax[1].after == SLOWER_AFTER  # at once, where published
    clock.now += REFRESH_EVERY / 2
    assert second.rules.version == first_version  # not looked yet
    clock.now += REFRESH_EVERY
    assert second.rules.version == published.content
    assert second.rules.tiers["urgent"].relax[1].after == SLOWER_AFTER
    # A call that entered with version 1 keeps it, in either process.
    assert second.rules_for(first_version).tiers["urgent"].relax[1].after == SHIPPED_AFTER
    assert runtime.rules_for(first_version).tiers["urgent"].relax[1].after == SHIPPED_AFTER
    with runtime.sessions() as session:
        [event] = session.scalars(select(AuditEvent).where(AuditEvent.action == "rules.publish"))
    assert event.actor == "sup"
    assert event.detail["from"] == 1 and event.detail["number"] == 2
    assert event.detail["from_content"] == first_version
    assert event.detail["content"] == published.content


def test_a_process_started_later_finds_the_version_a_call_entered_with(
    runtime: Runtime, settings: Settings
) -> None:
    first_version = runtime.rules.version
    publishing.publish_rules(runtime, SLOWER, actor="sup")
    restarted = build_runtime(settings)
    try:
        assert restarted.rules.tiers["urgent"].relax[1].after == SLOWER_AFTER
        assert restarted.rules_for(first_version).tiers["urgent"].relax[1].after == SHIPPED_AFTER
    finally:
        restarted.engine.dispose()


def test_rollback_publishes_the_old_text_as_a_new_version(
    runtime: Runtime, other: tuple[Runtime, Clock]
) -> None:
    second, clock = other
    first_version = runtime.rules.version
    publishing.publish_rules(runtime, SLOWER, actor="sup")
    clock.now += REFRESH_EVERY
    assert second.rules.tiers["urgent"].relax[1].after == SLOWER_AFTER
    back = publishing.rollback(runtime, versions.RULES, 1, actor="lead")
    assert back.number == 3 and back.content == first_version
    assert runtime.rules.version == first_version
    clock.now += REFRESH_EVERY
    assert second.rules.version == first_version
    history = publishing.history(runtime, versions.RULES)
    assert [(p.number, p.published_by) for p in history] == [(3, "lead"), (2, "sup"), (1, "files")]
    actions = [(a.action, a.detail.get("to")) for a in publishing.audit_log(runtime)]
    assert actions[:2] == [("rules.rollback", 1), ("rules.publish", None)]
    with pytest.raises(publishing.NothingToPublish):
        publishing.rollback(runtime, versions.RULES, 1, actor="lead")  # in force already


def test_scripts_publish_with_lines_and_calls_keep_theirs(
    runtime: Runtime, other: tuple[Runtime, Clock]
) -> None:
    second, clock = other
    texts = publishing.in_force_scripts(runtime)
    old_version = runtime.scripts.current.version
    broken = dict(
        texts, **{"flow.yaml": texts["flow.yaml"].replace("{go: topic}", "{go: nowhere}")}
    )
    checked = publishing.check_scripts(runtime, broken)
    assert not checked.ok
    assert any(
        p.file == "ivr_scripts/flow.yaml" and p.line == _line(broken["flow.yaml"], "go: nowhere")
        for p in checked.problems
    ), checked.problems
    calmer = dict(
        texts, **{"en.yaml": texts["en.yaml"].replace("Thank you for calling.", "Hello.")}
    )
    published = publishing.publish_scripts(runtime, calmer, actor="sup")
    assert runtime.scripts.current.version == published.content != old_version
    clock.now += REFRESH_EVERY
    assert second.scripts.current.version == published.content
    assert second.scripts.get(old_version).version == old_version


def test_files_that_differ_from_the_version_in_force_are_named_not_used(
    runtime: Runtime, settings: Settings, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    in_force = runtime.rules.version
    edited = tmp_path / "routing_rules.yaml"
    edited.write_text(SLOWER)
    with caplog.at_level(logging.WARNING, logger="hotline.runtime"):
        started = build_runtime(settings.replace(routing_rules=edited))
        try:
            assert started.rules.version == in_force
        finally:
            started.engine.dispose()
    [warning] = [r for r in caplog.records if "differ" in r.getMessage()]
    assert warning.__dict__["in_force_version"] == in_force
    assert warning.__dict__["file_version"] == versions.content_version("rules", SLOWER)
    assert warning.__dict__["in_force_number"] == 1
    exported = publishing.export_in_force(runtime, versions.RULES, tmp_path / "out.yaml")
    assert [p.read_text() for p in exported] == [RULES]


def test_with_redis_and_the_database_down_the_rules_in_memory_stay(tmp_path: Path) -> None:
    dead = build_runtime(
        make_settings(
            redis_url="redis://127.0.0.1:1/0",
            database_url="postgresql+psycopg://nobody@127.0.0.1:1/nothing",
            var_dir=tmp_path,
        )
    )
    assert dead.in_force.refresh() is False
    assert dead.rules.version == versions.content_version("rules", RULES)
    assert dead.scripts.current.version
