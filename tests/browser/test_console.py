"""A counselor's night: sign in, take calls, see who is coming, file the wrap-up."""

from __future__ import annotations

import re
import sqlite3
from collections.abc import Callable
from pathlib import Path

from playwright.sync_api import Page, expect

from hotline.sim import Caller, Phone
from tests.browser.support import ANA, Server, sign_in

Shot = Callable[[Page, str], Path]
CALLER = "+14155550177"


def test_a_counselor_takes_a_call_and_files_the_wrap_up(
    server: Server, page: Page, screenshot: Shot
) -> None:
    sign_in(page, server, "ana")
    state = page.locator("#state-label")
    expect(state).to_have_text("Available", timeout=30_000)  # always on call: the roster sync
    page.click("#go-away")
    expect(state).to_have_text("Away")
    page.click("#go-available")
    expect(state).to_have_text("Available")
    screenshot(page, "available")

    # Only Ana speaks English and knows youth: the call comes to her.
    # Twilio seconds, at 0.25 real seconds each: rings 4 s, talks 6 s.
    server.sim.add_phone(Phone(ANA, accept_key="1", answer_after=16, hang_up_after=24))
    call = server.sim.place_call(Caller(CALLER, digits=["1", "4"]))  # English, youth

    card = page.locator("#call-card")
    expect(card.locator("h2")).to_have_text("A call is ringing your phone", timeout=30_000)
    expect(card.locator(".language")).to_have_text("English")
    expect(card.locator(".topic")).to_have_text("a young person under 18")
    expect(state).to_have_text("Ringing")
    screenshot(page, "offered")
    expect(card.locator("h2")).to_have_text("On a call", timeout=15_000)
    expect(state).to_have_text("On a call")
    screenshot(page, "on-call")

    expect(card.locator("h2")).to_have_text("Call ended", timeout=20_000)
    expect(state).to_have_text("Wrap-up")
    wrapup = page.locator("#wrapup")
    expect(wrapup).to_be_visible()
    timer = page.locator("#wrapup-timer")
    expect(timer).to_have_text(re.compile(r"^[12]:\d\d$"))  # of the rules' 120 s wrap-up
    for number in ("4155550177", "555-0177", "5550177"):
        assert number not in page.content(), "the caller's number is never shown"

    wrapup.locator("input[name=disposition][value=support_given]").check()
    wrapup.locator("input[name=disposition][value=referral]").check()
    wrapup.locator("input[name=risk_level][value=moderate]").check()
    wrapup.locator("input[name=referral_given]").check()
    wrapup.locator("input[name=follow_up_agreed]").check()
    wrapup.locator("input[name=follow_up_consent]").check()
    screenshot(page, "wrap-up")
    flash = page.locator(".flash").first
    for _attempt in range(20):  # the record is written by a job just after the hang-up
        wrapup.locator("button[value=available]").click()
        expect(flash).to_be_visible()
        if "Still saving the call" not in flash.inner_text():
            break
        expect(wrapup.locator("input[name=risk_level][value=moderate]")).to_be_checked()
    expect(flash).to_have_text("Wrap-up saved. The follow-up call is arranged.")
    expect(state).to_have_text("Available")
    expect(page.locator("#wrapup")).to_be_hidden()
    screenshot(page, "filed")

    assert call.outcome == "answered"
    with sqlite3.connect(server.var_dir / "hotline.db") as db:
        row = db.execute(
            "SELECT disposition, risk_level, referral_given, follow_up_agreed, follow_up_consent"
            " FROM call_records"
        ).fetchone()
        callbacks = db.execute("SELECT source, status FROM callbacks").fetchall()
        audit = [a for (a,) in db.execute("SELECT action FROM audit_events")]
    assert row == ('["support_given", "referral"]', "moderate", 1, 1, 1)
    assert callbacks == [("follow_up", "scheduled")]
    assert "wrap_up.filed" in audit
