"""The menus' state, carried in the signed <Gather action> URL: the first webhook writes
nothing, and a token that was not made for this call (or was changed) is refused.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
from dataclasses import dataclass

from hotline.ivr.flow import CallState
from hotline.runtime import Runtime


@dataclass(frozen=True)
class Carried:
    state: CallState
    started_at: float | None  # None in a token from before the start time was carried


def state_token(
    runtime: Runtime, call_id: str, state: CallState, started_at: float | None = None
) -> str | None:
    key = runtime.settings.secret_key
    if key is None:
        return None
    body: list[object] = [call_id, state.to_dict()]
    if started_at is not None:
        body.append(round(started_at, 3))
    payload = base64.urlsafe_b64encode(json.dumps(body, separators=(",", ":")).encode()).rstrip(
        b"="
    )
    return f"{payload.decode()}.{_mac(key.reveal(), payload)}"


def _mac(secret: str, payload: bytes) -> str:
    digest = hmac.new(secret.encode(), b"ivr-state:" + payload, hashlib.sha256).digest()
    return base64.urlsafe_b64encode(digest[:18]).decode()


def read_token(runtime: Runtime, token: str | None, call_id: str | None) -> Carried | None:
    """The state a token carries, if it is ours, intact, and for this call."""
    key = runtime.settings.secret_key
    if not token or key is None or not call_id or len(token) > 2048 or "." not in token:
        return None
    payload, _, mac = token.rpartition(".")
    if not hmac.compare_digest(mac, _mac(key.reveal(), payload.encode())):
        return None
    try:
        raw = base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4))
        owner, state, *rest = json.loads(raw)
        if owner != call_id:
            return None
        started = float(rest[0]) if rest else None
        return Carried(CallState.from_dict(state), started)
    except (ValueError, TypeError):
        return None
