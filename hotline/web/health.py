"""GET /healthz: is this process able to reach Redis and the database?"""

from __future__ import annotations

from flask import Blueprint, current_app, jsonify
from flask.typing import ResponseReturnValue

from hotline.platform.db import ping as ping_database
from hotline.platform.redis import ping as ping_redis

bp = Blueprint("health", __name__)


@bp.get("/healthz")
def healthz() -> ResponseReturnValue:
    runtime = current_app.extensions["hotline"]
    checks = {"redis": ping_redis(runtime.redis), "database": ping_database(runtime.engine)}
    healthy = all(checks.values())
    body = {
        "status": "ok" if healthy else "degraded",
        **checks,
        "rules_version": runtime.rules.version,
        # The fallback URL answers either way: say so, for whoever reads this at 3 a.m.
        "fallback": "ready",
    }
    return jsonify(body), 200 if healthy else 503
