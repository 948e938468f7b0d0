"""Browser tests: the real `hotline run` (with the local Twilio) driven by Debian's chromium
through Playwright. Each test gets a fresh server with a roster and accounts; each page
shown can be saved to tests/browser/artifacts/ with the `screenshot` fixture.

chromium comes from Debian (scripts/ensure-browser installs it; `make test` runs that);
Playwright's own browser download is never used.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from playwright.sync_api import (
    Browser,
    BrowserContext,
    ConsoleMessage,
    Page,
    Playwright,
    sync_playwright,
)

from hotline.accounts.service import create_user
from hotline.bootstrap import build_runtime
from hotline.config import Settings
from hotline.devdouble.twilio import TwilioSim
from hotline.platform.migrate import upgrade
from hotline.roster import parse_roster
from hotline.staffing.roster import save_roster
from tests.browser.support import ACCOUNTS, ROSTER, SID, TOKEN, Server, password_of
from tests.support.processes import hotline_env, hotline_run

CHROMIUM = Path("/usr/bin/chromium")
ARTIFACTS = Path(__file__).parent / "artifacts"


@pytest.fixture
def sim_time_scale() -> float:
    """Real seconds per Twilio second in the local Twilio: the IVR's prompts pass quickly,
    and a 20 s ring still lasts 5 s, long enough to watch the card. Override to change."""
    return 0.25


@pytest.fixture
def roster() -> str:
    """The roster the server starts with; a test may parametrize `roster` with its own."""
    return ROSTER


@pytest.fixture
def rules() -> str | None:
    """The routing rules' text the server starts with: None for the repo's
    routing_rules.yaml; a test module may override `rules` with its own."""
    return None


@pytest.fixture
def server(
    tmp_path: Path, sim_time_scale: float, roster: str, rules: str | None
) -> Iterator[Server]:
    """A fresh server: `rules` (the repo's: wrap-up 120 s), `roster` (ROSTER: everyone always
    on call), the accounts in ACCOUNTS (password: password_of(name)), and a local Twilio."""
    own_rules = {}
    if rules is not None:
        (tmp_path / "rules.yaml").write_text(rules)
        own_rules["ROUTING_RULES"] = str(tmp_path / "rules.yaml")
    sim = TwilioSim(account_sid=SID, auth_token=TOKEN, time_scale=sim_time_scale)
    env = hotline_env(
        tmp_path,
        TWILIO_AUTH_TOKEN=TOKEN,
        TWILIO_ACCOUNT_SID=SID,
        TWILIO_API_URL=sim.api_url,
        TWILIO_NUMBER=sim.number,
        **own_rules,
    )
    prepare(Settings.from_env(env), roster)
    try:
        with hotline_run(tmp_path, env) as base:
            sim.service_url = base
            yield Server(base, sim, tmp_path, env)
    finally:
        sim.close()


def prepare(settings: Settings, roster: str) -> None:
    """What `hotline db upgrade`, `roster import` and `user add` do, in this process (one
    start-up instead of seven)."""
    upgrade(settings.database_url)
    runtime = build_runtime(settings)
    parsed = parse_roster(
        roster,
        "roster.yaml",
        languages=runtime.rules.languages.keys(),
        specialties=runtime.rules.specialties.keys(),
    )
    save_roster(runtime.sessions, parsed, actor="test")
    for name, (role, counselor, locale) in ACCOUNTS.items():
        create_user(
            runtime,
            name=name,
            role=role,
            counselor=counselor,
            locale=locale,
            password=password_of(name),
            actor="test",
        )
    runtime.engine.dispose()


@pytest.fixture(scope="session")
def playwright() -> Iterator[Playwright]:
    with sync_playwright() as pw:
        yield pw


@pytest.fixture(scope="session")
def browser(playwright: Playwright) -> Iterator[Browser]:
    if not CHROMIUM.exists():
        pytest.fail(f"{CHROMIUM} is missing: run scripts/ensure-browser", pytrace=False)
    browser = playwright.chromium.launch(
        executable_path=str(CHROMIUM),
        args=["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"],
    )
    yield browser
    browser.close()


# Reports every Content-Security-Policy violation on a page to the test (init scripts run
# outside the page's policy, so this listener is not itself refused).
_REPORT_VIOLATIONS = """
document.addEventListener("securitypolicyviolation", (event) => {
  window.__hotlineCspViolation(
    `${event.effectiveDirective} refused ${event.blockedURI || "inline"} on ${location.pathname}`
  );
});
"""


@pytest.fixture
def csp_violations() -> list[str]:
    """Every CSP violation seen by any page of this test; a test that leaves one here fails."""
    return []


def _watch_csp(context: BrowserContext, violations: list[str]) -> None:
    context.expose_binding("__hotlineCspViolation", lambda _source, text: violations.append(text))
    context.add_init_script(_REPORT_VIOLATIONS)

    def on_console(message: ConsoleMessage) -> None:
        if "Content Security Policy" in message.text:
            violations.append(message.text)

    context.on("console", on_console)


@pytest.fixture
def make_page(browser: Browser, csp_violations: list[str]) -> Iterator[Callable[..., Page]]:
    """make_page(locale="zh-CN", color_scheme="light") -> a page in a fresh context (own
    cookies), with that browser language (Accept-Language). Dark by default: the night shift.
    A Content-Security-Policy violation on any of its pages fails the test."""
    contexts = []

    def make(locale: str = "en-US", color_scheme: str = "dark") -> Page:
        context = browser.new_context(
            locale=locale,
            color_scheme=color_scheme,  # type: ignore[arg-type]
            viewport={"width": 1280, "height": 900},
        )
        context.set_default_timeout(15_000)
        _watch_csp(context, csp_violations)
        contexts.append(context)
        return context.new_page()

    yield make
    for context in contexts:
        context.close()
    if csp_violations:
        pytest.fail(
            "Content-Security-Policy violations:\n" + "\n".join(csp_violations), pytrace=False
        )


@pytest.fixture
def page(make_page: Callable[..., Page]) -> Page:
    return make_page()


@pytest.fixture
def screenshot(request: pytest.FixtureRequest) -> Callable[[Page, str], Path]:
    """screenshot(page, "label") saves the whole page as artifacts/<test>-<label>.png."""
    test = re.sub(r"[^A-Za-z0-9_.-]+", "_", request.node.name)

    def save(page: Page, label: str) -> Path:
        ARTIFACTS.mkdir(exist_ok=True)
        path = ARTIFACTS / f"{test}-{label}.png"
        page.screenshot(path=str(path), full_page=True)
        return path

    return save
