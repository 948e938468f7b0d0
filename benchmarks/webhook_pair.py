"""The WSGI app the webhook benchmark serves: the hotline app and a bare Flask endpoint,
side by side in the same gunicorn workers, so both see the same server and machine.
"""

from __future__ import annotations

from flask import Flask, Response
from werkzeug.middleware.dispatcher import DispatcherMiddleware

from hotline.config import Settings
from hotline.web import create_app


def make():  # type: ignore[no-untyped-def]
    bare = Flask("bare")

    @bare.post("/")
    def ok() -> Response:
        return Response("<Response/>", mimetype="text/xml")

    return DispatcherMiddleware(create_app(Settings.from_env()), {"/bare": bare})
