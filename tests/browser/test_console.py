"""A counselor's night: sign in, take calls, see who is coming and who waits, file each
wrap-up onto its own call, with one console page left open throughout (no reloads)."""

from __future__ import annotations

import datetime as dt
import os
import re
import sqlite3
from collections.abc import Callable
from pathlib import Path

import pytest
from playwright.sync_api import Locator, Page, expect

from hotline.devdouble.twilio import Caller, Phone
from tests.browser.support import ANA, LI, ZHANG, Server, sign_in
from tests.support.processes import ROOT

Shot = Callable[[Page, str], Path]
CALLER, OTHER, THIRD = "+14155550177", "+14155550178", "+14155550179"
DOCS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"


@pytest.fixture
def docs_shot(screenshot: Shot) -> Shot:
    """As `screenshot`; with HOTLINE_DOC_SCREENSHOTS=1 also saved as
    docs/screenshots/console-<label>.png (how the committed screenshots are made)."""

    def save(page: Page, label: str) -> Path:
        path = screenshot(page, label)
        if os.environ.get("HOTLINE_DOC_SCREENSHOTS") == "1":
            DOCS.mkdir(parents=True, exist_ok=True)
            page.screenshot(path=str(DOCS / f"console-{label}.png"), full_page=True)
        return path

    return save


def _file(page: Page, form: Locator, button: str) -> None:
    """Submit one wrap-up form; the record is written by a job just after the hang-up, so
    "still saving" is retried (the answers are kept on the page meanwhile)."""
    call = form.get_attribute("data-call")
    flash = page.locator(".flash").first
    for _attempt in range(20):
        form.locator(button).click()
        expect(flash).to_be_visible()
        if "Still saving the call" not in flash.inner_text():
            return
        form = page.locator(f'#wrapup-list details[data-call="{call}"]')
        expect(form.locator("input[type=radio]:checked")).to_have_count(1)


def test_a_counselor_takes_a_call_and_files_the_wrap_up(
    server: Server, page: Page, docs_shot: Shot
) -> None:
    sign_in(page, server, "ana")
    state = page.locator("#state-label")
    expect(state).to_have_text("Available", timeout=30_000)  # always on call: the roster sync
    expect(page.locator("#always-on-call")).to_contain_text("You are always on call")
    expect(page.locator("#bring-in")).to_be_hidden()  # not on a call: nobody to bring in
    page.click("#go-away")
    expect(state).to_have_text("Away")
    page.click("#go-available")
    expect(state).to_have_text("Available")

    # Only Ana speaks English and knows youth: the call comes to her.
    # Twilio seconds, at 0.25 real seconds each: rings 4 s, talks 6 s.
    server.sim.add_phone(Phone(ANA, accept_key="1", answer_after=16, hang_up_after=24))
    call = server.sim.place_call(Caller(CALLER, digits=["1", "4"]))  # English, youth

    card = page.locator("#call-card")
    expect(card.locator("h2")).to_have_text("A call is ringing your phone", timeout=30_000)
    expect(card.locator(".language")).to_have_text("English")
    expect(card.locator(".topic")).to_have_text("a young person under 18")
    expect(card.locator(".waited")).to_contain_text("(target 3:00)")
    expect(state).to_have_text("Ringing")
    docs_shot(page, "ringing-en")
    expect(card.locator("h2")).to_have_text("On a call", timeout=15_000)
    expect(state).to_have_text("On a call")
    expect(page.locator("#bring-in")).to_be_visible()
    docs_shot(page, "on-call-en")

    expect(card.locator("h2")).to_have_text("Call ended", timeout=20_000)
    expect(state).to_have_text("Wrap-up")
    expect(page.locator("#bring-in")).to_be_hidden()
    wrapup = page.locator("#wrapup-list details").first
    expect(wrapup.locator("form")).to_be_visible()
    expect(wrapup.locator("summary")).to_contain_text("Standard · English")
    expect(wrapup.locator(".wrapup-timer")).to_have_text(re.compile(r"^[12]:\d\d$"))  # of 120 s
    for number in ("4155550177", "555-0177", "5550177"):
        assert number not in page.content(), "the caller's number is never shown"

    wrapup.locator("input[name=disposition][value=support_given]").check()
    wrapup.locator("input[name=disposition][value=referral]").check()
    wrapup.locator("input[name=risk_level][value=moderate]").check()
    wrapup.locator("input[name=referral_given]").check()
    wrapup.locator("input[name=follow_up_agreed]").check()
    wrapup.locator("input[name=follow_up_consent]").check()
    docs_shot(page, "wrap-up-en")
    _file(page, wrapup, "button[value=available]")
    expect(page.locator(".flash").first).to_have_text(
        re.compile(
            r"^Wrap-up saved for the call at \d\d:\d\d · Standard · English\."
            r" The follow-up call is arranged\.$"
        )
    )
    expect(state).to_have_text("Available")
    expect(page.locator("#wrapups")).to_be_hidden()

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


