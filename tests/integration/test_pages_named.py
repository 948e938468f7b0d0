"""Every page, in English and in Chinese, with a busy hotline behind it: no code is shown as
text (`yue`, `domestic_violence`, `hung_up_queue`), and the Chinese pages show no English
beyond names, files and the language switch."""

from __future__ import annotations

import datetime as dt

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import update

from hotline.queue.dispatch import dispatch
from hotline.records.calls import save_record
from hotline.records.models import CallRecord
from hotline.routing.snapshot import CounselorState
from tests.integration.web_support import csrf_token, signed_in_client
from tests.support.caller import Caller
from tests.support.desk import PHONES, Desk
from tests.support.records import answered
from tests.support.shown_text import misnamed

DASHBOARD = "/supervisor/"
SUPERVISOR_PAGES = (
    "/supervisor/rules?language=yue&topic=domestic_violence&tier=imminent",
    "/supervisor/scripts",
    "/supervisor/recordings",
    "/supervisor/coverage",
    "/supervisor/coverage?specialty=youth",
    "/supervisor/counselors",
    "/supervisor/records",
    "/supervisor/frequent/abababab",  # the frequent caller's care plan
)
FREQUENT = "ab" * 32
CONSOLE = "/console/"


def _busy(desk: Desk) -> None:
    """Records of the last days; Ana and Li each on a call; a Cantonese caller in danger
    waiting (nobody speaks Cantonese)."""
    yesterday = dt.datetime.now(dt.UTC) - dt.timedelta(days=1)
    rt = desk.runtime
    for n, (language, topic, tier, outcome) in enumerate(
        [
            ("yue", "domestic_violence", "imminent", "hung_up_queue"),
            ("zh", "youth", "standard", "answered"),
            ("en", "substance_use", "urgent", "overflowed"),
        ]
    ):
        save_record(
            rt.sessions,
            answered(
                f"rec-{n}", yesterday, language=language, topic=topic, tier=tier, outcome=outcome
            ),
        )
    for n in range(4):  # a frequent caller, on the dashboard's assessment list
        outcome = ("hung_up_queue", "answered")[n % 2]
        save_record(
            rt.sessions, answered(f"freq-{n}", yesterday, caller_key=FREQUENT, outcome=outcome)
        )
    with rt.sessions.begin() as session:
        session.execute(update(CallRecord).values(risk_level="moderate"))
    for keys, name in ((("1", "1"), "Ana"), (("2", "1"), "Li")):
        desk.caller(*keys)
        dispatch(rt)
        leg = Caller(desk.client, number=PHONES[name])
        leg.give(leg.post(desk.offer_path()), "1")
        assert desk.state(name) is CounselorState.ON_CALL
    desk.caller("3", "9")
    dispatch(rt)


def _pages(client: FlaskClient, *paths: str) -> dict[str, str]:
    pages = {}
    for path in paths:
        response = client.get(path)
        assert response.status_code == 200, path
        pages[path] = response.get_data(as_text=True)
    return pages


def _checked_edit(client: FlaskClient) -> dict[str, str]:
    """The rules page after a check: problems, changes and both dry runs."""
    text = client.get("/supervisor/export/rules").get_data(as_text=True)
    response = client.post(
        "/supervisor/rules",
        data={
            "text": text.replace("answer_within: 60", "answer_within: 50"),
            "action": "check",
            "language": "yue",
            "topic": "domestic_violence",
            "tier": "imminent",
            "csrf_token": csrf_token(client),
        },
    )
    assert response.status_code == 200
    return {"/supervisor/rules (checked)": response.get_data(as_text=True)}


@pytest.mark.parametrize("locale", ["en", "zh_Hans"])
def test_supervisor_pages_show_names_not_codes(app: Flask, desk: Desk, locale: str) -> None:
    _busy(desk)
    sam = signed_in_client(app, desk.runtime, "sam", "supervisor", locale=locale)
    pages = {**_pages(sam, *SUPERVISOR_PAGES), **_checked_edit(sam)}
    wrong = misnamed(pages, locale)
    assert not wrong, "shown as a code or in English:\n" + "\n".join(wrong)


@pytest.mark.parametrize("locale", ["en", "zh_Hans"])
def test_the_dashboard_shows_names_not_codes(app: Flask, desk: Desk, locale: str) -> None:
    _busy(desk)
    sam = signed_in_client(app, desk.runtime, "sam", "supervisor", locale=locale)
    wrong = misnamed(_pages(sam, DASHBOARD), locale)
    assert not wrong, "shown as a code or in English:\n" + "\n".join(wrong)


@pytest.mark.parametrize("locale", ["en", "zh_Hans"])
def test_the_console_shows_names_not_codes(app: Flask, desk: Desk, locale: str) -> None:
    _busy(desk)
    li = signed_in_client(app, desk.runtime, "li", "counselor", counselor="Li", locale=locale)
    pages = _pages(li, CONSOLE)
    pages["card"] = li.get("/console/state.json").get_json()["card_html"]
    assert "call-card" in pages["card"], "Li's call is on her card"
    wrong = misnamed(pages, locale)
    assert not wrong, "shown as a code or in English:\n" + "\n".join(wrong)


@pytest.mark.parametrize("locale", ["en", "zh_Hans"])
def test_sign_in_password_and_error_pages_are_in_the_readers_language(
    app: Flask, desk: Desk, locale: str
) -> None:
    browser = {"Accept-Language": "zh-CN" if locale == "zh_Hans" else "en-US"}
    pages = {"/signin": app.test_client().get("/signin", headers=browser).get_data(as_text=True)}
    li = signed_in_client(app, desk.runtime, "li", "counselor", counselor="Li", locale=locale)
    pages |= _pages(li, "/account/password")
    refused = li.get("/supervisor/rules")
    assert refused.status_code == 403
    pages["403"] = refused.get_data(as_text=True)
    wrong = misnamed(pages, locale)
    assert not wrong, "shown as a code or in English:\n" + "\n".join(wrong)
