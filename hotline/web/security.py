"""What keeps the service's doors shut: the Twilio signature check that guards every
/voice/* route (it fails closed), and the browser-grade headers on every answer."""

from __future__ import annotations

import functools
import logging
from collections.abc import Callable
from typing import Any

from flask import Flask, Response, abort, current_app, request

from hotline.telephony.signature import is_valid, signed_url

log = logging.getLogger(__name__)


def twilio_signed(view: Callable[..., Any]) -> Callable[..., Any]:
    """403 unless the request carries a valid X-Twilio-Signature for PUBLIC_URL + path + query.

    Also 403 when no auth token or public URL is configured: nothing unsigned gets in.
    """

    @functools.wraps(view)
    def checked(*args: Any, **kwargs: Any) -> Any:
        settings = current_app.extensions["hotline"].settings
        token = settings.twilio_auth_token.reveal() if settings.twilio_auth_token else None
        url = (
            signed_url(settings.public_url, request.path, request.query_string.decode("latin-1"))
            if settings.public_url
            else ""
        )
        if not is_valid(token, url, request.form, request.headers.get("X-Twilio-Signature")):
            log.warning("webhook refused: bad or missing signature", extra={"path": request.path})
            abort(403)
        return view(*args, **kwargs)

    return checked


# No inline script or style, nothing from elsewhere, never inside a frame: a page with a
# call card on it cannot be framed, fed a script, or made to post to another site.
CONTENT_SECURITY_POLICY = "; ".join(
    (
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'none'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    )
)
HEADERS = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "no-referrer",
    "X-Content-Type-Options": "nosniff",
}
HSTS = "max-age=31536000; includeSubDomains"
# The answers that choose their own caching: the style sheets and scripts, and the recorded
# prompts (public, content-addressed). Everything else is never stored.
CACHEABLE_ENDPOINTS = frozenset({"static", "audio.recording"})


def send_security_headers(app: Flask, *, production: bool) -> None:
    """Every answer gets the headers above; every answer but CACHEABLE_ENDPOINTS is never
    stored (a shared computer's cache must not keep a call card, a JSON poll or a CSV).
    HSTS only in production, where the service is served over https."""

    @app.after_request
    def _headers(response: Response) -> Response:
        for name, value in HEADERS.items():
            response.headers[name] = value
        if request.endpoint not in CACHEABLE_ENDPOINTS:
            response.headers["Cache-Control"] = "no-store"
        if production:
            response.headers["Strict-Transport-Security"] = HSTS
        return response
