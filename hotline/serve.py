"""Serving: gunicorn for `hotline web`; one process with threads for `hotline run`."""

from __future__ import annotations

import logging
import signal
import threading
from typing import Any

from hotline.config import Settings
from hotline.runtime import Runtime

log = logging.getLogger(__name__)


def serve_gunicorn(settings: Settings, *, bind: str, workers: int) -> None:
    # imported here: `hotline check` and `worker` need no web server (start-up cost)
    from gunicorn.app.base import BaseApplication

    from hotline.web import create_app

    class _App(BaseApplication):  # type: ignore[misc]
        def load_config(self) -> None:
            self.cfg.set("bind", bind)
            self.cfg.set("workers", workers)
            self.cfg.set("timeout", 30)
            # Each worker builds its own app and clients after the fork.
            self.cfg.set("preload_app", False)

        def load(self) -> Any:
            return create_app(settings)

    _App().run()


def run_all(settings: Settings, runtime: Runtime, *, host: str, port: int) -> None:
    """Web server in this thread; worker and scheduler in daemon threads; Ctrl-C stops all."""
    # imported here: `hotline check` and `worker` need no web server (start-up cost)
    from werkzeug.serving import make_server

    from hotline.jobs import run_worker
    from hotline.platform.redis import connect
    from hotline.scheduler import run_scheduler
    from hotline.web import create_app

    stop = threading.Event()
    app = create_app(settings, runtime=runtime)
    threads = [
        threading.Thread(
            target=run_worker,
            args=(runtime, connect(settings, blocking=True)),
            kwargs={"stop": stop, "in_thread": True},
            name="worker",
            daemon=True,
        ),
        threading.Thread(
            target=run_scheduler,
            args=(runtime,),
            kwargs={"stop": stop},
            name="scheduler",
            daemon=True,
        ),
    ]
    for thread in threads:
        thread.start()
    server = make_server(host, port, app, threaded=True)

    def _terminate(_signum: int, _frame: object) -> None:
        raise KeyboardInterrupt  # SIGTERM (how platforms stop a process) stops it as Ctrl-C does

    signal.signal(signal.SIGTERM, _terminate)
    # Python leaves SIGINT ignored when it started ignored, as it is for a process a shell
    # without job control starts in the background (`nohup hotline run &`, a CI script):
    # an interrupt must still stop the hotline cleanly, not leave it to be killed.
    signal.signal(signal.SIGINT, _terminate)
    log.info(
        "hotline running",
        extra={"url": f"http://{host}:{server.port}", "public_url": settings.public_url},
    )
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        stop.set()
        server.server_close()
        log.info("hotline stopped")
