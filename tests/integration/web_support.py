"""Signing in with the Flask test client: accounts, CSRF tokens, clients per role."""

from __future__ import annotations

import re

from flask import Flask
from flask.testing import FlaskClient

from hotline.accounts.service import create_user
from hotline.runtime import Runtime

_TOKEN = re.compile(r'name="csrf_token" value="([^"]+)"')


def add_user(
    runtime: Runtime, name: str, role: str, counselor: str | None = None, locale: str = "en"
) -> str:
    """Create an account; returns its password."""
    password = f"{name}-test-password"
    create_user(
        runtime,
        name=name,
        role=role,
        counselor=counselor,
        locale=locale,
        password=password,
        actor="test",
    )
    return password


def csrf_token(client: FlaskClient) -> str:
    """The session's CSRF token, read from a page that has a form."""
    page = client.get("/signin").get_data(as_text=True)
    found = _TOKEN.search(page)
    assert found, "no CSRF token on the sign-in page"
    return found.group(1)


def sign_in(client: FlaskClient, name: str, password: str) -> None:
    response = client.post(
        "/signin", data={"name": name, "password": password, "csrf_token": csrf_token(client)}
    )
    assert response.status_code == 302, response.get_data(as_text=True)[:500]


def signed_in_client(
    app: Flask,
    runtime: Runtime,
    name: str,
    role: str,
    counselor: str | None = None,
    locale: str = "en",
) -> FlaskClient:
    """A new test client signed in as a new account."""
    client = app.test_client()
    sign_in(client, name, add_user(runtime, name, role, counselor, locale))
    return client
