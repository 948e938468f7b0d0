"""GET /metrics for Prometheus, read from live state at scrape time, so every web process
answers the same. Closed unless METRICS_TOKEN is set, and then only with that bearer token.
"""

from __future__ import annotations

import hmac
import time
from collections.abc import Iterator

from flask import Blueprint, Response, abort, current_app, request
from prometheus_client import CollectorRegistry, generate_latest
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily, Metric

from hotline.live.counters import counters
from hotline.live.presence import Presence
from hotline.live.queue import LiveQueue
from hotline.runtime import Runtime

bp = Blueprint("metrics", __name__)


class LiveCollector:
    def __init__(self, runtime: Runtime) -> None:
        self.runtime = runtime

    def collect(self) -> Iterator[Metric]:
        runtime, now = self.runtime, time.time()
        depth = LiveQueue(runtime.redis).depth(runtime.rules.tier_order)
        waiting = GaugeMetricFamily(
            "hotline_callers_waiting", "Callers in the queue", labels=["tier"]
        )
        longest = GaugeMetricFamily(
            "hotline_longest_wait_seconds", "Longest current wait", labels=["tier"]
        )
        for tier, (n, oldest) in depth.items():
            waiting.add_metric([tier], n)
            longest.add_metric([tier], max(0.0, now - oldest) if oldest is not None else 0.0)
        yield waiting
        yield longest
        states = GaugeMetricFamily("hotline_counselors", "Counselors by state", labels=["state"])
        by_state: dict[str, int] = {}
        for counselor in Presence(runtime.redis).all():
            by_state[counselor.state.value] = by_state.get(counselor.state.value, 0) + 1
        for state, n in sorted(by_state.items()):
            states.add_metric([state], n)
        yield states
        for name, value in counters(runtime.redis).items():
            family = CounterMetricFamily(f"hotline_{name}", name.replace("_", " ").capitalize())
            family.add_metric([], value)
            yield family


@bp.get("/metrics")
def metrics() -> Response:
    runtime: Runtime = current_app.extensions["hotline"]
    token = runtime.settings.metrics_token.reveal() if runtime.settings.metrics_token else ""
    given = request.headers.get("Authorization", "").removeprefix("Bearer ").strip()
    if not token or not hmac.compare_digest(given.encode(), token.encode()):
        abort(403)
    registry = CollectorRegistry(auto_describe=False)
    registry.register(LiveCollector(runtime))  # type: ignore[arg-type]
    return Response(generate_latest(registry), mimetype="text/plain; version=0.0.4")
