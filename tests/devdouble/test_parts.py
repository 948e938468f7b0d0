"""The sim's signer agrees with Twilio's worked example and validator; its TwiML reader
refuses what Twilio would refuse."""

from __future__ import annotations

import pytest
from twilio.request_validator import RequestValidator

from hotline.devdouble.twilio import signing, twiml, webhooks
from tests.support import signing as support_signing


def test_signature_matches_twilio_worked_example_and_validator() -> None:
    s = support_signing
    assert signing.sign(s.DOC_URL, s.DOC_PARAMS, s.DOC_TOKEN) == s.DOC_SIGNATURE
    signature = signing.sign("http://127.0.0.1:5/voice/ivr?call=x", {"Digits": "1"}, "tok")
    assert RequestValidator("tok").validate(
        "http://127.0.0.1:5/voice/ivr?call=x", {"Digits": "1"}, signature
    )


VALID = [
    "<Response><Say>Hello</Say><Redirect>/next</Redirect></Response>",
    '<Response><Gather numDigits="1" input="dtmf speech"><Say>x</Say></Gather></Response>',
]
REFUSED = [
    "<Response><Say>x</Say><Hangup>now</Hangup></Response>",  # Hangup takes no text
    '<Response><Dial timeout="ten">+15550100</Dial></Response>',  # not a whole number
    "<Response><Gather><Dial>+15550100</Dial></Gather></Response>",  # Gather holds no Dial
    "<Response><Say voice=\"['a']\">x</Say></Response>",  # a Python list as a value
    "<Response><Redirect/></Response>",  # Redirect needs a URL
    "<Reply><Say>x</Say></Reply>",  # not a Response
]


@pytest.mark.parametrize("document", VALID)
def test_accepts_what_twilio_runs(document: str) -> None:
    assert twiml.parse(document)


@pytest.mark.parametrize("document", REFUSED)
def test_refuses_what_twilio_would_refuse(document: str) -> None:
    with pytest.raises(twiml.TwimlError):
        twiml.parse(document)


def test_webhooks_only_ever_go_to_this_machine() -> None:
    answer = webhooks.request("https://hotline.example.org/voice/incoming", "POST", {}, "t")
    assert answer.status == 0 and answer.problem and answer.problem.startswith("refused")
