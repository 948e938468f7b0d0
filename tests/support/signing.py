"""Sign requests as Twilio does, written from Twilio's documented algorithm (not its library).

The string signed is the full URL followed by each POST parameter's name and value,
sorted by name; the signature is the base64 HMAC-SHA1 of it under the auth token.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
from collections.abc import Mapping


def sign(url: str, params: Mapping[str, str], token: str) -> str:
    payload = url + "".join(name + params[name] for name in sorted(params))
    digest = hmac.new(token.encode(), payload.encode(), hashlib.sha1).digest()
    return base64.b64encode(digest).decode()


# Twilio's worked example from its webhook security documentation.
DOC_TOKEN = "12345"
DOC_URL = "https://mycompany.com/myapp.php?foo=1&bar=2"
DOC_PARAMS = {
    "CallSid": "CA1234567890ABCDE",
    "Caller": "+14158675309",
    "Digits": "1234",
    "From": "+14158675309",
    "To": "+18005551212",
}
DOC_SIGNATURE = "RSOYDt4T1cUTdK1PDd93/VVr8B8="
