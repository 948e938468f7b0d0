"""The rules editor's page: the dry run runs on the text being edited and says which version
it runs; Simulate a week marks each figure better or worse; a roll back names its version."""

from __future__ import annotations

import hashlib
import html
import re

from flask import Flask
from flask.testing import FlaskClient

from hotline.roster import parse_roster
from hotline.runtime import Runtime
from hotline.staffing.roster import save_roster
from tests.conftest import ROOT
from tests.integration.web_support import csrf_token, signed_in_client
from tests.support.rules_text import retime, step_after

RULES = (ROOT / "routing_rules.yaml").read_text()
# Urgent callers may go to anyone a second sooner than the shipped rules say.
SOONER = retime(RULES, "urgent", "", step_after(RULES, "urgent", "") - 1)
assert SOONER != RULES


def _post(client: FlaskClient, action: str, text: str) -> str:
    data = {"text": text, "action": action, "tier": "urgent", "csrf_token": csrf_token(client)}
    response = client.post("/supervisor/rules", data=data, follow_redirects=True)
    assert response.status_code == 200
    return response.get_data(as_text=True)


def _textarea(page: str) -> str:
    found = re.search(r'<textarea id="rules-text"[^>]*>(.*?)</textarea>', page, re.S)
    assert found
    return html.unescape(found.group(1))


def _panel(page: str, panel: str) -> str:
    return page.split(f'id="{panel}"')[1].split("</h3>")[0]


def _version(text: str) -> str:
    """The rules version a dry-run panel names: the text's hash."""
    return hashlib.sha256(text.encode()).hexdigest()[:12]


def test_the_dry_run_runs_on_the_text_being_edited(app: Flask, runtime: Runtime) -> None:
    sam = signed_in_client(app, runtime, "sam", "supervisor")
    assert "same as the text in the editor" in sam.get("/supervisor/rules").get_data(as_text=True)
    page = _post(sam, "dry-run", SOONER)
    assert _textarea(page) == SOONER, "the edit stays in the editor"
    assert "not yet published" in page and "Rules in force, version 1" in page
    assert _version(SOONER) in _panel(page, "dry-proposed")
    assert _version(RULES) in _panel(page, "dry-in-force")


def test_an_edit_with_problems_is_kept_and_the_dry_run_says_it_runs_the_rules_in_force(
    app: Flask, runtime: Runtime
) -> None:
    sam = signed_in_client(app, runtime, "sam", "supervisor")
    broken = SOONER.replace("max_wait: 300", "max_wait 300")
    page = _post(sam, "dry-run", broken)
    assert _textarea(page) == broken
    assert 'id="dry-proposed"' not in page
    assert "has problems, so this runs on the rules in force (version 1) only" in page


def test_a_roll_back_button_names_the_version_and_asks(app: Flask, runtime: Runtime) -> None:
    sam = signed_in_client(app, runtime, "sam", "supervisor")
    assert "Published as version 2" in _post(sam, "publish", SOONER)
    page = sam.get("/supervisor/rules").get_data(as_text=True)
    form = page.split('<tr data-version="1">')[1].split("</form>")[0]
    assert "Roll back to version 1" in form
    ask = html.unescape(re.search(r'data-confirm="([^"]*)"', form).group(1))  # type: ignore[union-attr]
    assert ask.startswith("Bring back version 1 (") and "replaces version 2" in ask


def _cell(page: str, tier: str, name: str) -> str:
    row = page.split(f'data-sim-tier="{tier}"')[1].split("</tr>")[0]
    return re.findall(rf'data-change="(\w+)">[^<]*<strong data-sim="{name}"', row)[0]


def test_simulate_marks_what_gets_better_and_what_gets_worse(app: Flask, runtime: Runtime) -> None:
    roster = (ROOT / "demo" / "roster.yaml").read_text()
    rules = runtime.rules
    found = parse_roster(
        roster,
        "roster.yaml",
        languages=rules.languages.keys(),
        specialties=rules.specialties.keys(),
    )
    save_roster(runtime.sessions, found, actor="test")
    sam = signed_in_client(app, runtime, "sam", "supervisor")
    sam.get("/supervisor/rules")
    # Standard callers sent to the backup line after 3 minutes (their answer_within) instead
    # of 15: more of them.
    last = runtime.rules.tiers["standard"].answer_within
    sooner = re.sub(r"(standard:\n(?:.*\n)*?\s+max_wait:) \d+", rf"\1 {last}", RULES, count=1)
    page = _post(sam, "simulate", sooner)
    assert _cell(page, "standard", "overflowed") == "worse"
    assert 'class="verdict">worse<' in page
    # Back: the same change read the other way round is better.
    assert "Published as version 2" in _post(sam, "publish", sooner)
    page = _post(sam, "simulate", RULES)
    assert _cell(page, "standard", "overflowed") == "better"
