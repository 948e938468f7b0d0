"""A tiny Flask app on 127.0.0.1 answering TwiML chosen by the test, checking every
signature with Twilio's own RequestValidator (the sim signs by the documented algorithm).
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

from flask import Flask, Response, request
from twilio.request_validator import RequestValidator
from werkzeug.serving import WSGIRequestHandler, make_server

Answer = str | tuple[str, int] | Callable[[dict[str, str]], str | tuple[str, int]]


@dataclass(frozen=True)
class Hit:
    path: str
    form: dict[str, str]
    signed: bool


@dataclass
class TwimlApp:
    token: str
    routes: dict[str, Answer] = field(default_factory=dict)
    hits: list[Hit] = field(default_factory=list)
    base: str = ""

    def url(self, path: str) -> str:
        return self.base + path

    def posted(self, path: str) -> list[dict[str, str]]:
        return [hit.form for hit in self.hits if hit.path == path]

    def wsgi(self) -> Flask:
        app = Flask("sim-test-app")
        validator = RequestValidator(self.token)

        @app.route("/<path:path>", methods=["GET", "POST"])
        def answer(path: str) -> Response:
            form = {k: v for k, v in request.values.items()}
            signed = validator.validate(
                request.url, request.form, request.headers.get("X-Twilio-Signature", "")
            )
            self.hits.append(Hit("/" + path, form, bool(signed)))
            found = self.routes.get("/" + path, "<Response/>")
            result = found(form) if callable(found) else found
            body, status = result if isinstance(result, tuple) else (result, 200)
            return Response(body, status=status, mimetype="text/xml")

        return app


class _Quiet(WSGIRequestHandler):
    def log_request(self, code: int | str = "-", size: int | str = "-") -> None:
        pass


@contextmanager
def serve(app: TwimlApp) -> Iterator[TwimlApp]:
    server = make_server("127.0.0.1", 0, app.wsgi(), threaded=True, request_handler=_Quiet)
    app.base = f"http://127.0.0.1:{server.server_port}"
    thread = threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    try:
        yield app
    finally:
        server.shutdown()
        server.server_close()
        thread.join(5)


def twiml(*verbs: str) -> str:
    return "<?xml version='1.0' encoding='UTF-8'?><Response>" + "".join(verbs) + "</Response>"
