"""A long call is noticed, never cut: with offer.talk_reminder_after at its shortest (60 s),
the console of a counselor still talking shows the talk time and reminds them once, in
English and in Chinese; "Noted" hides the reminder for that call, and the call goes on.

HOTLINE_DOC_SCREENSHOTS=1 also writes docs/screenshots/console-long-call-{en,zh}.png.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from hotline.devdouble.twilio import Caller, Phone
from tests.browser.support import ANA, LI, Server, sign_in
from tests.support.processes import ROOT

DOCS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"


@pytest.fixture
def rules() -> str:
    """The repo's rules with a reminder after one minute of talk."""
    text = (ROOT / "routing_rules.yaml").read_text()
    assert "talk_reminder_after: 2700" in text
    return text.replace("talk_reminder_after: 2700", "talk_reminder_after: 60")


def _shot(page: Page, label: str, screenshot: Callable[[Page, str], Path]) -> None:
    screenshot(page, label)
    if os.environ.get("HOTLINE_DOC_SCREENSHOTS") == "1":
        DOCS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(DOCS / f"console-{label}.png"), full_page=True)


def test_a_long_call_is_shown_and_reminded_once_in_english_and_chinese(
    server: Server,
    make_page: Callable[..., Page],
    screenshot: Callable[[Page, str], Path],
) -> None:
    english, chinese = make_page(), make_page(locale="zh-CN")
    sign_in(english, server, "ana")
    sign_in(chinese, server, "li")
    expect(english.locator("#state-label")).to_have_text("Available", timeout=30_000)
    expect(chinese.locator("#state-label")).to_have_text("可接听", timeout=30_000)
    # Twilio seconds at 0.25 real seconds each: the counselors talk about 100 s, the callers
    # stay until they hang up.
    server.sim.add_phone(Phone(ANA, accept_key="1", hang_up_after=400))
    server.sim.add_phone(Phone(LI, accept_key="1", hang_up_after=400))
    first = server.sim.place_call(Caller("+14155550177", digits=["1", "4"]))  # English, youth
    second = server.sim.place_call(Caller("+14155550178", digits=["2", "1"]))  # Mandarin

    for page, on_call in ((english, "On a call"), (chinese, "通话中")):
        card = page.locator("#call-card")
        expect(card.locator("h2")).to_have_text(on_call, timeout=40_000)
        expect(card.locator("#talk-time")).to_be_visible()
        expect(card.locator("#talk-reminder")).to_have_count(0)  # under a minute yet
    for page, reminded in (
        (english, "This call has lasted over 1 minute."),
        (chinese, "这通电话已超过 1 分钟。"),
    ):
        card = page.locator("#call-card")
        expect(card.locator("#talk-reminder")).to_contain_text(reminded, timeout=80_000)
        expect(card.locator("#talk-time")).to_have_class("talk-time long")
    _shot(english, "long-call-en", screenshot)
    _shot(chinese, "long-call-zh", screenshot)

    english.click("#talk-reminder .talk-reminder-ok")
    expect(english.locator("#talk-reminder")).to_be_hidden()
    english.wait_for_timeout(4_500)  # two polls: the card is drawn again, the reminder stays hidden
    expect(english.locator("#talk-reminder")).to_be_hidden()
    expect(english.locator("#call-card h2")).to_have_text("On a call")
    assert not first.finished and not second.finished, "nothing cuts a long call"
