"""A supervisor's pages in a real browser: the rules editor refuses an invalid edit with its
line, publishes a valid one and the dry-run shows the new order; every page is saved."""

from __future__ import annotations

import datetime as dt
import re
import time
from collections.abc import Callable
from pathlib import Path

from playwright.sync_api import Page, expect
from sqlalchemy import create_engine
from sqlalchemy.orm import Session

from hotline.records.models import CallRecord
from tests.browser.support import Server, sign_in
from tests.support.processes import ROOT
from tests.support.rules_text import in_tier, step_after

Shot = Callable[[Page, str], Path]
RULES = (ROOT / "routing_rules.yaml").read_text()
# Mandarin, youth, urgent: Zhang (zh, youth) first; then, under the repo's rules, Li (zh)
# once language alone is enough, then Ana (en, youth) once anyone may.
DRY_RUN = "/supervisor/rules?language=zh&topic=youth&tier=urgent&roster=live"
LANGUAGE_AFTER = step_after(RULES, "urgent", "language")
SPECIALTY_FIRST = in_tier(
    RULES,
    "urgent",
    lambda block: re.sub(
        r"      - \{require: \[language\], after: (\d+)\}\n"
        r"      - \{require: \[fallback_language\], after: \d+\}\n",
        r"      - {require: [specialty], after: \1}\n",
        block,
    ),
)


def _order(page: Page, panel: str) -> list[str]:
    return [name.strip() for name in page.locator(f"#{panel} ol.order li strong").all_inner_texts()]


def _wait_for_order(page: Page, panel: str, wanted: list[str], timeout: float = 40.0) -> None:
    """The roster sync makes the always-on-call counselors available shortly after start."""
    deadline = time.monotonic() + timeout
    while _order(page, panel) != wanted:
        assert time.monotonic() < deadline, _order(page, panel)
        page.wait_for_timeout(1000)
        page.reload()


def test_an_invalid_rules_edit_is_refused_with_its_line_and_a_valid_one_publishes(
    server: Server, page: Page, screenshot: Shot
) -> None:
    assert SPECIALTY_FIRST != RULES
    sign_in(page, server, "sam")
    expect(page).to_have_url(server.url("/supervisor/"))
    page.goto(server.url(DRY_RUN))
    _wait_for_order(page, "dry-in-force", ["Zhang", "Li", "Ana"])
    expect(page.locator("text=In force: version 1")).to_be_visible()
    screenshot(page, "rules-editor")

    bad = RULES.replace("    max_wait: 300\n", "    max_wait: -3\n")
    line = next(n for n, text in enumerate(bad.splitlines(), 1) if "max_wait: -3" in text)
    page.fill("#rules-text", bad)
    page.click("#publish")
    expect(page.locator("#problems")).to_contain_text(f"line {line}")
    expect(page.locator(f'ol.listing li.bad[value="{line}"]')).to_contain_text("max_wait: -3")
    expect(page.locator(".editor .gutter span.bad")).to_have_text(str(line))
    expect(page.locator("text=In force: version 1")).to_be_visible()
    screenshot(page, "refused")

    page.fill("#rules-text", SPECIALTY_FIRST)
    page.click("#check")
    expect(page.locator("#diff")).to_contain_text(f"require: [specialty], after: {LANGUAGE_AFTER}")
    assert _order(page, "dry-proposed") == ["Zhang", "Ana", "Li"]
    assert _order(page, "dry-in-force") == ["Zhang", "Li", "Ana"]
    screenshot(page, "checked")

    page.click("#publish")
    expect(page.locator(".flash-info")).to_contain_text("Published as version 2")
    expect(page.locator("text=In force: version 2")).to_be_visible()
    assert _order(page, "dry-in-force") == ["Zhang", "Ana", "Li"]
    expect(page.locator('#history tr[data-version="2"]')).to_contain_text("sam")
    expect(page.locator("#audit")).to_contain_text("Rules published")
    screenshot(page, "published")

    page.once("dialog", lambda dialog: dialog.accept())  # "Bring back version 1 (...)?"
    page.click('#history tr[data-version="1"] button.rollback')
    expect(page.locator(".flash-info")).to_contain_text("as version 3")
    assert _order(page, "dry-in-force") == ["Zhang", "Li", "Ana"]


