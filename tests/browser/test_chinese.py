"""The Chinese interface is whole, in a real browser with live calls: the counselor's console
through a call and the supervisor's pages (the dashboard after its live refresh, records,
counselors, coverage, the rules with a dry run, scripts, recordings) show every code by its
name and no English beyond names, files and the language switch; the English pages show no
code either. Dates are written the Chinese way."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable

from playwright.sync_api import Page, expect
from sqlalchemy import create_engine
from sqlalchemy.orm import Session

from hotline.devdouble.twilio import Caller, Phone
from hotline.records.models import CallRecord
from tests.browser.support import ANA, LI, ZHANG, Server, sign_in
from tests.support.shown_text import misnamed

PAGES = (
    "/supervisor/records",
    "/supervisor/counselors",
    "/supervisor/coverage",
    "/supervisor/coverage?specialty=youth",
    "/supervisor/rules?language=yue&topic=domestic_violence&tier=imminent",
    "/supervisor/scripts",
    "/supervisor/recordings",
)


def _records(server: Server) -> None:
    """Yesterday's calls in each language, topic and outcome, one with a risk level."""
    engine = create_engine(f"sqlite:///{server.var_dir / 'hotline.db'}")
    yesterday = dt.datetime.now(dt.UTC) - dt.timedelta(days=1)
    rows = [
        ("yue", "domestic_violence", "imminent", "hung_up_queue"),
        ("zh", "youth", "standard", "answered"),
        ("en", "substance_use", "urgent", "overflowed"),
    ]
    with Session(engine) as session, session.begin():
        for n, (language, topic, tier, outcome) in enumerate(rows):
            session.add(
                CallRecord(
                    id=f"zh-test-{n}",
                    started_at=yesterday,
                    language=language,
                    topic=topic,
                    tier=tier,
                    queue_seconds=40,
                    talk_seconds=600,
                    outcome=outcome,
                    risk_level="moderate",
                )
            )
    engine.dispose()


def _wrong(page: Page, label: str, locale: str) -> list[str]:
    return misnamed({label: page.content()}, locale)


def test_the_chinese_interface_is_whole_with_calls_live(
    server: Server, make_page: Callable[..., Page]
) -> None:
    _records(server)
    li = make_page(locale="zh-CN")
    sign_in(li, server, "li")  # Li's account reads Chinese
    expect(li.locator("#state-label")).to_have_text("可接听", timeout=30_000)
    sam = make_page(locale="zh-CN")
    sign_in(sam, server, "sam")
    sam.click("button[name=locale][value=zh_Hans]")
    expect(sam.locator("h1")).to_have_text("总览")

    # Li takes a Mandarin caller and stays on; nobody speaks Cantonese to a caller in danger.
    server.sim.add_phone(Phone(LI, accept_key="1", answer_after=2))
    for number in (ANA, ZHANG):
        server.sim.add_phone(Phone(number, answer=False))
    server.sim.place_call(Caller("+14155550181", digits=["2", "1"], hang_up_after=600))
    expect(li.locator("#call-card h2")).to_have_text("通话中", timeout=40_000)
    expect(li.locator("#call-card .language")).to_have_text("普通话")
    server.sim.place_call(Caller("+14155550182", digits=["3", "9"], patience=300))

    # The dashboard fills its panels from the live feed, without a reload.
    expect(sam.locator("#in-progress tr[data-call]")).to_have_count(1, timeout=40_000)
    expect(sam.locator('#live tr[data-tier="imminent"] [data-language="yue"]')).to_have_text(
        "1", timeout=40_000
    )
    wrong = _wrong(sam, "dashboard", "zh") + _wrong(li, "console", "zh")
    for path in PAGES:
        sam.goto(server.url(path))
        wrong += _wrong(sam, path, "zh")
        if path == "/supervisor/records":
            # Babel's Chinese date: 2026年12月5日 14:05, not an English or ISO one.
            expect(sam.locator("#records tbody tr").first.locator("td").first).to_have_text(
                re.compile(r"^\d{4}年\d{1,2}月\d{1,2}日 \d\d:\d\d$")
            )
    assert not wrong, "shown as a code or in English:\n" + "\n".join(wrong)

    english = make_page()
    sign_in(english, server, "ana")
    wrong = _wrong(english, "console", "en")
    sign_in(english, server, "sam")
    for path in ("/supervisor/", *PAGES):
        english.goto(server.url(path))
        wrong += _wrong(english, path, "en")
    assert not wrong, "codes shown as text:\n" + "\n".join(wrong)
