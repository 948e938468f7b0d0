"""Signed random input to every webhook: never a 5xx, always TwiML a caller can follow.

Two runs: hypothesis over random forms and query values; and a seeded run over every
/voice/* route of the app with URL state that is real (taken from the service's own
answers: call ids, signed menu states, offers), altered or nonsense, which also fails on
any traceback logged on the way. benchmarks/bench_webhook_fuzz.py runs the second with
10,000 requests."""

from __future__ import annotations

from urllib.parse import quote

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from hotline.runtime import Runtime
from hotline.telephony.client import FakeTelephony
from tests.conftest import AUTH_TOKEN, PUBLIC_URL
from tests.support.desk import Desk
from tests.support.signing import sign
from tests.support.twiml import parse
from tests.support.webhook_fuzz import fuzz

ROUTES = [
    "/voice/incoming",
    "/voice/ivr",
    "/voice/hold",
    "/voice/connect",
    "/voice/offer",
    "/voice/offer/answer",
    "/voice/offer/status",
    "/voice/status",
    "/voice/fallback",
    "/voice/dialled",
]
text = st.text(st.characters(blacklist_categories=("Cs",)), max_size=40)
digits = st.one_of(st.none(), st.sampled_from(["1", "2", "3", "9", "0", "#", "*", ""]), text)
statuses = st.one_of(
    st.sampled_from(
        ["ringing", "in-progress", "completed", "busy", "no-answer", "failed", "canceled"]
    ),
    text,
)
forms = st.fixed_dictionaries(
    {},
    optional={
        "CallSid": st.one_of(st.just("CA" + "f" * 32), text),
        "From": st.one_of(st.sampled_from(["+14155550190", "anonymous", "+8613812345678"]), text),
        "Digits": digits,
        "SpeechResult": text,
        "CallStatus": statuses,
        "SequenceNumber": st.one_of(st.integers(-5, 50).map(str), text),
        "DialCallStatus": statuses,
    },
).map(lambda form: {k: v for k, v in form.items() if v is not None})
queries = st.one_of(
    st.just(""),
    st.builds(
        lambda k, v: f"{k}={quote(v)}",
        st.sampled_from(["call", "offer", "then", "counselor"]),
        text,
    ),
)


@settings(
    max_examples=150,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(path=st.sampled_from(ROUTES), query=queries, form=forms)
def test_no_signed_input_breaks_a_webhook(  # type: ignore[no-untyped-def]
    client, runtime: Runtime, path: str, query: str, form: dict[str, str]
) -> None:
    runtime.telephony = FakeTelephony()
    url = path + (f"?{query}" if query else "")
    signature = sign(PUBLIC_URL + url, form, AUTH_TOKEN)
    response = client.post(url, data=form, headers={"X-Twilio-Signature": signature})
    assert response.status_code == 200, (url, form, response.status_code)
    assert response.mimetype == "text/xml"
    parse(response.get_data(as_text=True))


def test_a_seeded_fuzz_of_every_voice_route_with_real_and_altered_url_state(desk: Desk) -> None:
    tally = fuzz(desk, requests=300, seed=18, token=AUTH_TOKEN, public_url=PUBLIC_URL)
    assert not tally.failures(), (tally.summary(), tally.failures()[:10])
    app = desk.client.application  # type: ignore[attr-defined]
    voice = {r.rule for r in app.url_map.iter_rules() if r.rule.startswith("/voice/")}
    assert set(tally.by_route) == voice, "every route was reached"
