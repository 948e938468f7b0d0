"""Codes are shown by their names in the reader's language, and times the reader's way in the
hotline's zone (hotline/web/names.py, dates.py): what every page's filters give."""

from __future__ import annotations

import datetime as dt

from flask import Flask, render_template_string

from hotline.problems import say
from hotline.runtime import Runtime
from hotline.staffing import roster_edit
from hotline.web.said import said

ZH = {"Accept-Language": "zh-CN"}
EN = {"Accept-Language": "en-US"}


def _shown(app: Flask, headers: dict[str, str], template: str, **values: object) -> str:
    with app.test_request_context("/", headers=headers):
        return render_template_string(template, **values)


def test_languages_and_topics_are_named_by_the_rules_in_the_readers_language(app: Flask) -> None:
    page = "{{ 'yue'|language }}|{{ 'domestic_violence'|topic }}|{{ ['en', 'zh']|languages }}"
    assert _shown(app, EN, page) == "Cantonese|Domestic violence|English, Mandarin"
    assert _shown(app, ZH, page) == "粤语|家庭暴力|英语、普通话"


def test_a_language_the_rules_no_longer_list_still_has_a_name_and_nothing_is_a_dash(
    app: Flask,
) -> None:
    page = "{{ 'fr'|language }}|{{ none|language }}|{{ ''|topic }}|{{ none|outcome }}"
    assert _shown(app, EN, page) == "French|—|—|—"
    assert _shown(app, ZH, page) == "法语|—|—|—"


def test_the_same_word_is_named_for_what_it_is(app: Flask) -> None:
    """'imminent' is a tier and a risk level: each has its own name."""
    page = (
        "{{ 'imminent'|tier }}|{{ 'imminent'|risk }}|{{ 'hung_up_queue'|outcome }}"
        "|{{ 'on_call'|state }}"
    )
    assert _shown(app, EN, page) == "Imminent|Imminent|Hung up while waiting|On a call"
    assert _shown(app, ZH, page) == "紧急危险|紧迫|等待中挂断|通话中"


def test_times_are_in_the_hotlines_zone_written_the_readers_way(
    app: Flask, runtime: Runtime
) -> None:
    roster_edit.save_counselor(
        runtime,
        roster_edit.CounselorForm(
            "Ana", "+12025550123", ["zh"], ["youth"], timezone="Asia/Shanghai"
        ),
        actor="test",
    )
    at = dt.datetime(2026, 12, 5, 22, 30, tzinfo=dt.UTC)  # Sunday 06:30 in Shanghai
    page = "{{ at|day_time }}|{{ at|date_time }}|{{ at.date()|short_day }}"
    assert _shown(app, EN, page, at=at) == "Sun, Dec 6, 06:30|Dec 6, 2026, 06:30|5 Sat"
    assert _shown(app, ZH, page, at=at) == "12月6日周日 06:30|2026年12月6日 06:30|5日周六"


def test_a_core_message_is_said_in_the_readers_language_values_and_all(app: Flask) -> None:
    nested = say("must be a whole number, not %(kind)s", kind=say("text %(value)r", value="x"))
    unknown = say("a message no catalogue knows: %(n)d", n=3)
    with app.test_request_context("/", headers=ZH):
        assert said(nested) == "应为整数，而不是文字 'x'"
        assert said(unknown) == "a message no catalogue knows: 3"
        assert said("plain text") == "plain text"
    with app.test_request_context("/", headers=EN):
        assert said(nested) == "must be a whole number, not text 'x'" == nested


def test_a_language_named_in_another_script_gets_its_name_in_the_readers_too(
    app: Flask,
) -> None:
    """The rules name Shanghainese 上海话: a Chinese reader reads that, an English one
    CLDR's English name beside it."""
    page = "{{ 'wuu'|language }}"
    assert _shown(app, ZH, page) == "上海话"
    assert _shown(app, EN, page) == "Wu Chinese (上海话)"
