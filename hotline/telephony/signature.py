"""Twilio webhook signatures, checked with Twilio's own validator; fails closed."""

from __future__ import annotations

from collections.abc import Mapping

from twilio.request_validator import RequestValidator, compare


def signed_url(public_url: str, path: str, query_string: str) -> str:
    """The URL Twilio signed: the public base URL, the path, and the query as sent."""
    url = public_url.rstrip("/") + path
    return f"{url}?{query_string}" if query_string else url


def is_valid(
    auth_token: str | None, url: str, params: Mapping[str, str], signature: str | None
) -> bool:
    """True only for a present, matching signature made with a configured token."""
    if not auth_token or not signature or not url:
        return False
    try:
        validator = RequestValidator(auth_token)
        # The URL as configured is what Twilio signs: one HMAC for a good request. The
        # library's full check (the URL with and without a port) only when that fails.
        if compare(validator.compute_signature(url, params), signature):
            return True
        return bool(validator.validate(url, params, signature))
    except Exception:  # a malformed signature or body is simply not valid
        return False
