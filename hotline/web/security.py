"""The Twilio signature check that guards every /voice/* route. It fails closed."""

from __future__ import annotations

import functools
import logging
from collections.abc import Callable
from typing import Any

from flask import abort, current_app, request

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
