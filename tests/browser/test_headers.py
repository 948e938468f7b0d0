"""The pages run under their Content-Security-Policy, and a violation is caught."""

from __future__ import annotations

from playwright.sync_api import Page

from tests.browser.support import Server, sign_in


def test_the_console_runs_under_its_policy_and_an_injected_script_is_refused(
    server: Server, page: Page, csp_violations: list[str]
) -> None:
    sign_in(page, server, "ana")
    response = page.goto(server.url("/console/"))
    assert response is not None
    assert "frame-ancestors 'none'" in response.headers["content-security-policy"]
    assert response.headers["x-frame-options"] == "DENY"
    assert response.headers["cache-control"] == "no-store"
    assert not csp_violations, csp_violations  # the console's own script obeys the policy

    # What a card carrying markup would try: an inline event handler.
    with page.expect_console_message(lambda m: "Content Security Policy" in m.text):
        page.evaluate(
            """() => {
              const probe = document.createElement("div");
              probe.innerHTML = '<img src="/static/none.png" onerror="document.title=\\'owned\\'">';
              document.body.append(probe);
            }"""
        )
    assert page.title() != "owned"
    assert any("script" in v for v in csp_violations), csp_violations
    csp_violations.clear()  # this test's own probe, seen and asserted, must not fail it
