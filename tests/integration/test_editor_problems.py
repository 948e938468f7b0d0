"""A refused edit lists its problems in the reader's language, each on the line to fix; the
command line keeps the English."""

from __future__ import annotations

import html
import re

from flask import Flask
from flask.testing import FlaskClient

from hotline.runtime import Runtime
from tests.conftest import ROOT
from tests.integration.web_support import csrf_token, signed_in_client

RULES = (ROOT / "routing_rules.yaml").read_text()


def _check(client: FlaskClient, text: str) -> str:
    response = client.post(
        "/supervisor/rules",
        data={"text": text, "action": "check", "csrf_token": csrf_token(client)},
    )
    assert response.status_code == 200
    return response.get_data(as_text=True)


def _line_of(text: str, needle: str) -> int:
    return next(n for n, line in enumerate(text.split("\n"), start=1) if needle in line)


def _listed(page: str) -> list[str]:
    """The problem list's items, as text."""
    section = page.split('id="problems"', 1)[1].split("</section>", 1)[0]
    items = section.split("<li>")[1:]
    text = [re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", item)) for item in items]
    return [html.unescape(t).strip() for t in text]


def test_problems_are_listed_in_chinese_on_their_lines(app: Flask, runtime: Runtime) -> None:
    zh = signed_in_client(app, runtime, "mei", "supervisor", locale="zh_Hans")
    text = RULES.replace("    max_wait: 300\n", "    max_wait: -3\n").replace(
        "default_language: en", "default_language: fr"
    )
    items = _listed(_check(zh, text))
    wait, default = _line_of(text, "max_wait: -3"), _line_of(text, "default_language: fr")
    assert any(f"第 {wait} 行" in i and "应至少为 1，而不是 -3" in i for i in items), items
    assert any(f"第 {default} 行" in i and "语言“fr”未定义" in i for i in items), items
    assert not any("must be" in i or "is not defined" in i for i in items), items


def test_a_syntax_error_is_said_plainly_on_its_own_line(app: Flask, runtime: Runtime) -> None:
    text = RULES.replace("    max_wait: 300\n", "    max_wait 300\n")
    line = _line_of(text, "max_wait 300")
    en = signed_in_client(app, runtime, "sam", "supervisor")
    zh = signed_in_client(app, runtime, "mei", "supervisor", locale="zh_Hans")
    [english] = _listed(_check(en, text))
    [chinese] = _listed(_check(zh, text))
    assert f"line {line}:" in english and "this line needs a ':' after its key" in english
    assert f"第 {line} 行" in chinese and "这一行的键后面需要一个“:”" in chinese


def test_script_problems_are_listed_in_chinese(app: Flask, runtime: Runtime) -> None:
    zh = signed_in_client(app, runtime, "mei", "supervisor", locale="zh_Hans")
    scripts = {p.name: p.read_text() for p in sorted((ROOT / "ivr_scripts").glob("*.yaml"))}
    flow = scripts["flow.yaml"].replace("{go: confidential}", "{go: nowhere}", 1)
    data = {f"file:{name}": text for name, text in scripts.items()}
    data |= {"file:flow.yaml": flow, "action": "check", "csrf_token": csrf_token(zh)}
    page = zh.post("/supervisor/scripts", data=data).get_data(as_text=True)
    line = _line_of(flow, "{go: nowhere}")
    items = _listed(page)
    assert any(f"第 {line} 行" in i and "没有名为 'nowhere' 的节点" in i for i in items), items
