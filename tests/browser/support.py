"""What browser tests share: the roster and accounts of the test server, and signing in."""

from __future__ import annotations

import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

from playwright.sync_api import Page

from hotline.devdouble.twilio import TwilioSim
from tests.support.processes import ROOT

SID, TOKEN = "AC" + "b" * 32, "browser-test-token"
ANA, LI, ZHANG = "+14155550101", "+14155550105", "+14155550106"
ROSTER = f"""
timezone: UTC
counselors:
  - {{name: Ana, phone: "{ANA}", languages: [en], specialties: [suicide, youth],
      always_on_call: true}}
  - {{name: Li, phone: "{LI}", languages: [zh, en], specialties: [suicide], always_on_call: true}}
  - {{name: Zhang, phone: "{ZHANG}", languages: [zh], specialties: [youth], always_on_call: true}}
"""
# name: (role, roster counselor or None, locale)
ACCOUNTS: dict[str, tuple[str, str | None, str]] = {
    "ana": ("counselor", "Ana", "en"),
    "li": ("counselor", "Li", "zh_Hans"),
    "zhang": ("counselor", "Zhang", "en"),
    "sam": ("supervisor", None, "en"),
    "root": ("admin", None, "en"),
}


def password_of(name: str) -> str:
    return f"{name}-browser-pass"


@dataclass
class Server:
    """A running `hotline run` in local mode, its local Twilio, and how to reach both."""

    base_url: str
    sim: TwilioSim
    var_dir: Path
    env: dict[str, str]
    phones: dict[str, str] = field(default_factory=lambda: {"ana": ANA, "li": LI, "zhang": ZHANG})

    def url(self, path: str) -> str:
        return self.base_url + path

    def cli(self, *args: str, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
        """Run `hotline ARGS...` against this server's database."""
        return subprocess.run(
            [sys.executable, "-m", "hotline.cli", *args],
            cwd=ROOT,
            env=self.env,
            input=stdin,
            capture_output=True,
            text=True,
            check=True,
        )


def sign_in(page: Page, server: Server, name: str, password: str | None = None) -> None:
    """Sign in through the form; lands on the user's home page."""
    page.goto(server.url("/signin"))
    page.fill("input[name=name]", name)
    page.fill("input[name=password]", password if password is not None else password_of(name))
    page.click("button[type=submit]")
