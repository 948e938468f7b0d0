"""Sign webhooks as Twilio does (its documented algorithm), so the service's real check runs.

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
