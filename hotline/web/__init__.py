"""The Flask app factory. No app, client or connection exists until create_app is called."""

from __future__ import annotations

import importlib
import importlib.util

from flask import Flask, request
from flask_wtf.csrf import CSRFProtect
from werkzeug.middleware.proxy_fix import ProxyFix

from hotline.bootstrap import build_runtime
from hotline.config import Settings
from hotline.ivr.audio_format import UPLOAD_LIMIT
from hotline.runtime import Runtime
from hotline.web import auth, i18n
from hotline.web.audio import bp as audio_bp
from hotline.web.health import bp as health_bp
from hotline.web.metrics import bp as metrics_bp
from hotline.web.security import send_security_headers
from hotline.web.voice import bp as voice_bp


def create_app(settings: Settings, *, runtime: Runtime | None = None) -> Flask:
    runtime = runtime or build_runtime(settings)
    app = Flask(__name__)
    app.config.update(
        SECRET_KEY=settings.secret_key.reveal() if settings.secret_key else None,
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        SESSION_COOKIE_SECURE=not settings.local,
        MAX_CONTENT_LENGTH=64 * 1024,  # Twilio's webhooks are small; refuse anything else
    )
    app.extensions["hotline"] = runtime
    if settings.trusted_proxies:
        # Behind N reverse proxies: the client's address (the sign-in lock-out counts per
        # address), scheme and host are the ones the nearest N proxies say. Without this
        # setting the headers are ignored, so nobody can pretend to another address.
        # Twilio's signatures do not depend on it: they are checked against PUBLIC_URL.
        n = settings.trusted_proxies
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=n, x_proto=n, x_host=n)  # type: ignore[method-assign]

    app.register_blueprint(audio_bp)
    app.register_blueprint(health_bp)
    app.register_blueprint(metrics_bp)
    app.register_blueprint(voice_bp)
    app.before_request(_room_for_recordings)  # before CSRF reads the form
    _pages(app)
    send_security_headers(app, production=not settings.local)
    return app


def _room_for_recordings() -> None:
    """A recording upload may be larger than the app's 64 KB limit for everything else."""
    if request.endpoint == "supervisor.recordings_upload":
        request.max_content_length = UPLOAD_LIMIT


# The pages people sign in to, in the order of the top bar. Each module has a blueprint
# `bp` and may list its top-bar links in `NAV`. The supervisor and admin pages are
# registered once their modules exist.
PAGES = ("hotline.web.auth", "hotline.web.console", "hotline.web.supervisor", "hotline.web.admin")


def _pages(app: Flask) -> None:
    """Sign-in, CSRF on every form, the two languages, and the pages themselves."""
    app.config.update(
        WTF_CSRF_TIME_LIMIT=None,  # the token lives as long as the session (a night shift)
        PERMANENT_SESSION_LIFETIME=12 * 3600,
    )
    csrf = CSRFProtect(app)
    for name in auth.MACHINE_BLUEPRINTS:  # signed by Twilio or guarded by a token instead
        csrf.exempt(app.blueprints[name])
    i18n.init_app(app)
    auth.init_app(app)
    nav: list[auth.NavItem] = []
    for module_name in PAGES:
        if importlib.util.find_spec(module_name) is None:
            continue
        module = importlib.import_module(module_name)
        app.register_blueprint(module.bp)
        nav.extend(getattr(module, "NAV", ()))
    app.config["HOTLINE_NAV"] = nav
