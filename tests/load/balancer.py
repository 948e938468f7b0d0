"""A round-robin HTTP load balancer in front of several `hotline web` processes.

It is what a deployment puts between Twilio and its web processes: Twilio signs every
request for the one PUBLIC_URL, the balancer spreads them over the processes, and a
process that is down (restarting) is skipped, as nginx's `proxy_next_upstream error`
does: a request is only retried on another process when the first one refused the
connection, so it never runs twice. When every process refuses, it answers 502, which
the simulator counts as a 5xx.
"""

from __future__ import annotations

import http.client
import itertools
import threading
from collections import Counter
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

HOP_BY_HOP = {"connection", "keep-alive", "transfer-encoding", "te", "upgrade", "proxy-connection"}


class Balancer:
    def __init__(self, upstreams: list[int], *, timeout: float = 15.0) -> None:
        self.upstreams = list(upstreams)
        self.timeout = timeout
        self.served: Counter[int] = Counter()  # port -> requests answered by it
        self.skipped = 0  # connections refused, tried on the next process
        self._lock = threading.Lock()
        self._turn = itertools.count()
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self._server.daemon_threads = True
        self._thread = threading.Thread(
            target=self._server.serve_forever, args=(0.05,), name="balancer", daemon=True
        )
        self._thread.start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self._server.server_port}"

    def forward(
        self, method: str, path: str, headers: dict[str, str], body: bytes
    ) -> tuple[int, list[tuple[str, str]], bytes]:
        start = next(self._turn)
        n = len(self.upstreams)
        for i in range(n):
            port = self.upstreams[(start + i) % n]
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=self.timeout)
            try:
                conn.connect()
            except ConnectionRefusedError:
                with self._lock:
                    self.skipped += 1
                conn.close()
                continue
            try:
                conn.request(method, path, body=body or None, headers=headers)
                response = conn.getresponse()
                payload = response.read()
                with self._lock:
                    self.served[port] += 1
                return response.status, response.getheaders(), payload
            except (OSError, http.client.HTTPException) as error:
                return 502, [("Content-Type", "text/plain")], f"upstream {port}: {error}".encode()
            finally:
                conn.close()
        return 502, [("Content-Type", "text/plain")], b"no web process accepted the connection"

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        balancer = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def _proxy(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length) if length else b""
                headers = {k: v for k, v in self.headers.items() if k.lower() not in HOP_BY_HOP}
                status, out_headers, payload = balancer.forward(
                    self.command, self.path, headers, body
                )
                self.send_response(status)
                for name, value in out_headers:
                    if name.lower() not in HOP_BY_HOP | {"content-length", "date", "server"}:
                        self.send_header(name, value)
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)

            do_GET = do_POST = _proxy

            def log_message(self, format: str, *args: object) -> None:
                pass

        return Handler

    def close(self) -> None:
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(5)
