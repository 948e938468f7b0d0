"""The Flask app factory. No app, client or connection exists until create_app is called."""

from __future__ import annotations

from flask import Flask

from hotline.config import Settings
from hotline.runtime import Runtime, build_runtime


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

    from hotline.web.health import bp as health_bp
    from hotline.web.metrics import bp as metrics_bp
    from hotline.web.voice import bp as voice_bp

    app.register_blueprint(health_bp)
    app.register_blueprint(metrics_bp)
    app.register_blueprint(voice_bp)
    return app
