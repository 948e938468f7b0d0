"""One simulated call leg: what it is, what happened on it, and the flags that steer it.

Every field that other threads change (pending, hangup, released, dequeued_to) is
guarded by the simulator's condition; waits wake on it, so a redirect or a hang-up
interrupts a <Pause> at once, as on Twilio.
"""

from __future__ import annotations

import secrets
import threading
import time
from dataclasses import dataclass, field
from typing import Any

from hotline.devdouble.twilio.parties import Party


class Hangup(Exception):
    """The leg ends: reason is who ended it (caller, service, rest, partner, error, closed)."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


class Redirected(Exception):
    """A REST update asked the live leg to fetch new TwiML."""


class Dequeued(Exception):
    """A <Dial><Queue> took this leg out of its queue."""


class Left(Exception):
    """<Leave> in a queue's wait document."""


def new_sid(prefix: str = "CA") -> str:
    return prefix + secrets.token_hex(16)


@dataclass(frozen=True)
class Event:
    at: float  # Twilio seconds since the leg was created
    kind: str  # request, verb, say, play, pause, input, dial, dial_result, bridged, error, ...
    data: dict[str, Any]


@dataclass(frozen=True)
class Said:
    text: str
    language: str
    voice: str


@dataclass(frozen=True)
class Fetch:
    """Where the leg's next TwiML comes from: a URL, or inline TwiML (REST `Twiml`)."""

    url: str | None
    method: str = "POST"
    extra: dict[str, str] = field(default_factory=dict)
    twiml: str | None = None
    fallback: bool = False  # this is already the fallback request


@dataclass(eq=False)
class Room:
    """A conference, or the private bridge of a <Dial><Number> or a dequeued call."""

    name: str
    private: bool = False
    members: list[Leg] = field(default_factory=list)
    enders: list[Leg] = field(default_factory=list)
    ended: bool = False
    started: bool = False
    bridged_at: float | None = None  # when a second member joined
    sid: str = field(default_factory=lambda: new_sid("CF"))
    status_callback: str | None = None
    status_method: str = "POST"
    status_events: tuple[str, ...] = ()
    sequence: int = 0


@dataclass(eq=False)
class Leg:
    sid: str
    direction: str  # inbound, outbound-api, outbound-dial
    from_: str
    to: str
    party: Party
    account_sid: str
    time_scale: float
    parent_sid: str | None = None
    status: str = "queued"
    transcript: list[Event] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    outcome: str | None = None  # answered, overflowed, hung_up, ended, unanswered, failed
    hung_up_in: str | None = None  # ivr, hold or talk, when the party hung up
    ended_by: str | None = None
    partners: list[str] = field(default_factory=list)
    finished: bool = False
    answered_by: str | None = None
    phase: str = "ivr"
    created: float = field(default_factory=time.monotonic)
    answered_at: float | None = None
    ended_at: float | None = None
    # steering, guarded by the simulator's condition
    pending: Fetch | None = None
    hangup: str | None = None
    released: bool = False
    dequeued_to: Room | None = None
    room: Room | None = None
    patience_at: float | None = None
    hang_up_at: float | None = None
    final_status: str | None = None
    turns: int = 0
    # how the leg was set up (REST parameters, or the number's configuration)
    url: str | None = None
    method: str = "POST"
    twiml: str | None = None
    fallback_url: str | None = None
    fallback_method: str = "POST"
    status_callback: str | None = None
    status_method: str = "POST"
    status_events: tuple[str, ...] = ("completed",)
    timeout: float = 60.0
    machine_detection: bool = False
    sequence: int = 0
    cond: threading.Condition | None = field(default=None, repr=False)

    def twilio_params(self, status: str | None = None) -> dict[str, str]:
        """The parameters Twilio sends about this leg on every request it makes."""
        params = {
            "CallSid": self.sid,
            "AccountSid": self.account_sid,
            "From": self.from_,
            "To": self.to,
            "Caller": self.from_,
            "Called": self.to,
            "CallStatus": status or self.status,
            "Direction": self.direction,
            "ApiVersion": "2010-04-01",
        }
        if self.parent_sid:
            params["ParentCallSid"] = self.parent_sid
        if self.answered_by:
            params["AnsweredBy"] = self.answered_by
        return params

    @property
    def bridged_with(self) -> str | None:
        """The first party this leg talked to (a counselor, a backup line, a caller)."""
        return self.partners[0] if self.partners else None

    @property
    def said(self) -> list[Said]:
        return [
            Said(e.data["text"], e.data["language"], e.data["voice"])
            for e in self.transcript
            if e.kind == "say"
        ]

    @property
    def requests(self) -> list[str]:
        return [e.data["url"] for e in self.transcript if e.kind == "request"]

    def events(self, kind: str) -> list[Event]:
        return [e for e in self.transcript if e.kind == kind]

    def sim_seconds(self, since: float | None = None, until: float | None = None) -> float:
        start = self.created if since is None else since
        end = time.monotonic() if until is None else until
        return max(0.0, (end - start) / self.time_scale)

    def log(self, kind: str, /, **data: Any) -> None:
        event = Event(round(self.sim_seconds(), 3), kind, data)
        if self.cond is None:
            self.transcript.append(event)
            return
        with self.cond:  # whoever waits for an event on this leg wakes up
            self.transcript.append(event)
            self.cond.notify_all()

    def error(self, message: str) -> None:
        self.errors.append(message)
        self.log("error", message=message)

    def give_up_at(self) -> float | None:
        times = [t for t in (self.patience_at, self.hang_up_at) if t is not None]
        return min(times) if times else None

    def duration(self) -> int:
        """Whole seconds answered, as Twilio's CallDuration."""
        if self.answered_at is None:
            return 0
        return round(self.sim_seconds(self.answered_at, self.ended_at))
