"""Frequent callers, as the practice says (4 calls in 7 days): an anonymous assessment list
on the dashboard, a care plan a supervisor writes (encrypted, audited, erased with the
caller key), shown to the counselor who takes that caller's next call."""

from __future__ import annotations

import datetime as dt
import re

from flask import Flask
from sqlalchemy import select

from hotline.call_records.erasure import drop_caller_keys
from hotline.call_records.forget import forget
from hotline.privacy import caller_key
from hotline.records.models import AuditEvent, CallRecord, CarePlan
from hotline.runtime import Runtime
from tests.integration.web_support import csrf_token, signed_in_client
from tests.support.console import answered_call, console_client
from tests.support.desk import Desk

NUMBER = "+14155550177"  # the test Caller's number (tests/support/caller.py)
RARE = "+14155550166"
PLAN = "Calls most nights after midnight; agreed with her GP to talk about sleep. Be brief."


def _key(runtime: Runtime, e164: str) -> str:
    key = caller_key(e164, runtime.settings.hash_key.reveal().encode())  # type: ignore[union-attr]
    assert key is not None
    return key


def _history(desk: Desk) -> str:
    """Four calls this week from NUMBER (Li, then Ana last), three from RARE."""
    now = dt.datetime.now(dt.UTC)
    key, rare = _key(desk.runtime, NUMBER), _key(desk.runtime, RARE)
    rows = [
        (key, "Li", "answered", 5),
        (key, "Li", "answered", 4),
        (key, None, "hung_up_queue", 3),
        (key, "Ana", "answered", 1),
        (rare, "Ana", "answered", 3),
        (rare, "Ana", "answered", 2),
        (rare, "Ana", "answered", 1),
    ]
    with desk.runtime.sessions.begin() as session:
        for i, (who, counselor, outcome, days_ago) in enumerate(rows):
            session.add(
                CallRecord(
                    id=f"past-{i}",
                    caller_key=who,
                    started_at=now - dt.timedelta(days=days_ago),
                    outcome=outcome,
                    counselor_id=int(desk.ids[counselor]) if counselor else None,
                    language="en",
                    topic="suicide",
                    tier="urgent",
                )
            )
    return key


def test_the_dashboard_lists_frequent_callers_anonymously(app: Flask, desk: Desk) -> None:
    assert desk.runtime.rules.frequent_callers.threshold == 4
    key = _history(desk)
    supervisor = signed_in_client(app, desk.runtime, "sam", "supervisor")
    page = supervisor.get("/supervisor/").get_data(as_text=True)
    section = page.split('id="frequent"')[1].split("</section>")[0]
    row = re.search(rf'<tr data-caller="{key[:8]}">(.*?)</tr>', section, re.S)
    assert row is not None, section
    cells = [re.sub(r"<[^>]+>", "", c).strip() for c in re.findall(r"<td>(.*?)</td>", row[1], re.S)]
    assert cells == [key[:8], "4", "Ana, Li", "Answered", "Write a care plan"]
    assert _key(desk.runtime, RARE)[:8] not in section, "3 calls: under the threshold"
    assert key not in page and NUMBER not in page and NUMBER[2:] not in page


def test_a_care_plan_is_encrypted_audited_and_shown_on_the_next_call(
    app: Flask, desk: Desk
) -> None:
    key = _history(desk)
    short = key[:8]
    supervisor = signed_in_client(app, desk.runtime, "sam", "supervisor")
    form = supervisor.get(f"/supervisor/frequent/{short}")
    assert form.status_code == 200 and 'id="care-plan-form"' in form.get_data(as_text=True)
    saved = supervisor.post(
        f"/supervisor/frequent/{short}",
        data={"plan": PLAN, "csrf_token": csrf_token(supervisor)},
        follow_redirects=True,
    ).get_data(as_text=True)
    assert f"Care plan saved for caller {short}." in saved
    assert "Read or edit the care plan" in saved.split('id="frequent"')[1]
    with desk.runtime.sessions() as session:
        stored = session.get(CarePlan, key)
        assert stored is not None and PLAN.encode() not in stored.ciphertext
        actions = session.scalars(select(AuditEvent.action)).all()
    assert "care_plan.read" in actions and "care_plan.saved" in actions
    assert PLAN in supervisor.get(f"/supervisor/frequent/{short}").get_data(as_text=True)

    console = console_client(app, desk)
    answered_call(desk)  # the same caller calls again; Ana answered last: she is preferred
    for _ in range(2):  # every poll shows it; the audit log says once that it was shown
        card = console.get("/console/state.json").get_json()["card_html"]
        assert 'id="care-plan"' in card and PLAN in card
    with desk.runtime.sessions() as session:
        shown = session.scalars(
            select(AuditEvent).where(AuditEvent.action == "care_plan.shown")
        ).all()
    assert len(shown) == 1 and shown[0].detail["call_id"]


def test_a_care_plan_is_erased_with_the_caller_key(app: Flask, desk: Desk) -> None:
    key = _history(desk)
    supervisor = signed_in_client(app, desk.runtime, "sam", "supervisor")
    supervisor.post(
        f"/supervisor/frequent/{key[:8]}",
        data={"plan": PLAN, "csrf_token": csrf_token(supervisor)},
    )
    rare = _key(desk.runtime, RARE)
    with desk.runtime.sessions.begin() as session:
        session.add(CarePlan(caller_key=rare, ciphertext=b"x", updated_by="test"))
    forget(desk.runtime, NUMBER)
    with desk.runtime.sessions() as session:
        assert session.get(CarePlan, key) is None
        assert session.get(CarePlan, rare) is not None
    drop_caller_keys(desk.runtime.sessions, dt.datetime.now(dt.UTC))  # retention: every key
    with desk.runtime.sessions() as session:
        assert session.scalars(select(CarePlan)).all() == []


def test_a_counselor_cannot_read_the_list_or_a_plan(app: Flask, desk: Desk) -> None:
    key = _history(desk)
    console = console_client(app, desk)
    assert console.get(f"/supervisor/frequent/{key[:8]}").status_code in (302, 403)
