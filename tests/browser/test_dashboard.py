"""The supervisor's dashboard left open, as on the wall of a call room: real calls through
the local Twilio come and go on it with no reload, and a caller in danger waiting turns its
header red with how long they have waited.

HOTLINE_DOC_SCREENSHOTS=1 also writes the en and zh screenshots of a caller in danger
waiting to docs/screenshots/ (the ones committed there come from this test).
"""

from __future__ import annotations

import datetime as dt
import os
import re
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect
from sqlalchemy import create_engine
from sqlalchemy.orm import Session

from hotline.devdouble.twilio import Caller, Phone
from hotline.records.models import CallRecord
from tests.browser.support import ANA, LI, ZHANG, Server, sign_in
from tests.support.processes import ROOT

Shot = Callable[[Page, str], Path]
DOCS = ROOT / "docs" / "screenshots"


@pytest.fixture
def sim_time_scale() -> float:
    """Half a real second per Twilio second: a 16 s ring lasts 8 s, over two polls."""
    return 0.5


def _open_dashboard(page: Page, server: Server) -> None:
    sign_in(page, server, "sam")
    expect(page).to_have_url(server.url("/supervisor/"))
    # The roster sync makes the three always-on-call counselors available.
    expect(page.locator('[data-state="available"]')).to_have_text("3", timeout=40_000)
    page.evaluate("window.openedOnce = true")  # gone if the page ever reloads


def test_a_call_comes_and_goes_on_an_open_dashboard(server: Server, page: Page) -> None:
    _open_dashboard(page, server)
    expect(page.locator("#no-calls")).to_be_visible()
    today = page.locator('#today tr[data-today=""] [data-field="queued"]')
    expect(today).to_have_text("0")

    # English, "under 18" (standard tier): only Ana speaks English and knows youth.
    server.sim.add_phone(Phone(ANA, accept_key="1", answer_after=16, hang_up_after=30))
    call = server.sim.place_call(Caller("+14155550177", digits=["1", "4"]))

    waiting = page.locator('tr[data-tier="standard"] [data-field="waiting"]')
    expect(waiting).to_have_text("1", timeout=40_000)  # in line while Ana's phone rings
    expect(page.locator('#today tr[data-today="standard"] [data-field="waiting"]')).to_have_text(
        "1"
    )
    expect(today).to_have_text("1")  # today counts the caller still waiting

    row = page.locator("#in-progress tr[data-call]")
    expect(row).to_have_count(1, timeout=20_000)
    expect(row.locator("td").nth(1)).to_have_text("English")
    expect(row.locator("td").nth(2)).to_have_text("Youth")
    expect(row.locator("td").nth(3)).to_have_text("Ana")
    for mode in ("Listen", "Coach", "Barge"):
        expect(row.get_by_role("button", name=mode)).to_be_visible()
    # Polls move the talking time on and leave the buttons where they are (never swapped
    # out from under a supervisor's pointer).
    listen = row.get_by_role("button", name="Listen").element_handle()
    talking = row.locator("td").nth(4)
    expect(talking).not_to_have_text(talking.inner_text())
    assert listen.evaluate("button => button.isConnected")
    expect(waiting).to_have_text("0")
    expect(page.locator('[data-state="on_call"]')).to_have_text("1")

    expect(row).to_have_count(0, timeout=30_000)  # Ana's caller hung up after 30 s
    expect(page.locator("#no-calls")).to_be_visible()
    expect(page.locator('[data-state="on_call"]')).to_have_text("0")
    expect(page.locator('[data-state="wrap_up"]')).to_have_text("1")
    expect(today).to_have_text("1")
    expect(page.locator('#today tr[data-today="standard"] [data-field="waiting"]')).to_have_text(
        "0"
    )
    expect(
        page.locator('#today tr[data-today="standard"] [data-field="service_level"]')
    ).to_have_text("100%")
    assert page.evaluate("window.openedOnce") is True, "the page was never reloaded"
    assert call.outcome == "answered"

    # The feed cannot be reached: the page says its figures are as of the time shown.
    stale = page.locator("#stale")
    expect(stale).to_be_hidden()
    page.route("**/supervisor/live.json", lambda route: route.abort())
    expect(stale).to_be_visible(timeout=10_000)
    page.unroute("**/supervisor/live.json")
    expect(stale).to_be_hidden(timeout=10_000)


def _records(server: Server, rows: list[CallRecord]) -> None:
    engine = create_engine(f"sqlite:///{server.var_dir / 'hotline.db'}")
    with Session(engine) as session, session.begin():
        session.add_all(rows)
    engine.dispose()


def test_today_gives_the_service_level_both_ways(server: Server, page: Page) -> None:
    """One standard caller answered in 30 s, one who hung up after 2 s (a misdial, most
    likely), one who hung up after a minute: a third answered within target with every
    hang-up counted, a half with the short one left out; each column says which."""
    now = dt.datetime.now(dt.UTC)
    calls = [(30, 600, "answered"), (2, 0, "hung_up_queue"), (60, 0, "hung_up_queue")]
    _records(server, [
        CallRecord(id=f"today-{n}", started_at=now, language="en", topic="general",
                   tier="standard", queue_seconds=wait, talk_seconds=talk, outcome=outcome)
        for n, (wait, talk, outcome) in enumerate(calls)
    ])  # fmt: skip
    _open_dashboard(page, server)
    standard = page.locator('#today tr[data-today="standard"]')
    headings = page.locator("#today thead th")
    expect(headings.nth(3)).to_have_text("Answered within target")
    expect(standard.locator('[data-field="service_level"]')).to_have_text("33%")
    expect(headings.nth(4)).to_have_text("Within target, hang-ups under 5 s left out")
    expect(standard.locator('[data-field="service_level_short_left_out"]')).to_have_text("50%")
    expect(standard.locator('[data-field="abandonment"]')).to_have_text("67%")

    page.click("button[name=locale][value=zh_Hans]")
    expect(headings.nth(4)).to_have_text("目标时间内接听（不计 5 秒内挂断）")
    expect(standard.locator('[data-field="service_level_short_left_out"]')).to_have_text("50%")