def test_one_console_across_two_calls_files_each_wrap_up_on_its_own_call(
    server: Server, page: Page
) -> None:
    sign_in(page, server, "ana")
    state = page.locator("#state-label")
    expect(state).to_have_text("Available", timeout=30_000)
    server.sim.add_phone(Phone(ANA, accept_key="1", answer_after=8, hang_up_after=16))
    card = page.locator("#call-card h2")
    forms = page.locator("#wrapup-list details")

    server.sim.place_call(Caller(CALLER, digits=["1", "4"]))  # English, youth: Ana's
    expect(card).to_have_text("Call ended", timeout=40_000)
    expect(forms).to_have_count(1)
    first = forms.first.get_attribute("data-call")
    forms.first.locator("input[name=risk_level][value=moderate]").check()  # begun, not filed
    page.click("#go-available")  # back to calls before filing: the wrap-up waits
    expect(state).to_have_text("Available")
    expect(forms).to_have_count(1)

    server.sim.place_call(Caller(OTHER, digits=["1", "4"]))
    expect(card).to_have_text("A call is ringing your phone", timeout=30_000)
    unfiled = page.locator(f'#wrapup-list details[data-call="{first}"]')
    expect(unfiled.locator("summary")).to_be_visible()  # still listed ...
    expect(unfiled.locator("form")).to_be_hidden()  # ... but not the thing on screen now
    expect(page.locator("#wrapups-later")).to_be_visible()
    expect(card).to_have_text("On a call", timeout=15_000)
    expect(unfiled.locator("form")).to_be_hidden()
    expect(card).to_have_text("Call ended", timeout=20_000)
    expect(forms).to_have_count(2)
    newest = forms.first
    second = newest.get_attribute("data-call")
    assert second != first
    expect(newest.locator("form")).to_be_visible()
    expect(unfiled.locator("form")).to_be_hidden()

    newest.locator("input[name=disposition][value=information]").check()
    newest.locator("input[name=risk_level][value=low]").check()
    _file(page, newest, "button[value=available]")
    expect(page.locator(".flash").first).to_contain_text("Wrap-up saved for the call at")
    expect(forms).to_have_count(1)
    left = forms.first
    expect(left).to_have_attribute("data-call", first or "")
    expect(left.locator("form")).to_be_visible()  # the next unfiled one opens by itself
    moderate = left.locator("input[name=risk_level][value=moderate]")
    expect(moderate).to_be_checked()  # what was begun on it survived two reloads
    left.locator("input[name=disposition][value=support_given]").check()
    _file(page, left, "button[value=stay]")
    expect(page.locator(".flash").first).to_contain_text("Wrap-up saved for the call at")
    expect(forms).to_have_count(0)
    expect(page.locator("#wrapups")).to_be_hidden()

    with sqlite3.connect(server.var_dir / "hotline.db") as db:
        rows = dict(db.execute("SELECT id, risk_level FROM call_records").fetchall())
    assert rows == {first: "moderate", second: "low"}


