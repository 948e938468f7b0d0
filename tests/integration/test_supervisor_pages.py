"""The supervisor's pages through the Flask test client: every page renders, the rules
editor refuses with lines and publishes, the dashboard's JSON, CSV export, roster edits."""

from __future__ import annotations

import csv
import dataclasses
import datetime as dt
import io
import re

from flask import Flask
from flask.testing import FlaskClient

from hotline.records.models import CallRecord
from hotline.roster import parse_roster
from hotline.rules import publishing, versions
from hotline.runtime import Runtime
from hotline.staffing.roster import save_roster
from tests.conftest import ROOT
from tests.integration.web_support import csrf_token, signed_in_client
from tests.support.rules_text import retime, step_after

RULES = (ROOT / "routing_rules.yaml").read_text()
PAGES = (
    "/supervisor/",
    "/supervisor/rules",
    "/supervisor/scripts",
    "/supervisor/coverage",
    "/supervisor/coverage?specialty=youth",
    "/supervisor/counselors",
    "/supervisor/records",
    "/supervisor/live.json",
)


def _supervisor(app: Flask, runtime: Runtime) -> FlaskClient:
    return signed_in_client(app, runtime, "sam", "supervisor")


def _post(client: FlaskClient, path: str, data: dict[str, str]) -> str:
    response = client.post(path, data={**data, "csrf_token": csrf_token(client)})
    assert response.status_code in (200, 302), response.status_code
    if response.status_code == 302:
        response = client.get(response.headers["Location"])
    return response.get_data(as_text=True)


def test_every_supervisor_page_renders_and_counselors_are_kept_out(
    app: Flask, runtime: Runtime
) -> None:
    sam = _supervisor(app, runtime)
    for path in PAGES:
        response = sam.get(path)
        assert response.status_code == 200, path
    ana = signed_in_client(app, runtime, "ana", "counselor")
    assert ana.get("/supervisor/rules").status_code == 403


def test_an_invalid_edit_shows_its_line_and_a_valid_one_publishes(
    app: Flask, runtime: Runtime
) -> None:
    sam = _supervisor(app, runtime)
    bad = RULES.replace("    max_wait: 300\n", "    max_wait: -3\n")
    line = next(n for n, text in enumerate(bad.splitlines(), 1) if "max_wait: -3" in text)
    page = _post(sam, "/supervisor/rules", {"text": bad, "action": "publish"})
    assert f"line {line}" in page
    assert re.search(rf'<li value="{line}" class="bad"', page)
    assert publishing.in_force(runtime, versions.RULES).number == 1
    later = step_after(RULES, "urgent", "language") + 1
    good = retime(RULES, "urgent", "language", later)
    checked = _post(sam, "/supervisor/rules", {"text": good, "action": "check"})
    assert f"after: {later}" in checked and 'id="dry-proposed"' in checked
    assert publishing.in_force(runtime, versions.RULES).number == 1
    done = _post(sam, "/supervisor/rules", {"text": good, "action": "publish"})
    assert "version 2" in done
    assert runtime.rules.tiers["urgent"].relax[1].after == later
    rolled = _post(sam, "/supervisor/rollback/rules/1", {})
    assert publishing.in_force(runtime, versions.RULES).content == versions.content_version(
        "rules", RULES
    )
    assert "version 3" in rolled


def test_dashboard_json_and_csv_export(app: Flask, runtime: Runtime) -> None:
    now = dt.datetime.now(dt.UTC)
    with runtime.sessions.begin() as session:
        session.add(
            CallRecord(
                id="rec-1",
                caller_key="secret-key-1",
                started_at=now,
                tier="urgent",
                language="en",
                queue_seconds=12,
                outcome="answered",
            )
        )
    sam = _supervisor(app, runtime)
    live = sam.get("/supervisor/live.json").get_json()
    assert {t["tier"] for t in live["tiers"]} == {"imminent", "urgent", "standard"}
    assert live["today"]["urgent"]["service_level"] == "100%"
    assert live["today"]["urgent"]["service_level_short_left_out"] == "100%"
    body = sam.get("/supervisor/records.csv?language=en").get_data(as_text=True)
    rows = list(csv.DictReader(io.StringIO(body)))
    assert [r["id"] for r in rows] == ["rec-1"] and "secret-key-1" not in body


def test_a_counselor_is_added_with_a_checked_phone_and_shifts(app: Flask, runtime: Runtime) -> None:
    sam = _supervisor(app, runtime)
    refused = _post(
        sam,
        "/supervisor/counselors",
        {"name": "Mei", "phone": "123", "languages": "zh", "timezone": "Asia/Shanghai"},
    )
    assert "not a valid phone number" in refused
    page = _post(
        sam,
        "/supervisor/counselors",
        {
            "name": "Mei",
            "phone": "+86 138 1234 5678",
            "languages": "zh",
            "timezone": "Asia/Shanghai",
        },
    )
    assert "+8613812345678" in page
    found = re.search(
        r'/supervisor/counselors/(\d+)"', sam.get("/supervisor/counselors").get_data(as_text=True)
    )
    assert found
    path = f"/supervisor/counselors/{found.group(1)}"
    shifts = _post(sam, path, {"what": "shifts", "shifts": "tue 04:00-02:00"})
    assert "tue 04:00-02:00" in shifts
    grid = sam.get("/supervisor/coverage").get_data(as_text=True)
    assert 'id="coverage-zh"' in grid


def test_the_coverage_page_advises_staffing_beside_the_roster(app: Flask, runtime: Runtime) -> None:
    """The supervisor asks for advice: each hour shows the counselors on shift and those
    advised, the page says whether the advised staffing meets the target, and which second
    language would help most where the roster is short (here the demo roster's first six,
    one language each: nobody for Cantonese or Shanghainese)."""
    demo = parse_roster(
        (ROOT / "demo" / "roster.yaml").read_text(),
        "roster.yaml",
        languages=runtime.rules.languages.keys(),
        specialties=runtime.rules.specialties.keys(),
    )
    first_six = tuple(  # one language each, so each may learn a second
        dataclasses.replace(c, languages=c.languages[:1]) for c in demo.counselors[:6]
    )
    save_roster(runtime.sessions, dataclasses.replace(demo, counselors=first_six), actor="test")
    sam = signed_in_client(app, runtime, "sam", "supervisor")
    plain = sam.get("/supervisor/coverage").get_data(as_text=True)
    assert "data-advised" not in plain, "advice only when asked: it takes seconds"
    page = sam.get("/supervisor/coverage?advise=1").get_data(as_text=True)
    assert 'id="staffing-advice"' in page and 'id="advice-verdict"' in page
    cells = re.findall(r'data-count="(\d+)" data-advised="(\d+)"', page)
    assert len(cells) == 7 * 24 * len(runtime.rules.languages)
    assert any(int(have) < int(advised) for have, advised in cells), "six counselors are short"
    assert 'id="cross-training"' in page
