"""GET /metrics for Prometheus. Queue, counselors and counters are read from live state at
scrape time, so every web process answers the same; webhook latency is measured in the
process that served each request (see `WebhookLatency`). Closed unless METRICS_TOKEN is
set, and then only with that bearer token.
"""

from __future__ import annotations

import hmac
import time
from collections.abc import Iterator

from flask import Blueprint, Flask, Response, abort, current_app, g, request
from flask.blueprints import BlueprintSetupState
from prometheus_client import CollectorRegistry, Histogram, generate_latest, values
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily, Metric
from prometheus_client.multiprocess import MultiProcessCollector
from prometheus_client.registry import Collector

from hotline.platform.counters import counters
from hotline.runtime import Runtime

bp = Blueprint("metrics", __name__)

# Twilio waits 15 s for a webhook; a caller hears silence for as long as we take.
LATENCY_BUCKETS = (0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 15.0)
_EXTENSION = "hotline_latency"


class WebhookLatency:
    """Seconds spent answering each /voice/* webhook, by route pattern (never the query
    string, so never a call id).

    Each process keeps its own histogram. Under gunicorn with several workers, set
    PROMETHEUS_MULTIPROC_DIR (an empty folder, emptied at each deploy) in the web
    processes' environment: prometheus_client then keeps the figures in files there and a
    scrape of any worker sums them all. Without it, a scrape shows only the worker that
    answered it.
    """

    def __init__(self) -> None:
        self.registry = CollectorRegistry(auto_describe=True)
        self.histogram = Histogram(
            "hotline_webhook_seconds",
            "Time to answer a Twilio webhook, by route",
            labelnames=["route"],
            buckets=LATENCY_BUCKETS,
            registry=self.registry,
        )

    def observe(self, route: str, seconds: float) -> None:
        self.histogram.labels(route=route).observe(seconds)

    def register_in(self, registry: CollectorRegistry) -> None:
        """Add these figures to a scrape: every process's, when in multiprocess mode."""
        if multiprocess():
            MultiProcessCollector(registry)  # type: ignore[no-untyped-call]
        else:
            registry.register(self.histogram)


def multiprocess() -> bool:
    """prometheus_client chose file-backed values (PROMETHEUS_MULTIPROC_DIR was set)."""
    return values.ValueClass is not values.MutexValue


@bp.record_once
def _install(state: BlueprintSetupState) -> None:
    """Registering this blueprint also times every webhook of the app."""
    state.app.extensions[_EXTENSION] = WebhookLatency()


@bp.before_app_request
def _start_clock() -> None:
    g.hotline_started = time.perf_counter()


@bp.after_app_request
def _stop_clock(response: Response) -> Response:
    rule = request.url_rule
    started = g.get("hotline_started")
    if rule is not None and started is not None and rule.rule.startswith("/voice/"):
        latency(current_app).observe(rule.rule, time.perf_counter() - started)
    return response


def latency(app: Flask) -> WebhookLatency:
    found: WebhookLatency = app.extensions[_EXTENSION]
    return found


class LiveCollector(Collector):
    def __init__(self, runtime: Runtime) -> None:
        self.runtime = runtime

    def collect(self) -> Iterator[Metric]:
        runtime, now = self.runtime, time.time()
        depth = runtime.queue.depth(runtime.rules.tier_order)
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
        for counselor in runtime.presence.all():
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
    registry.register(LiveCollector(runtime))
    latency(current_app).register_in(registry)
    return Response(generate_latest(registry), mimetype="text/plain; version=0.0.4")