def test_a_button_keeps_the_keyboard_focus_while_the_console_refreshes(
    server: Server, page: Page
) -> None:
    sign_in(page, server, "ana")
    expect(page.locator("#state-label")).to_have_text("Available", timeout=30_000)
    page.focus("#go-away")  # a counselor tabs to "Take a break"
    for _ in range(3):  # three refreshes of an unchanged console
        with page.expect_response("**/console/state.json"):
            pass
    assert page.evaluate("document.activeElement.id") == "go-away"
    page.keyboard.press("Enter")
    expect(page.locator("#state-label")).to_have_text("Away")


# Li's and Zhang's phones ring out in the next test: with the repo's max_no_answer (2), both
# are set away after the caller in danger rings them twice at once, and every caller is then
# dialled through to the backup line, whether or not the console saw them wait.
REPO_RULES = (ROOT / "routing_rules.yaml").read_text()
assert "max_no_answer: 2\n" in REPO_RULES
KEEPS_RINGING = REPO_RULES.replace("max_no_answer: 2\n", "max_no_answer: 50\n")


@pytest.mark.parametrize("rules", [KEEPS_RINGING])
def test_the_queue_comes_and_goes_on_an_open_console(server: Server, page: Page) -> None:
    sign_in(page, server, "ana")
    state = page.locator("#state-label")
    expect(state).to_have_text("Available", timeout=30_000)
    page.click("#go-away")  # on a break: the queue is still shown
    expect(state).to_have_text("Away")
    for phone in (LI, ZHANG):  # rung, never answered: the callers keep waiting
        server.sim.add_phone(Phone(phone, answer=False))
    urgent = page.locator('#queue tr[data-tier="urgent"] .count')
    danger = page.locator("#danger-waiting")
    expect(urgent).to_have_text("0")
    expect(danger).to_have_count(0)

    server.sim.place_call(Caller(CALLER, digits=["1", "1"], hang_up_after=100))  # English, urgent
    server.sim.place_call(Caller(OTHER, digits=["3", "9"], hang_up_after=100))  # Cantonese, danger
    server.sim.place_call(Caller(THIRD, digits=["2", "1"], hang_up_after=100))  # Mandarin
    expect(urgent).to_have_text("1", timeout=20_000)  # English only: Ana's language
    expect(danger).to_contain_text("A caller in danger is waiting")  # in any language
    expect(page.locator('#queue tr[data-tier="imminent"] .count')).to_have_text("0")
    expect(urgent).to_have_text("0", timeout=30_000)  # they hung up
    expect(danger).to_have_count(0)


def test_the_console_in_chinese_through_a_call(
    server: Server, make_page: Callable[..., Page], docs_shot: Shot
) -> None:
    page = make_page(locale="zh-CN")
    sign_in(page, server, "li")  # Li's account reads Chinese
    expect(page.locator("#state-label")).to_have_text("可接听", timeout=30_000)
    server.sim.add_phone(Phone(LI, accept_key="1", answer_after=16, hang_up_after=24))
    server.sim.place_call(Caller(CALLER, digits=["2", "1"]))  # Mandarin, suicide: Li's
    card = page.locator("#call-card")
    expect(card.locator("h2")).to_have_text("有来电正在呼叫您的电话", timeout=30_000)
    expect(card.locator(".language")).to_have_text("普通话")
    docs_shot(page, "ringing-zh")
    expect(card.locator("h2")).to_have_text("通话中", timeout=15_000)
    docs_shot(page, "on-call-zh")
    expect(card.locator("h2")).to_have_text("通话已结束", timeout=20_000)
    wrapup = page.locator("#wrapup-list details").first
    expect(wrapup.locator("summary")).to_contain_text("那通电话的通话小结")
    wrapup.locator("input[name=disposition][value=support_given]").check()
    wrapup.locator("input[name=risk_level][value=low]").check()
    docs_shot(page, "wrap-up-zh")
    _file(page, wrapup, "button[value=available]")
    expect(page.locator(".flash").first).to_contain_text("那通电话的通话小结已保存")


