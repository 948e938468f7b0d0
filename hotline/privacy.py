"""Caller identity without the caller's number: a keyed hash, so repeat calls can be counted.

Pure: standard library only. The raw number is parsed to E.164 by the caller of this
module and never kept; only this hash is.
"""

from __future__ import annotations

import hashlib
import hmac

WITHHELD = frozenset({"", "anonymous", "restricted", "unknown", "private", "unavailable"})


def caller_key(e164: str | None, hash_key: bytes) -> str | None:
    """HMAC-SHA256 of the E.164 number; None for a withheld or missing number."""
    if e164 is None or e164.strip().lower().lstrip("+") in WITHHELD:
        return None
    return hmac.new(hash_key, e164.strip().encode(), hashlib.sha256).hexdigest()