def _week_of_records(server: Server) -> None:
    """A week of made-up anonymous records, so the charts have bars to show."""
    now = dt.datetime.now(dt.UTC)
    outcomes = ("answered", "answered", "answered", "hung_up_queue", "answered", "overflowed")
    _records(server, [
        CallRecord(
            id=f"past-{n}",
            started_at=now - dt.timedelta(hours=n * 1.9 + 0.5),
            language=("en", "zh", "yue")[n % 3],
            topic=("youth", "suicide", "general")[n % 3],
            tier=("urgent", "standard", "imminent", "standard")[n % 4],
            queue_seconds=(n * 41) % 260,
            talk_seconds=600,
            outcome=outcomes[n % 6],
        )
        for n in range(90)
    ])  # fmt: skip


@pytest.mark.parametrize("sim_time_scale", [0.25])
def test_a_caller_in_danger_waiting_turns_the_header_red(
    server: Server, page: Page, screenshot: Shot
) -> None:
    _week_of_records(server)
    _open_dashboard(page, server)
    header = page.locator(".dash-head")
    expect(header).not_to_have_class(re.compile(r"\balarm\b"))
    calm = page.locator(".topbar").evaluate("e => getComputedStyle(e).backgroundColor")

    # Ana takes an English caller and stays on the call; Li and Zhang do not pick up.
    server.sim.add_phone(Phone(ANA, accept_key="1", answer_after=2))
    for number in (LI, ZHANG):
        server.sim.add_phone(Phone(number, answer=False))
    server.sim.place_call(Caller("+14155550171", digits=["1", "1"], hang_up_after=400))
    expect(page.locator("#in-progress tr[data-call]")).to_have_count(1, timeout=40_000)
    # Cantonese, in danger (key 9): nobody speaks Cantonese, and the others are busy.
    server.sim.place_call(Caller("+14155550172", digits=["3", "9"], patience=160))
    server.sim.place_call(Caller("+14155550173", digits=["2", "3"], hang_up_after=400))

    alarm = page.locator("#alarm")
    expect(alarm).to_have_text(
        re.compile(r"^A caller in danger has waited 0:[2-5]\d \(answer within 0:20\)\.$"),
        timeout=40_000,
    )
    expect(header).to_have_class(re.compile(r"\balarm\b"))
    expect(alarm).to_have_attribute("role", "alert")  # a screen reader says it at once
    expect(page).to_have_title(re.compile(r"^A caller in danger has waited"))  # on its tab too
    red = page.locator(".topbar").evaluate("e => getComputedStyle(e).backgroundColor")
    assert red != calm, "the page's top bar turns red too"
    imminent = page.locator('#live tr[data-tier="imminent"]')
    expect(imminent).to_have_class(re.compile(r"\blate-0\b"))
    expect(imminent.locator('[data-language="yue"]')).to_have_text("1")
    expect(imminent.locator(".late-note")).to_have_text(re.compile(r"over target$"))
    _readable_and_near_the_top(page)
    _document(page, screenshot, "dashboard-in-danger-en")

    page.click("button[name=locale][value=zh_Hans]")
    expect(page.locator("h1")).to_have_text("总览")
    expect(page.locator("#alarm")).to_have_text(re.compile(r"^一位身处危险的来电者已等待 \d:\d\d"))
    expect(page.locator('#live thead th[data-language="yue"]')).to_have_text("粤语")
    _document(page, screenshot, "dashboard-in-danger-zh")

    # The caller's patience runs out: the header is calm again, today counts the hang-up.
    expect(header).not_to_have_class(re.compile(r"\balarm\b"), timeout=40_000)
    expect(page.locator("#alarm")).to_have_count(0)
    expect(page).to_have_title("总览 · 热线")
    expect(
        page.locator('#today tr[data-today="imminent"] [data-field="abandonment"]')
    ).not_to_have_text("—")


def _readable_and_near_the_top(page: Page) -> None:
    """The service chart's labels are at least 13 px tall as drawn, and the chart begins
    within the first screen and a half."""
    chart = page.locator("#service svg.chart").first
    box = chart.bounding_box()
    assert box is not None and box["y"] < 1.5 * 900, box
    heights = chart.locator("text.axis").evaluate_all(
        "els => els.map(e => e.getBoundingClientRect().height)"
    )
    assert heights and min(heights) >= 13, heights


def _document(page: Page, screenshot: Shot, label: str) -> None:
    path = screenshot(page, label)
    if os.environ.get("HOTLINE_DOC_SCREENSHOTS"):
        DOCS.mkdir(parents=True, exist_ok=True)
        shutil.copy(path, DOCS / f"{label}.png")
