"""Signing in, out and the lock-out, in a real browser."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from playwright.sync_api import Page, expect

from tests.browser.support import Server, sign_in

Shot = Callable[[Page, str], Path]


def test_a_counselor_signs_in_to_the_console_and_out_again(
    server: Server, page: Page, screenshot: Shot
) -> None:
    page.goto(server.url("/console/"))
    expect(page).to_have_url(server.url("/signin?next=/console/"))
    screenshot(page, "signin")
    sign_in(page, server, "ana")
    expect(page).to_have_url(server.url("/console/"))
    expect(page.locator(".who")).to_contain_text("ana")
    screenshot(page, "console")
    page.click("text=Sign out")
    expect(page).to_have_url(server.url("/signin"))
    page.goto(server.url("/console/"))
    expect(page.locator("h1")).to_have_text("Sign in")


def test_sign_in_locks_after_five_failures_without_telling_who_exists(
    server: Server, page: Page, screenshot: Shot
) -> None:
    for name in ("zhang", "nobody-by-this-name"):
        for _ in range(4):
            sign_in(page, server, name, "not-the-password")
            expect(page.locator(".flash-error")).to_have_text(
                "That name and password do not match."
            )
        sign_in(page, server, name, "not-the-password")
        locked = page.locator(".flash-error")
        expect(locked).to_contain_text("Too many failed sign-ins")
    screenshot(page, "locked")
    sign_in(page, server, "zhang")  # the right password, while locked
    expect(page.locator(".flash-error")).to_contain_text("Too many failed sign-ins")
    expect(page).to_have_url(server.url("/signin"))
    sign_in(page, server, "ana")  # another name from the same address is not locked
    expect(page).to_have_url(server.url("/console/"))


def test_a_form_sent_without_its_csrf_token_is_refused(
    server: Server, page: Page, screenshot: Shot
) -> None:
    sign_in(page, server, "ana")
    state = page.locator("#state-label")
    expect(state).to_have_text("Available", timeout=30_000)
    page.locator("#state-form input[name=csrf_token]").evaluate("input => input.remove()")
    page.click("#go-away")
    expect(page.locator("h1")).to_have_text(
        "This form has expired. Go back, reload the page and try again."
    )
    screenshot(page, "refused")
    refused = page.evaluate(
        """async () => (await fetch('/console/state', {method: 'POST',
             headers: {'Content-Type': 'application/x-www-form-urlencoded'},
             body: 'state=away'})).status"""
    )
    assert refused == 400
    page.goto(server.url("/console/"))
    expect(state).to_have_text("Available")  # neither request changed anything


def test_a_counselor_cannot_open_a_supervisor_page(
    server: Server, page: Page, screenshot: Shot
) -> None:
    sign_in(page, server, "ana")
    expect(page).to_have_url(server.url("/console/"))
    for path in ("/supervisor/", "/admin/"):
        response = page.goto(server.url(path))
        assert response is not None and response.status == 403
        expect(page.locator("h1")).to_have_text("This page is not open to your role.")
    screenshot(page, "forbidden")
    expect(page.locator("nav.nav")).not_to_contain_text("Dashboard")


def test_the_interface_speaks_simplified_chinese(
    server: Server, make_page: Callable[..., Page], screenshot: Shot
) -> None:
    page = make_page(locale="zh-CN")
    page.goto(server.url("/signin"))
    expect(page.locator("h1")).to_have_text("登录")  # from the browser's language
    screenshot(page, "signin-zh")
    sign_in(page, server, "li")  # li's account is in Simplified Chinese
    expect(page.locator("nav.nav")).to_contain_text("工作台")
    expect(page.locator("#my-state h2")).to_have_text("我的状态")
    expect(page.locator("#state-label")).to_have_text("可接听", timeout=30_000)
    expect(page.locator("#go-available")).to_have_text("接听来电")
    expect(page.locator("html")).to_have_attribute("lang", "zh-Hans")
    screenshot(page, "console-zh")
    page.click("text=English")  # the language switch keeps the choice on the account
    expect(page.locator("#my-state h2")).to_have_text("My state")
    page.goto(server.url("/console/"))
    expect(page.locator("#my-state h2")).to_have_text("My state")
