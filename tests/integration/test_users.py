"""Accounts: argon2 hashes, sign-in with lock-out, password change, demo sign-ins, the CLI,
and the sign-in pages through the Flask test client."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner
from flask import Flask
from sqlalchemy import select

from hotline.accounts import service as users
from hotline.accounts.service import UserError, authenticate, change_password, create_user
from hotline.cli import main
from hotline.records.models import AuditEvent, User
from hotline.roster import parse_roster
from hotline.runtime import Runtime
from hotline.staffing.roster import save_roster
from tests.conftest import ROOT
from tests.integration.web_support import add_user, csrf_token, sign_in

ROSTER = """
timezone: UTC
counselors:
  - {name: Ana Lima, phone: "+14155550101", languages: [en], specialties: [suicide]}
  - {name: Li Wei, phone: "+14155550105", languages: [zh, en], specialties: [suicide]}
"""


def _roster(runtime: Runtime) -> None:
    parsed = parse_roster(
        ROSTER,
        "roster.yaml",
        languages=runtime.rules.languages.keys(),
        specialties=runtime.rules.specialties.keys(),
    )
    save_roster(runtime.sessions, parsed, actor="test")


def _stored(runtime: Runtime, name: str) -> User:
    with runtime.sessions() as session:
        found = session.scalar(select(User).where(User.name == name))
    assert found is not None
    return found


def test_only_an_argon2_hash_is_kept_and_the_name_is_case_blind(runtime: Runtime) -> None:
    _roster(runtime)
    account, password = create_user(
        runtime, name="Ana", role="counselor", counselor="ana lima", actor="test"
    )
    stored = _stored(runtime, "ana")
    assert stored.password_hash.startswith("$argon2id$")
    assert password not in stored.password_hash
    assert account.counselor_id is not None and account.role == "counselor"
    assert authenticate(runtime, name="ANA ", password=password, address="a").outcome == "ok"
    with runtime.sessions() as session:
        actions = list(session.scalars(select(AuditEvent.action)))
    assert "user_added" in actions


def test_bad_accounts_are_refused_with_a_reason(runtime: Runtime) -> None:
    create_user(runtime, name="sam", role="supervisor", password="long-enough-1", actor="t")
    with pytest.raises(UserError, match="exists already"):
        create_user(runtime, name="Sam", role="admin", actor="t")
    with pytest.raises(UserError, match="No counselor named"):
        create_user(runtime, name="eve", role="counselor", counselor="Nobody", actor="t")
    with pytest.raises(UserError, match="at least 10"):
        create_user(runtime, name="bob", role="counselor", password="short", actor="t")
    with pytest.raises(UserError, match="role must be"):
        create_user(runtime, name="bob", role="boss", actor="t")


def test_five_failures_lock_a_name_even_against_the_right_password(runtime: Runtime) -> None:
    password = add_user(runtime, "ana", "counselor")
    for _ in range(4):
        assert authenticate(runtime, name="ana", password="wrong", address="a").outcome == "bad"
    assert authenticate(runtime, name="ana", password="wrong", address="a").outcome == "locked"
    assert authenticate(runtime, name="ana", password=password, address="b").outcome == "locked"
    # A name nobody has locks the same way, so the lock tells nothing about who exists.
    for _ in range(4):
        authenticate(runtime, name="ghost", password="wrong", address="c")
    assert authenticate(runtime, name="ghost", password="x", address="c").outcome == "locked"


def test_a_success_clears_the_count_and_an_address_locks_after_twenty(runtime: Runtime) -> None:
    password = add_user(runtime, "ana", "counselor")
    for _ in range(4):
        authenticate(runtime, name="ana", password="wrong", address="a")
    assert authenticate(runtime, name="ana", password=password, address="a").outcome == "ok"
    for _ in range(4):  # four more do not lock: the count started again
        assert authenticate(runtime, name="ana", password="wrong", address="a").outcome == "bad"
    for i in range(12):  # 20 from one address, spread over names
        authenticate(runtime, name=f"guess{i % 3}", password="wrong", address="a")
    assert authenticate(runtime, name="ana", password=password, address="a").outcome == "locked"
    assert authenticate(runtime, name="ana", password=password, address="z").outcome == "ok"


def test_change_password_needs_the_current_one(runtime: Runtime) -> None:
    password = add_user(runtime, "ana", "counselor")
    user_id = _stored(runtime, "ana").id
    with pytest.raises(UserError, match="current password"):
        change_password(runtime, user_id=user_id, current="wrong", new="a-new-password")
    with pytest.raises(UserError, match="at least"):
        change_password(runtime, user_id=user_id, current=password, new="short")
    change_password(runtime, user_id=user_id, current=password, new="a-new-password")
    assert authenticate(runtime, name="ana", password=password, address="a").outcome == "bad"
    assert authenticate(runtime, name="ana", password="a-new-password", address="a").outcome == "ok"


def test_demo_sign_ins_cover_each_counselor_and_only_in_local_mode(runtime: Runtime) -> None:
    _roster(runtime)
    made = users.ensure_demo_users(runtime)
    assert [(name, role) for name, _, role in made] == [
        ("supervisor", "supervisor"),
        ("admin", "admin"),
        ("ana", "counselor"),
        ("li", "counselor"),
    ]
    for name, password, _role in made:
        assert authenticate(runtime, name=name, password=password, address="a").outcome == "ok"
    assert users.ensure_demo_users(runtime) == made  # a second start changes nothing
    production = runtime.settings.replace(mode="production")
    with pytest.raises(UserError, match="local mode"):
        users.ensure_demo_users(Runtime(**{**runtime.__dict__, "settings": production}))


def test_the_cli_adds_a_user_and_prints_a_made_up_password(tmp_path: Path) -> None:
    env = {
        "HOTLINE_MODE": "local",
        "HOTLINE_VAR_DIR": str(tmp_path),
        "ROUTING_RULES": str(ROOT / "routing_rules.yaml"),
        "IVR_SCRIPTS": str(ROOT / "ivr_scripts"),
        "DATABASE_URL": f"sqlite:///{tmp_path / 'cli.db'}",
    }
    runner = CliRunner()
    assert runner.invoke(main, ["db", "upgrade"], env=env).exit_code == 0
    (tmp_path / "roster.yaml").write_text(ROSTER)
    runner.invoke(main, ["roster", "import", str(tmp_path / "roster.yaml")], env=env)
    given = runner.invoke(
        main,
        [
            "user",
            "add",
            "ana",
            "--role",
            "counselor",
            "--counselor",
            "Ana Lima",
            "--password-stdin",
        ],
        env=env,
        input="ana-chosen-password\n",
    )
    assert given.exit_code == 0, given.output
    assert "password" not in given.output.replace("user ana added", "")
    made = runner.invoke(main, ["user", "add", "sam", "--role", "supervisor"], env=env)
    assert made.exit_code == 0, made.output
    printed = made.output.strip().splitlines()[-1].split(": ")[-1]
    assert len(printed) >= 20
    again = runner.invoke(main, ["user", "add", "sam", "--role", "admin"], env=env)
    assert again.exit_code == 1 and "exists already" in again.output


def test_the_sign_in_page_speaks_the_browsers_language(app: Flask) -> None:
    client = app.test_client()
    chinese = client.get("/signin", headers={"Accept-Language": "zh-CN,zh;q=0.9,en;q=0.5"})
    assert "登录" in chinese.get_data(as_text=True)
    traditional = client.get("/signin", headers={"Accept-Language": "zh-TW"})
    assert "Sign in" in traditional.get_data(as_text=True)


def test_a_password_change_signs_out_every_other_session(app: Flask, runtime: Runtime) -> None:
    password = add_user(runtime, "ana", "counselor")
    here, elsewhere = app.test_client(), app.test_client()
    sign_in(here, "ana", password)
    sign_in(elsewhere, "ana", password)
    changed = here.post(
        "/account/password",
        data={
            "current": password,
            "new": "a-new-password",
            "repeat": "a-new-password",
            "csrf_token": csrf_token(here),
        },
    )
    assert changed.status_code == 302
    assert here.get("/account/password").status_code == 200
    assert "/signin" in elsewhere.get("/account/password").headers["Location"]


def test_a_wrong_password_and_a_lock_say_so_on_the_page(app: Flask, runtime: Runtime) -> None:
    add_user(runtime, "ana", "counselor")
    client = app.test_client()
    pages = [
        client.post(
            "/signin", data={"name": "ana", "password": "no", "csrf_token": csrf_token(client)}
        )
        for _ in range(5)
    ]
    assert pages[0].status_code == 401
    assert "That name and password do not match." in pages[0].get_data(as_text=True)
    assert "Too many failed sign-ins" in pages[-1].get_data(as_text=True)


def test_sign_in_goes_back_only_to_a_page_of_this_site(app: Flask, runtime: Runtime) -> None:
    password = add_user(runtime, "ana", "counselor")
    for target, expected in (
        ("/account/password", "/account/password"),
        ("https://evil.example/", "/console/"),
        ("//evil.example/", "/console/"),
    ):
        client = app.test_client()
        response = client.post(
            "/signin",
            query_string={"next": target},
            data={"name": "ana", "password": password, "csrf_token": csrf_token(client)},
        )
        assert response.headers["Location"] == expected


def _lock_out_from(client, address: str) -> None:  # type: ignore[no-untyped-def]
    """Twenty failed sign-ins (under twenty names) from one client address, as the
    nearest proxy reports it."""
    for n in range(20):
        client.post(
            "/signin",
            data={"name": f"nobody{n}", "password": "no", "csrf_token": csrf_token(client)},
            headers={"X-Forwarded-For": address},
        )


def _signs_in(client, password: str, address: str) -> bool:  # type: ignore[no-untyped-def]
    response = client.post(
        "/signin",
        data={"name": "ana", "password": password, "csrf_token": csrf_token(client)},
        headers={"X-Forwarded-For": address},
    )
    return response.status_code == 302


def test_behind_a_trusted_proxy_one_address_locked_out_locks_out_nobody_else(
    runtime: Runtime,
) -> None:
    from hotline.web import create_app

    password = add_user(runtime, "ana", "counselor")
    app = create_app(runtime.settings.replace(trusted_proxies=1), runtime=runtime)
    _lock_out_from(app.test_client(), "203.0.113.9")
    assert _signs_in(app.test_client(), password, "198.51.100.7"), "Ana, at the office"
    assert not _signs_in(app.test_client(), password, "203.0.113.9")


def test_without_the_setting_a_forwarded_address_is_not_believed(
    app: Flask, runtime: Runtime
) -> None:
    password = add_user(runtime, "ana", "counselor")
    _lock_out_from(app.test_client(), "203.0.113.9")
    assert not _signs_in(app.test_client(), password, "198.51.100.7"), "one address: locked"


def test_trusted_proxies_must_be_a_small_number() -> None:
    from hotline.config import ConfigError, Settings

    assert Settings.from_env({"HOTLINE_MODE": "local", "TRUSTED_PROXIES": "2"}).trusted_proxies == 2
    for wrong in ("-1", "one", "99"):
        with pytest.raises(ConfigError, match="TRUSTED_PROXIES"):
            Settings.from_env({"HOTLINE_MODE": "local", "TRUSTED_PROXIES": wrong})
