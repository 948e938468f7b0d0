"""Who may do what: every route of the app, every method, as anonymous, counselor,
supervisor and admin.

Routes are read from app.url_map, so pages added later are walked too. Expected access:
/admin/* admin only, /supervisor/* supervisor and up, the rest any signed-in user; a view
decorated with login_required(role) may ask for more. The signed webhooks, /healthz,
/metrics, the sign-in page and static files are outside sign-in and checked apart.
"""

from __future__ import annotations

import pytest
from flask import Flask
from flask.testing import FlaskClient
from werkzeug.routing import Rule

from hotline.accounts.service import rank
from hotline.roster import parse_roster
from hotline.runtime import Runtime
from hotline.staffing.roster import save_roster
from hotline.web.auth import MACHINE_BLUEPRINTS, PUBLIC_ENDPOINTS, required_role
from tests.integration.web_support import csrf_token, sign_in, signed_in_client
from tests.support.routes import sample_url as _url

ROLES = ("counselor", "supervisor", "admin")
SKIP_METHODS = {"HEAD", "OPTIONS"}
ROSTER = """
timezone: UTC
counselors:
  - {name: Ana, phone: "+14155550101", languages: [en], specialties: [suicide]}
"""


def _walked(app: Flask) -> list[tuple[Rule, str]]:
    out = []
    for rule in app.url_map.iter_rules():
        blueprint = rule.endpoint.split(".")[0] if "." in rule.endpoint else None
        if blueprint in MACHINE_BLUEPRINTS or rule.endpoint in PUBLIC_ENDPOINTS:
            continue
        out += [(rule, m) for m in sorted((rule.methods or set()) - SKIP_METHODS)]
    return out


def _needed(app: Flask, rule: Rule) -> str:
    """The role the path asks for, or the view's decorator if it asks for more."""
    by_path = required_role(rule.rule)
    by_view = getattr(app.view_functions[rule.endpoint], "required_role", "counselor")
    return by_path if rank(by_path) >= rank(by_view) else by_view


def _send(client: FlaskClient, method: str, url: str) -> tuple[int, str]:
    data = None if method == "GET" else {"csrf_token": csrf_token(client)}
    response = client.open(url, method=method, data=data)
    return response.status_code, response.headers.get("Location", "")


@pytest.fixture
def clients(app: Flask, runtime: Runtime) -> dict[str, FlaskClient]:
    parsed = parse_roster(
        ROSTER,
        "roster.yaml",
        languages=runtime.rules.languages.keys(),
        specialties=runtime.rules.specialties.keys(),
    )
    save_roster(runtime.sessions, parsed, actor="test")
    made = {"anonymous": app.test_client()}
    for role in ROLES:
        made[role] = signed_in_client(
            app, runtime, f"a-{role}", role, counselor="Ana" if role == "counselor" else None
        )
    return made


def test_every_route_lets_in_exactly_the_roles_it_should(
    app: Flask, runtime: Runtime, clients: dict[str, FlaskClient]
) -> None:
    walked = _walked(app)
    assert {r.endpoint for r, _ in walked} >= {"console.index", "auth.password", "auth.signout"}
    wrong = []
    for rule, method in walked:
        url, needed = _url(rule), _needed(app, rule)
        for who, client in clients.items():
            status, location = _send(client, method, url)
            if who == "anonymous":
                ok = (status == 302 and "/signin" in location) or status == 401
            elif rule.endpoint == "auth.signout":
                ok = status == 302  # to the sign-in page, signed out
            elif rank(who) >= rank(needed):
                ok = status not in (401, 403) and "/signin" not in location and status < 500
            else:
                ok = status == 403
            if not ok:
                wrong.append(f"{method} {url} as {who} (needs {needed}): {status} {location}")
            if rule.endpoint == "auth.signout" and who != "anonymous":
                sign_in(client, f"a-{who}", f"a-{who}-test-password")  # sign back in
    assert wrong == []


def test_paths_default_to_the_role_their_prefix_names() -> None:
    assert required_role("/admin/users") == "admin"
    assert required_role("/supervisor") == "supervisor"
    assert required_role("/supervisor/rules/publish") == "supervisor"
    assert required_role("/supervisors-and-more") == "counselor"
    assert required_role("/console/") == "counselor"


def test_unknown_pages_ask_anonymous_visitors_to_sign_in(clients: dict[str, FlaskClient]) -> None:
    response = clients["anonymous"].get("/no/such/page")
    assert response.status_code == 302 and "/signin" in response.headers["Location"]
    assert clients["counselor"].get("/no/such/page").status_code == 404


def test_webhooks_health_and_metrics_need_no_sign_in_and_no_csrf_token(
    clients: dict[str, FlaskClient],
) -> None:
    anonymous = clients["anonymous"]
    # Unsigned webhooks are refused by their signature check (403), not by sign-in or CSRF.
    assert anonymous.post("/voice/incoming", data={"CallSid": "CA1"}).status_code == 403
    assert anonymous.post("/voice/status", data={"CallSid": "CA1"}).status_code == 403
    assert anonymous.get("/healthz").status_code in (200, 503)
    assert anonymous.get("/metrics").status_code in (403, 404)  # closed: no METRICS_TOKEN
    assert anonymous.get("/signin").status_code == 200
    assert anonymous.get("/static/hotline.css").status_code == 200
