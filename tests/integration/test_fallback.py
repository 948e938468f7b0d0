"""The fallback URL answers a caller with Redis and the database both unreachable."""

from __future__ import annotations

import pytest

from hotline.routing.rules import load_rules
from hotline.web import create_app
from tests.conftest import AUTH_TOKEN, PUBLIC_URL, ROOT, make_settings
from tests.support.signing import sign
from tests.support.twiml import flat, parse

CALL = {
    "CallSid": "CA" + "b" * 32,
    "From": "+15551230001",
    "To": "+15005550006",
    "ErrorCode": "11200",
}


@pytest.fixture
def dead_client(tmp_path):  # type: ignore[no-untyped-def]
    settings = make_settings(
        redis_url="redis://127.0.0.1:1/0",  # nothing listens on port 1
        database_url="postgresql+psycopg://nobody@127.0.0.1:1/nothing",
        var_dir=tmp_path,
    )
    return create_app(settings).test_client()


def _post(client, path: str):  # type: ignore[no-untyped-def]
    signature = sign(PUBLIC_URL + path, CALL, AUTH_TOKEN)
    return client.post(path, data=CALL, headers={"X-Twilio-Signature": signature})


def _post_form(client, path: str, form: dict[str, str]):  # type: ignore[no-untyped-def]
    signature = sign(PUBLIC_URL + path, form, AUTH_TOKEN)
    return client.post(path, data=form, headers={"X-Twilio-Signature": signature})


def _dial(verbs):  # type: ignore[no-untyped-def]
    return next(v for v in verbs if v.name == "Dial")


def test_fallback_dials_the_backup_line_with_everything_down(dead_client) -> None:  # type: ignore[no-untyped-def]
    response = _post(dead_client, "/voice/fallback")
    assert response.status_code == 200
    verbs = flat(parse(response.get_data(as_text=True)))
    backup = load_rules(ROOT / "routing_rules.yaml").overflow_number(None)
    assert verbs[0].name == "Say", "the caller hears a voice before the ringing"
    assert _dial(verbs).text == backup
    # Nobody answers: one more try, then words, never silence.
    after = _post_form(
        dead_client, _dial(verbs).attrs["action"], {**CALL, "DialCallStatus": "no-answer"}
    )
    verbs = flat(parse(after.get_data(as_text=True)))
    assert _dial(verbs).text == backup
    last = _post_form(dead_client, _dial(verbs).attrs["action"], {**CALL, "DialCallStatus": "busy"})
    verbs = flat(parse(last.get_data(as_text=True)))
    assert [v.name for v in verbs] == ["Say", "Hangup"]
    assert "emergency" in verbs[0].text


def test_a_finished_backup_call_is_not_dialled_again(dead_client) -> None:  # type: ignore[no-untyped-def]
    verbs = flat(parse(_post(dead_client, "/voice/fallback").get_data(as_text=True)))
    done = _post_form(
        dead_client, _dial(verbs).attrs["action"], {**CALL, "DialCallStatus": "completed"}
    )
    assert [v.name for v in flat(parse(done.get_data(as_text=True)))] == ["Hangup"]


def test_incoming_with_everything_down_still_reaches_a_person(dead_client) -> None:  # type: ignore[no-untyped-def]
    response = _post(dead_client, "/voice/incoming")
    assert response.status_code == 200
    assert any(v.name == "Dial" for v in flat(parse(response.get_data(as_text=True))))


def test_fallback_still_checks_the_signature(dead_client) -> None:  # type: ignore[no-untyped-def]
    assert dead_client.post("/voice/fallback", data=CALL).status_code == 403


def test_healthz_says_what_is_down(dead_client) -> None:  # type: ignore[no-untyped-def]
    response = dead_client.get("/healthz")
    assert response.status_code == 503
    body = response.get_json()
    assert body["redis"] is False and body["database"] is False
    assert body["status"] == "degraded"


def test_healthz_ok_when_both_answer(client) -> None:  # type: ignore[no-untyped-def]
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.get_json()["redis"] is True
    assert response.get_json()["database"] is True
