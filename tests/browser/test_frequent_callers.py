"""The assessment list of frequent callers on the dashboard, and a care plan written from
it, in English and in Chinese, in a real browser.

HOTLINE_DOC_SCREENSHOTS=1 also writes docs/screenshots/dashboard-frequent-callers-{en,zh}.png.
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Callable
from pathlib import Path

from playwright.sync_api import Page, expect

from hotline.bootstrap import build_runtime
from hotline.config import Settings
from hotline.privacy import caller_key
from hotline.records.models import CallRecord, Counselor
from tests.browser.support import Server, sign_in

DOCS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"
Shot = Callable[[Page, str], Path]


def _history(server: Server) -> str:
    """Five calls this week from one caller (Li, then Ana), the last one hung up waiting."""
    runtime = build_runtime(Settings.from_env(server.env))
    key = caller_key("+14155550188", runtime.settings.hash_key.reveal().encode())  # type: ignore[union-attr]
    assert key is not None
    now = dt.datetime.now(dt.UTC)
    with runtime.sessions.begin() as session:
        ids = {c.name: c.id for c in session.query(Counselor)}
        for i, (who, outcome, hours) in enumerate(
            [
                ("Li", "answered", 120),
                ("Li", "answered", 90),
                ("Ana", "answered", 50),
                ("Ana", "answered", 26),
                (None, "hung_up_queue", 3),
            ]
        ):
            session.add(
                CallRecord(
                    id=f"past-{i}",
                    caller_key=key,
                    started_at=now - dt.timedelta(hours=hours),
                    outcome=outcome,
                    counselor_id=ids[who] if who else None,
                    language="zh",
                    topic="relationships",
                    tier="standard",
                )
            )
    runtime.engine.dispose()
    return key[:8]


def _shot(page: Page, label: str, screenshot: Shot) -> None:
    screenshot(page, label)
    if os.environ.get("HOTLINE_DOC_SCREENSHOTS") == "1":
        DOCS.mkdir(parents=True, exist_ok=True)
        page.locator("#frequent").screenshot(path=str(DOCS / f"dashboard-{label}.png"))


def test_the_assessment_list_and_a_care_plan_in_english_and_chinese(
    server: Server, page: Page, screenshot: Shot
) -> None:
    short = _history(server)
    sign_in(page, server, "sam")
    row = page.locator(f'#frequent tr[data-caller="{short}"]')
    expect(row).to_contain_text("5")
    expect(row).to_contain_text("Ana, Li")
    expect(row).to_contain_text("Hung up while waiting")
    row.get_by_role("link", name="Write a care plan").click()
    expect(page.locator("h1")).to_have_text(f"Care plan for caller {short}")
    page.fill(
        "#plan",
        "Often calls late at night about her marriage. Agreed: a callback "
        "on Thursday evening with Li; remind her of it.",
    )
    page.click("#save-plan")
    expect(page.locator(".flash").first).to_contain_text(f"Care plan saved for caller {short}.")
    expect(row.get_by_role("link")).to_have_text("Read or edit the care plan")
    _shot(page, "frequent-callers-en", screenshot)

    page.locator(".lang-switch button").first.click()  # 中文
    row = page.locator(f'#frequent tr[data-caller="{short}"]')
    expect(page.locator("#frequent h2")).to_have_text("频繁来电者：评估")
    expect(row).to_contain_text("等待中挂断")
    expect(row.get_by_role("link")).to_have_text("查看或修改关怀计划")
    _shot(page, "frequent-callers-zh", screenshot)
