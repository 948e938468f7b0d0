"""Publishing the routing rules: a valid edit is the new version in force at once, while a
caller already waiting keeps the rules they entered with; an invalid edit is refused
with its line, and the rules in force stay."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from hotline.calls.hold import hold_turn
from hotline.problems import InvalidFile
from hotline.records.models import AuditEvent
from hotline.rules import publishing, versions
from hotline.runtime import Runtime
from tests.conftest import ROOT
from tests.support.service_calls import ENGLISH_SUICIDE, call_in, waited

RULES = (ROOT / "routing_rules.yaml").read_text(encoding="utf-8")
URGENT_WAIT = "    max_wait: 300\n"  # the urgent tier's
SHORTER = RULES.replace(URGENT_WAIT, "    max_wait: 240\n")


def _line(text: str, fragment: str) -> int:
    return next(n for n, line in enumerate(text.splitlines(), 1) if fragment in line)


def test_a_new_version_is_in_force_at_once_and_a_waiting_caller_keeps_theirs(
    runtime: Runtime,
) -> None:
    assert URGENT_WAIT in RULES
    before = runtime.rules.version
    waiting = call_in(runtime, "+14155550361", *ENGLISH_SUICIDE)

    published = publishing.publish_rules(runtime, SHORTER, actor="supervisor:May")
    assert published.number == 2
    assert runtime.rules.version != before
    assert runtime.rules.tiers["urgent"].max_wait == 240
    newcomer = call_in(runtime, "+14155550362", *ENGLISH_SUICIDE)
    assert (waiting.rules_version, newcomer.rules_version) == (before, runtime.rules.version)

    for call in (waiting, newcomer):
        waited(runtime, call, 250)
    kept = hold_turn(runtime, call_id=waiting.call_id, call_sid=waiting.call_sid)
    assert kept.action == "hold", "300 s by the rules this caller entered with"
    moved = hold_turn(runtime, call_id=newcomer.call_id, call_sid=newcomer.call_sid)
    assert moved.action == "overflow", "240 s by the new rules"

    history = publishing.history(runtime, versions.RULES)
    assert [(p.number, p.published_by) for p in history] == [(2, "supervisor:May"), (1, "files")]
    with runtime.sessions() as session:
        actions = list(
            session.scalars(select(AuditEvent.action).where(AuditEvent.actor != "files"))
        )
    assert "rules.publish" in actions


def test_an_invalid_edit_is_refused_with_its_line_and_the_rules_stay(runtime: Runtime) -> None:
    before = runtime.rules
    bad = RULES.replace(URGENT_WAIT, "    max_wait: soon\n")
    with pytest.raises(InvalidFile) as refused:
        publishing.publish_rules(runtime, bad, actor="supervisor:May")
    [problem] = refused.value.problems
    assert (problem.file, problem.line) == ("routing_rules.yaml", _line(bad, "max_wait: soon"))
    assert runtime.rules is before
    assert [p.number for p in publishing.history(runtime, versions.RULES)] == [1]


def test_publishing_the_version_in_force_again_is_refused(runtime: Runtime) -> None:
    publishing.publish_rules(runtime, SHORTER, actor="supervisor:May")
    with pytest.raises(publishing.NothingToPublish, match="version 2, in force already"):
        publishing.publish_rules(runtime, SHORTER, actor="supervisor:May")
