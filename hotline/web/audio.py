"""GET /audio/<language>/<name>.<hash>.<ext>: the recorded prompts Twilio plays.

Public, as the prompts are what any caller hears. The content hash is in the URL, so a
file never changes under its URL: it may be cached for a year, and a replaced recording
has a new URL.
"""

from __future__ import annotations

from flask import Blueprint, Response, abort, current_app, request
from flask.typing import ResponseReturnValue

import hotline.ivr.recordings as names
from hotline.rules import recordings

bp = Blueprint("audio", __name__)

CACHE = "public, max-age=31536000, immutable"


@bp.get("/audio/<language>/<file>")
def recording(language: str, file: str) -> ResponseReturnValue:
    parsed = names.parse_url_path(language, file)
    if parsed is None:
        abort(404)
    name, prefix = parsed
    found = recordings.fetch(current_app.extensions["hotline"], language, name, prefix)
    if found is None:
        abort(404)
    response = Response(found.content, mimetype=names.MEDIA_TYPES[name.rpartition(".")[2]])
    response.headers["Cache-Control"] = CACHE
    response.set_etag(found.sha256)
    return response.make_conditional(request)
