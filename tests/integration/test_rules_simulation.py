"""The rules editor runs the what-if simulation on a proposed edit before it is published:
both versions meet the same simulated week of callers and the roster's shifts."""

from __future__ import annotations

import datetime as dt
import re

from flask import Flask

from hotline.records.calls import save_record
from hotline.roster import parse_roster
from hotline.runtime import Runtime
from hotline.staffing.roster import save_roster
from tests.conftest import ROOT
from tests.integration.web_support import csrf_token, signed_in_client
from tests.support.records import answered

RULES = (ROOT / "routing_rules.yaml").read_text()


def _demo_roster(runtime: Runtime) -> None:
    roster = parse_roster(
        (ROOT / "demo" / "roster.yaml").read_text(),
        "roster.yaml",
        languages=runtime.rules.languages.keys(),
        specialties=runtime.rules.specialties.keys(),
    )
    save_roster(runtime.sessions, roster, actor="test")


def test_a_proposed_edit_is_simulated_beside_the_rules_in_force(
    app: Flask, runtime: Runtime
) -> None:
    _demo_roster(runtime)
    client = signed_in_client(app, runtime, "sam", "supervisor")
    client.get("/supervisor/rules")  # the files are seeded as version 1
    # Send urgent callers to the backup line after 151 s instead of 300 (a few standard
    # ones overflowing at 8 minutes is too rare a week to show a difference reliably).
    edit = re.sub(r"(urgent:\n(?:.*\n)*?\s+max_wait:) \d+", r"\1 151", RULES, count=1)
    assert edit != RULES
    page = client.post(
        "/supervisor/rules",
        data={"text": edit, "action": "simulate", "csrf_token": csrf_token(client)},
    ).get_data(as_text=True)
    assert 'id="simulation"' in page
    row = page.split('data-sim-tier="urgent"')[1].split("</tr>")[0]
    before, after = re.findall(r'(\d+) → <strong data-sim="overflowed">(\d+)</strong>', row)[0]
    assert int(after) > int(before), "a shorter max_wait sends more urgent callers on"
    ideal = float(re.findall(r'data-sim="ideal-sl">([\d.]+)%', row)[0])
    proposed = float(re.findall(r'data-sim="proposed-sl">([\d.]+)%', row)[0])
    assert ideal >= proposed - 2, "the pooled ideal is the best this roster could do"
    assert "Published as version" not in page, "simulating publishes nothing"
    assert "Callers follow a usual crisis-line day" in page, "no records to learn from yet"


def _all_calls(page: str) -> int:
    row = page.split('data-sim-tier="all"')[1].split("</tr>")[0]
    return int(re.findall(r"<td>(\d+)</td>", row)[0])


def test_the_simulated_callers_are_learnt_from_the_records_when_there_are_enough(
    app: Flask, runtime: Runtime
) -> None:
    """Two weeks of records, twenty calls a night: the simulated week meets about 140
    callers, not the default day's; the page says where its callers came from."""
    _demo_roster(runtime)
    client = signed_in_client(app, runtime, "sam", "supervisor")
    client.get("/supervisor/rules")

    def simulate() -> str:
        return client.post(
            "/supervisor/rules",
            data={"text": RULES, "action": "simulate", "csrf_token": csrf_token(client)},
        ).get_data(as_text=True)

    default_calls = _all_calls(simulate())
    night = dt.datetime.now(dt.UTC).replace(hour=2, minute=0, second=0, microsecond=0)
    for day in range(1, 15):
        for n in range(20):
            started = night - dt.timedelta(days=day) + dt.timedelta(minutes=3 * n)
            call = answered(f"r{day}-{n}", started, language="zh", topic="general", tier="standard")
            save_record(runtime.sessions, call)
    page = simulate()
    assert "Callers as the records show them: 280 calls" in page
    assert 100 <= _all_calls(page) <= 180, "a week of twenty calls a night"
    assert abs(_all_calls(page) - default_calls) > 40, "not the default day's callers"
