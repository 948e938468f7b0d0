"""Sign requests as Twilio does. The signer is the Twilio double's
(`hotline.devdouble.twilio.signing`),
written from Twilio's documented algorithm rather than its library; the worked example
from Twilio's webhook security documentation below keeps both honest.
"""

from __future__ import annotations

from hotline.devdouble.twilio.signing import sign

__all__ = ["DOC_PARAMS", "DOC_SIGNATURE", "DOC_TOKEN", "DOC_URL", "sign"]

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
