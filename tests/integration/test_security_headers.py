"""Browser-grade headers on every page people sign in to, and on its JSON and CSV: no
framing, no inline script, nothing kept in a shared computer's cache, no referrer."""

from __future__ import annotations

import pytest
from flask import Flask
from werkzeug.test import TestResponse

from hotline.roster import parse_roster
from hotline.runtime import Runtime
from hotline.staffing.roster import save_roster
from hotline.web import create_app
from hotline.web.auth import MACHINE_BLUEPRINTS
from tests.integration.web_support import signed_in_client
from tests.support.routes import sample_url as _url

ROSTER = """
timezone: UTC
counselors:
  - {name: Ana, phone: "+14155550101", languages: [en], specialties: [suicide]}
"""


def _assert_guarded(response: TestResponse, where: str) -> None:
    headers = response.headers
    csp = headers.get("Content-Security-Policy", "")
    assert "frame-ancestors 'none'" in csp, where
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp, where
    assert headers.get("X-Frame-Options") == "DENY", where
    assert headers.get("Cache-Control") == "no-store", where
    assert headers.get("Referrer-Policy") == "no-referrer", where
    assert headers.get("X-Content-Type-Options") == "nosniff", where


def _add_ana(runtime: Runtime) -> None:
    save_roster(
        runtime.sessions,
        parse_roster(ROSTER, "roster.yaml", languages=["en"], specialties=["suicide"]),
        actor="test",
    )


def test_every_signed_in_page_sends_the_headers(app: Flask, runtime: Runtime) -> None:
    _add_ana(runtime)
    admin = signed_in_client(app, runtime, "root", "admin")
    walked = 0
    for rule in app.url_map.iter_rules():
        blueprint = rule.endpoint.split(".")[0]
        if blueprint in MACHINE_BLUEPRINTS or rule.endpoint == "static":
            continue
        if "GET" not in (rule.methods or ()):
            continue
        response = admin.get(_url(rule))
        _assert_guarded(response, f"{rule.rule} ({response.status_code})")
        walked += 1
    assert walked > 10  # the walk reached the pages, not only the sign-in page


def test_the_json_polls_and_the_csv_send_them_too(app: Flask, runtime: Runtime) -> None:
    _add_ana(runtime)
    counselor = signed_in_client(app, runtime, "ana", "counselor", counselor="Ana")
    supervisor = signed_in_client(app, runtime, "sue", "supervisor")
    for client, path, kind in (
        (counselor, "/console/state.json", "application/json"),
        (supervisor, "/supervisor/live.json", "application/json"),
        (supervisor, "/supervisor/records.csv", "text/csv"),
    ):
        response = client.get(path, headers={"Accept": "application/json"})
        assert response.status_code == 200, path
        assert response.mimetype == kind, path
        _assert_guarded(response, path)


def test_the_sign_in_page_and_errors_send_them(client) -> None:  # type: ignore[no-untyped-def]
    _assert_guarded(client.get("/signin"), "/signin")
    _assert_guarded(client.get("/console/"), "/console/ signed out (a redirect)")
    _assert_guarded(client.get("/no-such-page"), "404")


@pytest.mark.parametrize("local", [True, False])
def test_hsts_only_in_production(runtime: Runtime, local: bool) -> None:
    settings = runtime.settings.replace(mode="local" if local else "production")
    app = create_app(settings, runtime=runtime)
    response = app.test_client().get("/signin")
    hsts = response.headers.get("Strict-Transport-Security")
    if local:
        assert hsts is None
    else:
        assert hsts is not None and "max-age=31536000" in hsts


def test_static_files_may_be_cached_but_not_sniffed(client) -> None:  # type: ignore[no-untyped-def]
    response = client.get("/static/hotline.js")
    assert response.status_code == 200
    assert response.headers.get("Cache-Control") != "no-store"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
