"""Nothing unsigned gets in: every /voice/* route answers 403 and touches no state."""

from __future__ import annotations

import pytest

from hotline.runtime import Runtime
from hotline.telephony.signature import is_valid, signed_url
from tests.conftest import AUTH_TOKEN, PUBLIC_URL
from tests.support.signing import DOC_PARAMS, DOC_SIGNATURE, DOC_TOKEN, DOC_URL, sign
from tests.support.twiml import parse

VOICE_ROUTES = ["/voice/incoming", "/voice/status", "/voice/fallback"]
CALL = {
    "CallSid": "CA" + "a" * 32,
    "AccountSid": "AC" + "1" * 32,
    "From": "+15551230000",
    "To": "+15005550006",
    "CallStatus": "ringing",
}


def test_our_signer_reproduces_twilios_documented_example() -> None:
    assert sign(DOC_URL, DOC_PARAMS, DOC_TOKEN) == DOC_SIGNATURE


def test_the_validator_accepts_the_documented_example_and_nothing_near_it() -> None:
    assert is_valid(DOC_TOKEN, DOC_URL, DOC_PARAMS, DOC_SIGNATURE)
    assert not is_valid(DOC_TOKEN, DOC_URL + "&baz=3", DOC_PARAMS, DOC_SIGNATURE)
    assert not is_valid(DOC_TOKEN, DOC_URL, {**DOC_PARAMS, "Digits": "9"}, DOC_SIGNATURE)
    assert not is_valid("54321", DOC_URL, DOC_PARAMS, DOC_SIGNATURE)
    assert not is_valid(None, DOC_URL, DOC_PARAMS, DOC_SIGNATURE)
    assert not is_valid(DOC_TOKEN, DOC_URL, DOC_PARAMS, None)
    assert not is_valid(DOC_TOKEN, DOC_URL, DOC_PARAMS, "not base64 王")


def test_a_signature_made_with_the_port_in_the_url_is_accepted_too() -> None:
    """Twilio may sign https://host:443/...: the library's full check still runs when
    the URL as configured does not match."""
    with_port = DOC_URL.replace("mycompany.com/", "mycompany.com:443/")
    assert is_valid(DOC_TOKEN, DOC_URL, DOC_PARAMS, sign(with_port, DOC_PARAMS, DOC_TOKEN))
    assert not is_valid(DOC_TOKEN, DOC_URL, DOC_PARAMS, sign(with_port, DOC_PARAMS, "54321"))


def test_signed_url_keeps_the_query_exactly_as_sent() -> None:
    assert signed_url("https://h.org/", "/voice/x", "a=1&b=2") == "https://h.org/voice/x?a=1&b=2"
    assert signed_url("https://h.org", "/voice/x", "") == "https://h.org/voice/x"


def _state(runtime: Runtime) -> list[bytes]:
    return sorted(runtime.redis.keys("*"))


@pytest.mark.parametrize("path", VOICE_ROUTES)
def test_missing_signature_is_forbidden(client, runtime: Runtime, path: str) -> None:  # type: ignore[no-untyped-def]
    before = _state(runtime)
    response = client.post(path, data=CALL)
    assert response.status_code == 403
    assert _state(runtime) == before


@pytest.mark.parametrize("path", VOICE_ROUTES)
def test_wrong_signature_is_forbidden(client, path: str) -> None:  # type: ignore[no-untyped-def]
    bad = sign(PUBLIC_URL + path, CALL, "some-other-token")
    response = client.post(path, data=CALL, headers={"X-Twilio-Signature": bad})
    assert response.status_code == 403


@pytest.mark.parametrize("path", VOICE_ROUTES)
def test_signature_for_a_different_url_is_forbidden(client, path: str) -> None:  # type: ignore[no-untyped-def]
    elsewhere = sign("https://attacker.example.net" + path, CALL, AUTH_TOKEN)
    response = client.post(path, data=CALL, headers={"X-Twilio-Signature": elsewhere})
    assert response.status_code == 403


def test_tampered_parameters_are_forbidden(client) -> None:  # type: ignore[no-untyped-def]
    signature = sign(PUBLIC_URL + "/voice/incoming", CALL, AUTH_TOKEN)
    response = client.post(
        "/voice/incoming", data={**CALL, "Digits": "9"}, headers={"X-Twilio-Signature": signature}
    )
    assert response.status_code == 403


def test_the_query_string_is_part_of_what_is_signed(client) -> None:  # type: ignore[no-untyped-def]
    signature = sign(PUBLIC_URL + "/voice/incoming", CALL, AUTH_TOKEN)
    response = client.post(
        "/voice/incoming?retry=1", data=CALL, headers={"X-Twilio-Signature": signature}
    )
    assert response.status_code == 403
    signature = sign(PUBLIC_URL + "/voice/incoming?retry=1", CALL, AUTH_TOKEN)
    response = client.post(
        "/voice/incoming?retry=1", data=CALL, headers={"X-Twilio-Signature": signature}
    )
    assert response.status_code == 200


@pytest.mark.parametrize("path", VOICE_ROUTES)
def test_no_configured_token_means_nothing_gets_in(runtime: Runtime, path: str) -> None:
    from hotline.web import create_app

    runtime.settings = runtime.settings.replace(twilio_auth_token=None)
    client = create_app(runtime.settings, runtime=runtime).test_client()
    # Even a request "signed" with an empty token is refused.
    response = client.post(
        path, data=CALL, headers={"X-Twilio-Signature": sign(PUBLIC_URL + path, CALL, "")}
    )
    assert response.status_code == 403


def test_a_signed_call_gets_twiml(client) -> None:  # type: ignore[no-untyped-def]
    signature = sign(PUBLIC_URL + "/voice/incoming", CALL, AUTH_TOKEN)
    response = client.post("/voice/incoming", data=CALL, headers={"X-Twilio-Signature": signature})
    assert response.status_code == 200
    assert response.mimetype == "text/xml"
    assert parse(response.get_data(as_text=True))