def _some_records(server: Server) -> None:
    """A week of made-up anonymous records, so the charts and the records page have bars."""
    now = dt.datetime.now(dt.UTC)
    engine = create_engine(f"sqlite:///{server.var_dir / 'hotline.db'}")
    outcomes = ("answered", "answered", "answered", "hung_up_queue", "overflowed")
    with Session(engine) as session, session.begin():
        for n in range(60):
            session.add(
                CallRecord(
                    id=f"demo-{n}",
                    started_at=now - dt.timedelta(hours=n * 2.7),
                    language=("en", "zh", "yue")[n % 3],
                    topic=("youth", "suicide", "general")[n % 3],
                    tier=("urgent", "standard", "imminent")[n % 3],
                    queue_seconds=(n * 37) % 240,
                    talk_seconds=600,
                    outcome=outcomes[n % 5],
                )
            )
    engine.dispose()


def test_every_supervisor_page_in_english_and_chinese(
    server: Server, make_page: Callable[..., Page], screenshot: Shot
) -> None:
    _some_records(server)
    page = make_page()
    sign_in(page, server, "sam")
    expect(page.locator("#live tr[data-tier=urgent]")).to_be_visible()
    expect(page.locator("svg.chart")).to_have_count(4)
    expect(page.locator("svg.chart rect.answered").first).to_be_visible()
    expect(page.locator('[data-state="available"]')).to_have_text("3", timeout=40_000)
    screenshot(page, "dashboard")
    page.goto(server.url("/supervisor/scripts"))
    expect(page.locator("textarea.code")).to_have_count(5)  # the flow and four languages
    screenshot(page, "scripts")
    page.goto(server.url("/supervisor/coverage"))
    # Everyone is always on call, but nobody speaks Cantonese: every hour is a gap.
    expect(page.locator("#coverage-yue td.gap")).to_have_count(7 * 24)
    expect(page.locator("#coverage-zh td.gap")).to_have_count(0)
    screenshot(page, "coverage")
    page.goto(server.url("/supervisor/coverage?specialty=suicide"))
    expect(page.locator("#coverage-zh td.gap")).to_have_count(0)  # Li
    screenshot(page, "coverage-suicide")
    page.goto(server.url("/supervisor/counselors"))
    expect(page.locator("#counselors tbody tr")).to_have_count(3)
    screenshot(page, "counselors")
    page.click("text=Zhang")
    expect(page.locator("h1")).to_have_text("Zhang")
    screenshot(page, "counselor")
    page.goto(server.url("/supervisor/records?language=zh"))
    expect(page.locator("#records tbody tr")).to_have_count(20)
    expect(page.locator("text=Page 1 of 1")).to_be_visible()
    screenshot(page, "records")

    chinese = make_page(locale="zh-CN")
    sign_in(chinese, server, "sam")
    chinese.click("button[name=locale][value=zh_Hans]")
    expect(chinese.locator("h1")).to_have_text("总览")
    screenshot(chinese, "dashboard-zh")
    chinese.goto(server.url("/supervisor/rules"))
    expect(chinese.locator("h1")).to_have_text("路由规则")
    expect(chinese.locator("#publish")).to_have_text("发布")
    screenshot(chinese, "rules-zh")
    chinese.goto(server.url("/supervisor/coverage"))
    screenshot(chinese, "coverage-zh")


def test_a_counselor_cannot_open_the_rules_editor(server: Server, page: Page) -> None:
    sign_in(page, server, "ana")
    response = page.goto(server.url("/supervisor/rules"))
    assert response is not None and response.status == 403
