"""The rules editor in a real browser: a refused text opens at its first problem (listing and
editor), a problem's line is one click away, the dry run runs on the text being edited, a
roll back asks first and names its version, Simulate a week colours better and worse, and
leaving with an unpublished edit asks first."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

from playwright.sync_api import Dialog, Page, expect

from tests.browser.support import Server, sign_in
from tests.support.processes import ROOT
from tests.support.rules_text import retime, step_after

Shot = Callable[[Page, str], Path]
RULES = (ROOT / "routing_rules.yaml").read_text()
# Two mistakes low in the file: the text box and the listing must be scrolled to see them.
BROKEN = RULES.replace("  max_attempts: 3\n", "  max_attempts: 0\n").replace(
    "  threshold: 4\n", "  threshold: many\n"
)
SOONER = retime(RULES, "urgent", "", step_after(RULES, "urgent", "") - 1)


def _line_of(text: str, needle: str) -> int:
    return next(n for n, line in enumerate(text.split("\n"), start=1) if needle in line)


def _line_in_view(page: Page, selector: str, line: int) -> bool:
    """Whether the text box shows `line` (by its scroll and line height)."""
    return bool(
        page.eval_on_selector(
            selector,
            """(area, line) => {
                 const h = parseFloat(getComputedStyle(area).lineHeight);
                 const top = (line - 1) * h;
                 return top >= area.scrollTop && top + h <= area.scrollTop + area.clientHeight;
               }""",
            line,
        )
    )


def _caret_line(page: Page) -> int:
    return int(
        page.eval_on_selector(
            "#rules-text",
            "(a) => a.value.slice(0, a.selectionStart).split('\\n').length",
        )
    )


def test_a_refused_text_opens_at_its_first_problem(
    server: Server, page: Page, screenshot: Shot
) -> None:
    sign_in(page, server, "sam")
    page.goto(server.url("/supervisor/rules"))
    page.fill("#rules-text", BROKEN)
    page.click("#check")
    first, second = _line_of(BROKEN, "max_attempts: 0"), _line_of(BROKEN, "threshold: many")
    expect(page.locator("#problems li")).to_have_count(2)
    listing = page.locator("ol.listing").bounding_box()
    bad = page.locator("ol.listing li.bad").first.bounding_box()
    assert listing and bad
    assert listing["y"] <= bad["y"] <= listing["y"] + listing["height"] / 3, (listing, bad)
    assert _line_in_view(page, "#rules-text", first), "the text box opens at the first problem"
    assert _caret_line(page) == first
    screenshot(page, "first-problem")

    page.click(f'#problems a.to-line[data-line="{second}"]')
    assert _caret_line(page) == second and _line_in_view(page, "#rules-text", second)


def test_the_dry_run_runs_on_the_text_being_edited(server: Server, page: Page) -> None:
    sign_in(page, server, "sam")
    page.goto(server.url("/supervisor/rules"))
    expect(page.locator("#dry-which")).to_contain_text("the same as the text in the editor")
    page.fill("#rules-text", SOONER)
    page.select_option("select[name=tier]", "standard")
    page.click("#run-dry")
    expect(page.locator("#dry-proposed h3")).to_contain_text("not published")
    expect(page.locator("#dry-which")).to_contain_text("not yet published")
    assert page.input_value("#rules-text") == SOONER, "the edit is still being edited"
    assert page.input_value("select[name=tier]") == "standard"


def test_a_roll_back_asks_first_and_names_the_version(server: Server, page: Page) -> None:
    sign_in(page, server, "sam")
    page.goto(server.url("/supervisor/rules"))
    page.fill("#rules-text", SOONER)
    page.click("#publish")
    expect(page.locator("text=In force: version 2")).to_be_visible()
    asked: list[str] = []

    def answer(accept: bool) -> Callable[[Dialog], None]:
        def on_dialog(dialog: Dialog) -> None:
            asked.append(dialog.message)
            dialog.accept() if accept else dialog.dismiss()

        return on_dialog

    button = page.locator('#history tr[data-version="1"] button.rollback')
    expect(button).to_have_text("Roll back to version 1")
    page.once("dialog", answer(False))
    button.click()
    assert asked and asked[0].startswith("Bring back version 1 (") and "version 2" in asked[0]
    expect(page.locator("text=In force: version 2")).to_be_visible()  # nothing happened

    page.once("dialog", answer(True))
    button.click()
    expect(page.locator(".flash-info")).to_contain_text("Version 1 is in force again")
    expect(page.locator("text=In force: version 3")).to_be_visible()


def test_simulate_colours_what_gets_worse(server: Server, page: Page, screenshot: Shot) -> None:
    sign_in(page, server, "sam")
    page.goto(server.url("/supervisor/rules"))
    # Standard callers answered within 10 s instead of 3 minutes: fewer meet the target.
    strict = re.sub(r"(standard:\n\s+priority: 3\n\s+answer_within:) \d+", r"\1 10", RULES)
    assert strict != RULES
    page.fill("#rules-text", strict)
    page.click("#simulate")
    cell = page.locator('tr[data-sim-tier="standard"] td.change').first
    expect(cell).to_have_attribute("data-change", "worse")
    expect(cell).to_contain_text("worse")
    shown, danger = cell.evaluate(
        """(td) => {
             const probe = document.createElement("span");
             probe.style.color = "var(--danger)";
             document.body.append(probe);
             const danger = getComputedStyle(probe).color;
             probe.remove();
             return [getComputedStyle(td.querySelector("strong")).color, danger];
           }"""
    )
    assert shown == danger, "the worse figure is in the danger colour"
    screenshot(page, "simulated")


def test_leaving_with_an_unpublished_edit_asks_first(server: Server, page: Page) -> None:
    sign_in(page, server, "sam")
    page.goto(server.url("/supervisor/rules"))
    page.click("#rules-text")
    page.keyboard.press("Control+End")
    page.keyboard.type(" # edited")
    kinds: list[str] = []
    page.once("dialog", lambda dialog: (kinds.append(dialog.type), dialog.dismiss()))
    page.click("nav a[href='/supervisor/coverage']", no_wait_after=True)  # done once answered
    assert kinds == ["beforeunload"]
    expect(page).to_have_url(re.compile(r"/supervisor/rules$"))
    assert page.input_value("#rules-text").endswith(" # edited"), "the edit is still there"
