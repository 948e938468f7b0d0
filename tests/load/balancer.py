"""A round-robin HTTP load balancer in front of several `hotline web` processes.

It is what a deployment puts between Twilio and its web processes: Twilio signs every
request for the one PUBLIC_URL, the balancer spreads them over the processes, and a
process that is down is skipped, as nginx's `proxy_next_upstream error` does: a request
is only retried on another process when the first one refused the connection, so it never
runs twice. When every process refuses, it answers 502, which the simulator counts as a
5xx; so does a process that dies with a request in hand (nothing is retried then).

A rolling restart takes a process out first: `drain` sends it no new request and waits
for the ones it is serving to be answered; `restore` puts it back. `break_during` is the
other kind of web fault: the process dies while a request is in its hands.
"""

from __future__ import annotations

import http.client
import itertools
import threading
from collections import Counter
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

HOP_BY_HOP = {"connection", "keep-alive", "transfer-encoding", "te", "upgrade", "proxy-connection"}


class Balancer:
    def __init__(self, upstreams: list[int], *, timeout: float = 15.0) -> None:
        self.upstreams = list(upstreams)
        self.timeout = timeout
        self.served: Counter[int] = Counter()  # port -> requests answered by it
        self.skipped = 0  # connections refused, tried on the next process
        self._cond = threading.Condition()
        self._inflight: Counter[int] = Counter()  # port -> requests it is serving now
        self._out: set[int] = set()  # drained: sent no new request
        self._break: tuple[int, str, Callable[[], None]] | None = None
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

    # --- a rolling restart ---------------------------------------------------------------------

    def drain(self, port: int, timeout: float = 30.0) -> None:
        """Take `port` out: no new request goes to it; return once it serves none."""
        with self._cond:
            self._out.add(port)
            if not self._cond.wait_for(lambda: self._inflight[port] == 0, timeout):
                raise TimeoutError(f"port {port} still serving after {timeout} s")

    def restore(self, port: int) -> None:
        with self._cond:
            self._out.discard(port)

    # --- an abrupt death -----------------------------------------------------------------------

    def break_during(self, port: int, path: str, action: Callable[[], None]) -> None:
        """The next request for `path` that `port` takes runs `action` (a SIGKILL to it)
        once the kernel has accepted the connection and before the request is sent: the
        process dies with a connection it will never serve."""
        with self._cond:
            self._break = (port, path, action)

    @property
    def broken(self) -> bool:
        """Whether the armed break has happened."""
        with self._cond:
            return self._break is None

    def _take(self) -> list[int]:
        """The processes to try, in turn, leaving out the drained ones."""
        with self._cond:
            start = next(self._turn)
            n = len(self.upstreams)
            order = [self.upstreams[(start + i) % n] for i in range(n)]
            return [p for p in order if p not in self._out]

    def _break_for(self, port: int, path: str) -> Callable[[], None] | None:
        with self._cond:
            if self._break and self._break[0] == port and path.startswith(self._break[1]):
                action, self._break = self._break[2], None
                return action
            return None

    def forward(
        self, method: str, path: str, headers: dict[str, str], body: bytes
    ) -> tuple[int, list[tuple[str, str]], bytes]:
        for port in self._take():
            with self._cond:
                if port in self._out:
                    continue  # drained since the turn was taken
                self._inflight[port] += 1
            try:
                return self._one(port, method, path, headers, body)
            except ConnectionRefusedError:
                with self._cond:
                    self.skipped += 1
                continue
            finally:
                with self._cond:
                    self._inflight[port] -= 1
                    self._cond.notify_all()
        return 502, [("Content-Type", "text/plain")], b"no web process accepted the connection"

    def _one(
        self, port: int, method: str, path: str, headers: dict[str, str], body: bytes
    ) -> tuple[int, list[tuple[str, str]], bytes]:
        """One try on `port`; ConnectionRefusedError when it takes no connection."""
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=self.timeout)
        try:
            conn.connect()
            action = self._break_for(port, path)
            if action is not None:
                action()
            try:
                conn.request(method, path, body=body or None, headers=headers)
                response = conn.getresponse()
                payload = response.read()
            except (OSError, http.client.HTTPException) as error:
                return 502, [("Content-Type", "text/plain")], f"upstream {port}: {error}".encode()
            with self._cond:
                self.served[port] += 1
            return response.status, response.getheaders(), payload
        finally:
            conn.close()

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
