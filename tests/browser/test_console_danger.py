"""Wrap-up yields to danger, on an open console: Ana, alone on call, is writing her
wrap-up when a caller presses 9; her phone rings at once, and the wrap-up she left says
it was paused for a caller in danger, kept for her to finish."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from hotline.devdouble.twilio import Caller, Phone
from tests.browser.support import ANA, ROSTER, Server, sign_in

ONLY_ANA = ROSTER.replace(
    "specialties: [suicide], always_on_call: true", "specialties: [suicide], always_on_call: false"
).replace(
    "specialties: [youth], always_on_call: true", "specialties: [youth], always_on_call: false"
)


@pytest.mark.parametrize("roster", [ONLY_ANA])
def test_a_caller_in_danger_pauses_the_wrap_up_and_the_console_says_so(
    server: Server, page: Page, screenshot: Callable[[Page, str], Path]
) -> None:
    sign_in(page, server, "ana")
    state = page.locator("#state-label")
    expect(state).to_have_text("Available", timeout=30_000)
    server.sim.add_phone(Phone(ANA, accept_key="1", answer_after=8, hang_up_after=16))
    card = page.locator("#call-card h2")
    forms = page.locator("#wrapup-list details")

    server.sim.place_call(Caller("+14155550187", digits=["1", "4"]))  # English, youth
    expect(card).to_have_text("Call ended", timeout=40_000)
    expect(state).to_have_text("Wrap-up")
    expect(forms).to_have_count(1)
    first_call = forms.first.get_attribute("data-call")
    first = page.locator(f'#wrapup-list details[data-call="{first_call}"]')
    expect(first.locator(".wrapup-paused")).to_have_count(0)
    first.locator("input[name=risk_level][value=moderate]").check()  # her notes, begun

    server.sim.place_call(Caller("+14155550188", digits=["9"]))  # in danger
    expect(card).to_have_text("A call is ringing your phone", timeout=30_000)
    note = first.locator(".wrapup-paused")
    expect(note).to_contain_text("was paused for a caller in danger", timeout=10_000)
    expect(note).to_contain_text("It is kept here for you to finish.")
    screenshot(page, "wrap-up-paused-for-danger")
    expect(card).to_have_text("On a call", timeout=15_000)
    expect(card).to_have_text("Call ended", timeout=20_000)
    expect(forms).to_have_count(2)
    expect(first.locator(".wrapup-paused")).to_be_visible()  # while its wrap-up waits
    expect(first.locator("input[name=risk_level][value=moderate]")).to_be_checked()
