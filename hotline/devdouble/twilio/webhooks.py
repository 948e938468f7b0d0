"""Signed HTTP requests to the service, as Twilio makes them, and only ever to this machine.

GET puts the parameters in the query string and signs the whole URL; POST sends them
form-encoded and signs URL + sorted parameters. A 10 s timeout, like Twilio's default.
"""

from __future__ import annotations

import urllib.error
import urllib.parse
import urllib.request
import uuid
from dataclasses import dataclass

from hotline.devdouble.twilio.signing import sign

LOCAL_HOSTS = {"127.0.0.1", "localhost", "::1"}
TIMEOUT = 10.0
_OPENER = urllib.request.build_opener(urllib.request.ProxyHandler({}))


@dataclass(frozen=True)
class Answer:
    url: str  # as requested (with the query string for GET)
    status: int  # 0 when nothing answered
    body: str
    content_type: str
    problem: str | None  # why this answer cannot be used, if it cannot


def is_local(url: str) -> bool:
    parts = urllib.parse.urlsplit(url)
    return parts.scheme in {"http", "https"} and (parts.hostname or "") in LOCAL_HOSTS


def request(url: str, method: str, params: dict[str, str], token: str) -> Answer:
    """One webhook; never raises: a problem is returned in the Answer."""
    method = method.upper() if method.upper() in {"GET", "POST"} else "POST"
    if method == "GET":
        query = urllib.parse.urlencode(params)
        target = url + (("&" if "?" in url else "?") + query if query else "")
        data, signature = None, sign(target, {}, token)
    else:
        target = url
        data, signature = urllib.parse.urlencode(params).encode(), sign(url, params, token)
    if not is_local(target):
        return Answer(target, 0, "", "", f"refused: {target} is not on this machine")
    headers = {
        "X-Twilio-Signature": signature,
        "User-Agent": "TwilioProxy/1.1",
        "I-Twilio-Idempotency-Token": str(uuid.uuid4()),
    }
    if data is not None:
        headers["Content-Type"] = "application/x-www-form-urlencoded"
    req = urllib.request.Request(target, data=data, method=method, headers=headers)
    try:
        with _OPENER.open(req, timeout=TIMEOUT) as response:
            body = response.read().decode("utf-8", "replace")
            return Answer(target, response.status, body, response.headers.get_content_type(), None)
    except urllib.error.HTTPError as error:
        body = error.read().decode("utf-8", "replace")
        return Answer(target, error.code, body, "", f"HTTP {error.code} from {method} {target}")
    except (urllib.error.URLError, OSError) as error:
        return Answer(target, 0, "", "", f"no answer from {method} {target}: {error}")
