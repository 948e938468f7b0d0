"""The rules editor runs the what-if simulation on a proposed edit before it is published:
both versions meet the same simulated week of callers and the roster's shifts."""

from __future__ import annotations

import re

from flask import Flask

from hotline.records.roster import save_roster
from hotline.roster import parse_roster
from hotline.runtime import Runtime
from tests.conftest import ROOT
from tests.integration.web_support import csrf_token, signed_in_client

RULES = (ROOT / "routing_rules.yaml").read_text()


def test_a_proposed_edit_is_simulated_beside_the_rules_in_force(
    app: Flask, runtime: Runtime
) -> None:
    roster = parse_roster(
        (ROOT / "demo" / "roster.yaml").read_text(),
        "roster.yaml",
        languages=runtime.rules.languages.keys(),
        specialties=runtime.rules.specialties.keys(),
    )
    save_roster(runtime.sessions, roster, actor="test")
    client = signed_in_client(app, runtime, "sam", "supervisor")
    client.get("/supervisor/rules")  # the files are seeded as version 1
    # Send standard callers to the backup line after 8 minutes instead of 15.
    edit = re.sub(r"(standard:\n(?:.*\n)*?\s+max_wait:) \d+", r"\1 481", RULES, count=1)
    assert edit != RULES
    page = client.post(
        "/supervisor/rules",
        data={"text": edit, "action": "simulate", "csrf_token": csrf_token(client)},
    ).get_data(as_text=True)
    assert 'id="simulation"' in page
    row = page.split('data-sim-tier="standard"')[1].split("</tr>")[0]
    before, after = re.findall(r"<td>(\d+) → <strong>(\d+)</strong></td>", row)[-1]
    assert int(after) > int(before), "a shorter max_wait sends more standard callers on"
    assert "Published as version" not in page, "simulating publishes nothing"
