"""A caller driving the signed webhooks through a Flask test client, following TwiML as
Twilio does: a <Gather> posts its action with Digits/SpeechResult, or falls through on
silence; a <Redirect> is followed. Every document is checked with support.twiml.
"""

from __future__ import annotations

import secrets
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urljoin, urlsplit

from tests.conftest import AUTH_TOKEN, PUBLIC_URL
from tests.support.signing import sign
from tests.support.twiml import Verb, flat, parse

SILENCE = None


@dataclass
class Caller:
    client: Any
    number: str = "+14155550177"
    call_sid: str = field(default_factory=lambda: "CA" + secrets.token_hex(16))
    documents: list[list[Verb]] = field(default_factory=list)
    url: str = "/voice/incoming"

    def post(self, path: str, extra: dict[str, str] | None = None) -> list[Verb]:
        form = {
            "CallSid": self.call_sid,
            "From": self.number,
            "To": "+15005550006",
            "AccountSid": "AC" + "1" * 32,
            "CallStatus": "in-progress",
            **(extra or {}),
        }
        signature = sign(PUBLIC_URL + path, form, AUTH_TOKEN)
        response = self.client.post(path, data=form, headers={"X-Twilio-Signature": signature})
        assert response.status_code == 200, (path, response.status_code)
        assert response.mimetype == "text/xml"
        verbs = parse(response.get_data(as_text=True))
        self.documents.append(verbs)
        self.url = path
        return verbs

    def call(self) -> list[Verb]:
        return self.post("/voice/incoming")

    def give(
        self, verbs: list[Verb], digits: str | None = SILENCE, speech: str | None = None
    ) -> list[Verb]:
        """Answer the document's <Gather> (or let it time out), as Twilio would."""
        gather = next(v for v in verbs if v.name == "Gather")
        if digits is None and speech is None:
            redirect = next(v for v in verbs if v.name == "Redirect")
            return self.post(self._path(redirect.text))
        extra = (
            {"Digits": digits}
            if digits is not None
            else {"SpeechResult": speech or "", "Confidence": "0.9"}
        )
        return self.post(self._path(gather.attrs["action"]), extra)

    def follow(self, verbs: list[Verb]) -> list[Verb]:
        redirect = next(v for v in verbs if v.name == "Redirect")
        return self.post(self._path(redirect.text))

    def _path(self, target: str) -> str:
        absolute = urljoin(PUBLIC_URL + self.url, target)
        parts = urlsplit(absolute)
        return parts.path + (f"?{parts.query}" if parts.query else "")


def names(verbs: list[Verb]) -> list[str]:
    return [v.name for v in verbs]


def said(verbs: list[Verb]) -> Iterator[Verb]:
    return (v for v in flat(verbs) if v.name == "Say")


def is_menu(verbs: list[Verb]) -> bool:
    return any(v.name == "Gather" for v in verbs)


def goes_to_hold(verbs: list[Verb]) -> bool:
    return any(v.name == "Redirect" and "/voice/hold" in v.text for v in verbs)
