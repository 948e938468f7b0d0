"""TwilioSim: a local stand-in for Twilio that plays callers, phones and lines against the
service's real signed webhooks, and serves the Calls REST API on 127.0.0.1.

Start it before the service (its api_url goes into TWILIO_API_URL), then set
service_url once the service listens. All state sits behind one condition, which every
change notifies: tests wait on it with wait_for, never with sleeps.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from types import TracebackType

from werkzeug.serving import make_server

from hotline.devdouble.twilio.legs import Fetch, Leg, Room, new_sid
from hotline.devdouble.twilio.parties import Caller, Line, Party, Phone
from hotline.devdouble.twilio.rest import QuietHandler, RestApi, RestRequest
from hotline.devdouble.twilio.runner import Runner
from hotline.devdouble.twilio.status import StatusCallback, StatusDesk

DEFAULT_ACCOUNT = "AC" + "5" * 32


class TwilioSim:
    def __init__(
        self,
        service_url: str | None = None,
        *,
        account_sid: str = DEFAULT_ACCOUNT,
        auth_token: str = "sim-auth-token",
        number: str = "+15005550006",
        time_scale: float = 0.01,
        api_port: int = 0,
        duplicate_status: bool = False,
        shuffle_status: bool = False,
        seed: int = 0,
        voice_path: str = "/voice/incoming",
        status_path: str = "/voice/status",
        fallback_path: str = "/voice/fallback",
    ) -> None:
        self.service_url = service_url.rstrip("/") if service_url else None
        self.account_sid, self.auth_token, self.number = account_sid, auth_token, number
        self.time_scale = time_scale
        self.paths = (voice_path, status_path, fallback_path)
        self.cond = threading.Condition(threading.RLock())
        self.closing = False
        self.rest_requests: list[RestRequest] = []
        self.status_callbacks: list[StatusCallback] = []
        self.rooms: dict[str, Room] = {}
        self.queues: dict[str, list[Leg]] = {}
        self._legs: list[Leg] = []
        self._parties: dict[str, Party] = {}
        self._queue_sids: dict[str, str] = {}
        self._threads: list[threading.Thread] = []
        self._desk = StatusDesk(
            auth_token,
            self.cond,
            self.status_callbacks,
            duplicate=duplicate_status,
            shuffle=shuffle_status,
            seed=seed,
        )
        self._server = make_server(
            "127.0.0.1", api_port, RestApi(self), threaded=True, request_handler=QuietHandler
        )
        self._server_thread = threading.Thread(
            target=self._server.serve_forever, args=(0.05,), name="sim-rest", daemon=True
        )
        self._server_thread.start()

    # --- set-up ------------------------------------------------------------------------------

    @property
    def api_url(self) -> str:
        """Where the service's twilio client should go: TWILIO_API_URL."""
        return f"http://127.0.0.1:{self._server.server_port}"

    @property
    def voice_url(self) -> str:
        if not self.service_url:
            raise RuntimeError("set sim.service_url to the service's base URL first")
        return self.service_url + self.paths[0]

    def add_phone(self, phone: Phone) -> Phone:
        """A counselor's phone: rung by <Dial> or the REST API, it behaves as told."""
        self._register(phone)
        return phone

    def add_line(self, line: Line) -> Line:
        """An external line with a behaviour other than answering (busy, no-answer, AMD)."""
        self._register(line)
        return line

    def add_caller(self, caller: Caller) -> Caller:
        """Who answers when this number is called back (place_call registers its caller)."""
        self._register(caller)
        return caller

    def _register(self, party: Party) -> None:
        with self.cond:
            self._parties[party.number] = party

    def party_for(self, number: str) -> Party:
        """Who answers `number`: a registered party, else an external line that answers."""
        with self.cond:
            return self._parties.get(number) or Line(number)

    # --- calls ---------------------------------------------------------------------------------

    def place_call(self, caller: Caller, to: str | None = None) -> Leg:
        """An inbound call from `caller` to the hotline's number, through /voice/incoming."""
        self.voice_url  # noqa: B018 - fail now, not in the leg's thread
        with self.cond:
            self._parties.setdefault(caller.number, caller)
        leg = Leg(
            new_sid(),
            "inbound",
            caller.number,
            to or self.number,
            caller,
            self.account_sid,
            self.time_scale,
        )
        self._start(leg, Runner(self, leg).run_inbound)
        return leg

    def start_outbound(self, leg: Leg) -> None:
        self._start(leg, Runner(self, leg).run_outbound)

    def dialled_leg(self, parent: Leg, number: str, from_: str, attrs: dict[str, str]) -> Leg:
        """The callee leg of a <Dial><Number>: created ringing, answered or not by its party."""
        leg = Leg(
            new_sid(),
            "outbound-dial",
            from_,
            number,
            self.party_for(number),
            self.account_sid,
            self.time_scale,
            parent_sid=parent.sid,
            status="ringing",
        )
        leg.cond = self.cond
        if attrs.get("statusCallback"):
            leg.status_callback = attrs["statusCallback"]
            leg.status_method = attrs.get("statusCallbackMethod", "POST")
            leg.status_events = tuple(attrs.get("statusCallbackEvent", "completed").split())
        with self.cond:
            self._legs.append(leg)
            self.cond.notify_all()
        self.status_event(leg, "initiated")
        self.status_event(leg, "ringing")
        return leg

    def start_dialled(self, leg: Leg, whisper: Fetch | None, room: Room) -> None:
        runner = Runner(self, leg)
        runner.answer()
        self._spawn(leg, lambda: runner.run_dialled(whisper, room))

    def _start(self, leg: Leg, target: Callable[[], None]) -> None:
        leg.cond = self.cond
        with self.cond:
            if self.closing:
                raise RuntimeError("the simulator is closed")
            self._legs.append(leg)
            self.cond.notify_all()
        self._spawn(leg, target)

    def _spawn(self, leg: Leg, target: Callable[[], None]) -> None:
        thread = threading.Thread(target=target, name=f"sim-{leg.sid[:12]}", daemon=True)
        with self.cond:
            self._threads.append(thread)
        thread.start()

    def finish(self, leg: Leg, reason: str, status: str | None = None) -> None:
        """The leg is over: its final status and outcome, then its completed callback."""
        with self.cond:
            if leg.finished:
                return
            leg.ended_at, leg.ended_by, leg.room = time.monotonic(), reason, None
            if status:
                leg.final_status = status
            if leg.final_status:
                leg.status = leg.final_status
            elif leg.answered_at is not None:
                leg.status = "completed"
            else:
                leg.status = "failed" if reason == "error" else "canceled"
            if leg.outcome is None:
                if reason == "party":
                    leg.outcome, leg.hung_up_in = "hung_up", leg.phase
                elif reason == "error":
                    leg.outcome = "failed"
                elif leg.answered_at is None:
                    leg.outcome = "unanswered"
                else:
                    leg.outcome = "ended"
            leg.log("ended", by=reason, status=leg.status, outcome=leg.outcome)
            for members in self.queues.values():
                if leg in members:
                    members.remove(leg)
            leg.finished = True
            self.cond.notify_all()
        self.status_event(leg, "completed")

    def status_event(self, leg: Leg, event: str) -> None:
        events: tuple[str, ...]
        if leg.direction == "inbound":
            url = self.service_url + self.paths[1] if self.service_url else None
            method, events = "POST", ("completed",)  # a number's status callback: the end only
        else:
            url, method, events = leg.status_callback, leg.status_method, leg.status_events
        if url and event in events and not self.closing:
            self._desk.event(leg, event, url, method)
        elif event == "completed":
            self._desk.flush(leg.sid)

    def send_status(self, url: str, method: str, params: dict[str, str]) -> None:
        """A callback that is not a call's (a conference's): signed, delivered in order."""
        if not self.closing:
            self._desk.send(url, method, params)

    def fallback_for(self, leg: Leg) -> tuple[str, str] | None:
        """The inbound number's fallback URL; an API call's FallbackUrl; none for a <Dial> leg."""
        if leg.direction == "inbound" and self.service_url:
            return self.service_url + self.paths[2], "POST"
        if leg.fallback_url:
            return leg.fallback_url, leg.fallback_method
        return None

    def queue_sid(self, name: str) -> str:
        with self.cond:
            return self._queue_sids.setdefault(name, new_sid("QU"))

    # --- observing -----------------------------------------------------------------------------

    @property
    def calls(self) -> list[Leg]:
        with self.cond:
            return list(self._legs)

    def call(self, sid: str) -> Leg | None:
        with self.cond:
            return next((leg for leg in self._legs if leg.sid == sid), None)

    def wait_for(self, predicate: Callable[[], object], timeout: float = 30.0) -> None:
        """Block until predicate() is true (checked on every change); TimeoutError if not."""
        with self.cond:
            if not self.cond.wait_for(predicate, timeout):
                raise TimeoutError(f"not true within {timeout} s: {predicate}")

    def close(self) -> None:
        """Hang up every leg, stop the REST server and the status desk."""
        with self.cond:
            self.closing = True
            threads = list(self._threads)
            self.cond.notify_all()
        for thread in threads:
            thread.join(12)
        self._server.shutdown()
        self._server.server_close()
        self._server_thread.join(5)
        self._desk.close()

    def __enter__(self) -> TwilioSim:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()