def test_a_relaxed_match_says_so_on_the_card(
    server: Server, make_page: Callable[..., Page], docs_shot: Shot
) -> None:
    for name in ("li", "zhang"):  # the Mandarin speakers take a break: only Ana is on
        other = make_page()
        sign_in(other, server, name)
        label = other.locator("#state-label")
        expect(label).to_have_attribute("data-state", "available", timeout=30_000)
        other.click("#go-away")
        expect(label).to_have_attribute("data-state", "away")
    page = make_page()
    sign_in(page, server, "ana")  # English; suicide and youth
    expect(page.locator("#state-label")).to_have_text("Available", timeout=30_000)
    server.sim.add_phone(Phone(ANA, accept_key="1", answer_after=16, hang_up_after=8))
    server.sim.place_call(Caller(CALLER, digits=["3", "2"]))  # Cantonese, domestic violence

    card = page.locator("#call-card")
    expect(card.locator("h2")).to_have_text("A call is ringing your phone", timeout=30_000)
    relaxed = card.locator("#relaxed-match")
    expect(relaxed).to_contain_text("the caller chose Cantonese, which is not one of your")
    expect(relaxed).to_contain_text("Their topic is not one of your specialties.")
    expect(card.locator(".language")).to_have_text("Cantonese")
    expect(card.locator(".waited")).to_have_text(re.compile(r"^\d+:\d\d \(target 3:00\)$"))
    docs_shot(page, "relaxed-en")


_IN_THREE_DAYS = (dt.datetime.now(dt.UTC) + dt.timedelta(days=3)).strftime("%a").lower()
OFF_SHIFT = f"""
timezone: UTC
counselors:
  - {{name: Ana, phone: "{ANA}", languages: [en], specialties: [suicide, youth],
      shifts: [{{days: [{_IN_THREE_DAYS}], from: "10:00", to: "12:00"}}]}}
  - {{name: Li, phone: "{LI}", languages: [zh, en], specialties: [suicide], always_on_call: true}}
  - {{name: Zhang, phone: "{ZHANG}", languages: [zh], specialties: [youth], always_on_call: true}}
"""


@pytest.mark.parametrize("roster", [OFF_SHIFT])
def test_off_shift_the_console_shows_only_what_can_be_done_and_a_caller_in_danger(
    server: Server, page: Page, docs_shot: Shot
) -> None:
    sign_in(page, server, "ana")  # her one shift is three days away
    state = page.locator("#state-label")
    expect(state).to_have_text("Off shift", timeout=30_000)
    expect(page.locator("#off-shift-note")).to_contain_text("You are off shift")
    expect(page.locator("#go-available")).to_have_count(0)  # the roster would undo it
    expect(page.locator("#bring-in")).to_be_hidden()
    expect(page.locator("#shifts li")).to_have_count(1)
    expect(page.locator("#shifts li")).to_contain_text("10:00 – 12:00")
    expect(page.locator("#always-on-call")).to_have_count(0)

    for phone in (LI, ZHANG):  # on call, but not answering: the caller keeps waiting
        server.sim.add_phone(Phone(phone, answer=False))
    server.sim.place_call(Caller(CALLER, digits=["3", "9"], hang_up_after=100))  # in danger
    danger = page.locator("#danger-waiting")
    expect(danger).to_contain_text("A caller in danger is waiting", timeout=20_000)
    docs_shot(page, "off-shift-danger-en")
    expect(danger).to_have_count(0, timeout=40_000)  # answered elsewhere, or hung up
