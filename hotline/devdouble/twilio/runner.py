"""Drive one leg through its life: ring, fetch TwiML, follow it verb by verb, end.

Each leg runs in its own thread. Waits are on the simulator's one condition, so any
change made by another thread (a REST redirect, the other side hanging up, a dequeue)
wakes the leg at once: no sleep loops.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from typing import TYPE_CHECKING
from urllib.parse import urljoin

import hotline.devdouble.twilio.rooms as rooms
import hotline.devdouble.twilio.verbs as verbs
import hotline.devdouble.twilio.webhooks as webhooks
from hotline.devdouble.twilio.legs import Dequeued, Fetch, Hangup, Leg, Redirected, Room
from hotline.devdouble.twilio.parties import Caller, ring
from hotline.devdouble.twilio.twiml import TwimlError, Verb, parse

if TYPE_CHECKING:
    from hotline.devdouble.twilio.core import TwilioSim

log = logging.getLogger(__name__)


class Runner:
    def __init__(self, sim: TwilioSim, leg: Leg) -> None:
        self.sim, self.leg = sim, leg
        self.said_here: list[str] = []  # what this document said so far (for Caller functions)
        self.in_queue = False
        self.last_url: str | None = None

    # --- waiting ---------------------------------------------------------------------

    def check(self) -> None:
        """Raise whatever another thread has decided for this leg. Call with the lock held."""
        sim, leg = self.sim, self.leg
        if sim.closing:
            raise Hangup("closed")
        if leg.hangup:
            raise Hangup(leg.hangup)
        give_up = leg.give_up_at()
        if give_up is not None and time.monotonic() >= give_up:
            raise Hangup("party")
        if leg.pending is not None:
            raise Redirected
        if leg.dequeued_to is not None and self.in_queue:
            raise Dequeued

    def wait(self, seconds: float | None, until: Callable[[], bool] | None = None) -> bool:
        """Wait `seconds` (Twilio time) or until `until()`; True if `until` came true."""
        sim, leg = self.sim, self.leg
        end = None if seconds is None else time.monotonic() + max(0.0, seconds) * sim.time_scale
        with sim.cond:
            while True:
                self.check()
                if until is not None and until():
                    return True
                now = time.monotonic()
                if end is not None and now >= end:
                    return False
                limits = [t for t in (end, leg.give_up_at()) if t is not None]
                sim.cond.wait(max(0.0, min(limits) - now) if limits else None)

    def enter_hold(self) -> None:
        """The caller is now waiting for a person: their patience starts to run."""
        leg = self.leg
        with self.sim.cond:
            if leg.phase != "ivr":
                return
            leg.phase = "hold"
            if isinstance(leg.party, Caller) and leg.party.patience is not None:
                leg.patience_at = time.monotonic() + leg.party.patience * self.sim.time_scale

    # --- lives of a leg -------------------------------------------------------------------

    def run_inbound(self) -> None:
        def body() -> None:
            self.start_clock()
            self.set_status("ringing")
            self.follow(Fetch(self.sim.voice_url))

        self._lifecycle(body)

    def run_outbound(self) -> None:
        """A call made through the REST API: queued, ringing, answered (or not), then TwiML."""
        leg = self.leg

        def body() -> None:
            self.sim.status_event(leg, "initiated")
            self.set_status("ringing")
            self.sim.status_event(leg, "ringing")
            result, after = ring(leg.party, leg.timeout)
            self.wait(after)
            if result != "answer":
                leg.final_status = result
                raise Hangup("unanswered")
            self.answer()
            with self.sim.cond:
                start = Fetch(leg.url, leg.method, twiml=leg.twiml)
            self.follow(start)

        self._lifecycle(body)

    def run_dialled(self, whisper: Fetch | None, room: Room) -> None:
        """The callee of a <Dial><Number>, answered: the whisper runs, then the bridge."""

        def body() -> None:
            if whisper is not None:
                self.follow(whisper)
            with self.sim.cond:
                if room.ended:
                    raise Hangup("partner")
            rooms.join(self, room)
            try:
                rooms.stay(self)
            finally:
                rooms.leave(self)
            raise Hangup("partner")

        self._lifecycle(body)

    def _lifecycle(self, body: Callable[[], None]) -> None:
        reason = "service"  # ran off the end of its TwiML
        try:
            body()
        except Hangup as stop:
            reason = stop.reason
        except Exception as fault:  # a simulator bug must show up on the call, not vanish
            log.exception("simulated leg %s failed", self.leg.sid)
            self.leg.error(f"simulator fault: {fault!r}")
            reason = "error"
        finally:
            self.sim.finish(self.leg, reason)

    def set_status(self, status: str) -> None:
        with self.sim.cond:
            self.leg.status = status
            self.sim.cond.notify_all()

    def start_clock(self) -> None:
        """A Caller's hang_up_after counts from the start of their call."""
        party = self.leg.party
        if isinstance(party, Caller) and party.hang_up_after is not None:
            with self.sim.cond:
                if self.leg.hang_up_at is None:
                    delay = party.hang_up_after * self.sim.time_scale
                    self.leg.hang_up_at = time.monotonic() + delay

    def answer(self) -> None:
        self.start_clock()
        leg = self.leg
        with self.sim.cond:
            leg.status = "in-progress"
            leg.answered_at = time.monotonic()
            if leg.machine_detection:
                leg.answered_by = getattr(leg.party, "answered_by", "human")
            self.sim.cond.notify_all()
        self.sim.status_event(leg, "answered")

    # --- following TwiML -------------------------------------------------------------------

    def follow(self, start: Fetch | None) -> None:
        """Fetch and run documents until one ends the call or runs out (which ends it too)."""
        fetch = start
        while fetch is not None:
            try:
                fetch = self.document(fetch)
            except Redirected:
                with self.sim.cond:
                    fetch, self.leg.pending = self.leg.pending, None
                if fetch is not None:
                    self.leg.log("redirected", url=fetch.url, twiml=fetch.twiml)

    def document(self, fetch: Fetch) -> Fetch | None:
        loaded = self.load(fetch)
        if loaded is None:
            raise Hangup("error")
        found, base = loaded
        self.said_here = []
        for verb in found:
            with self.sim.cond:
                self.check()
            after = self.run_verb(verb, base)
            if after is not None:
                return after
        return None

    def run_verb(self, verb: Verb, base: str | None) -> Fetch | None:
        return verbs.run(self, verb, base)

    def resolve(self, target: str, base: str | None) -> str:
        return urljoin(base or self.last_url or self.sim.service_url or "", target)

    def params(self) -> dict[str, str]:
        return self.leg.twilio_params()

    def post(self, fetch: Fetch) -> webhooks.Answer:
        """A request whose answer is not followed (e.g. a <Dial> action after a hang-up)."""
        assert fetch.url is not None
        params = {**self.params(), **fetch.extra}
        self.leg.log("request", url=fetch.url, method=fetch.method, params=params)
        answer = webhooks.request(fetch.url, fetch.method, params, self.sim.auth_token)
        self.leg.log("response", url=answer.url, status=answer.status, body=answer.body)
        if answer.problem or answer.status != 200:
            self.leg.error(answer.problem or f"HTTP {answer.status} from {answer.url}")
        return answer

    def load(self, fetch: Fetch) -> tuple[list[Verb], str | None] | None:
        """The verbs to run, from the URL or inline; on failure, the fallback URL's (or None)."""
        if fetch.twiml is not None:
            text, base = fetch.twiml, self.last_url
        else:
            answer = self.post(fetch)
            if answer.problem or answer.status != 200:
                return self._fallback(fetch, "11200", answer.url)
            text, base = answer.body, fetch.url
            self.last_url = fetch.url
        try:
            found = parse(text)
        except TwimlError as error:
            self.leg.error(f"invalid TwiML from {fetch.url or 'Twiml'}: {error}")
            return self._fallback(fetch, "12100", fetch.url or "")
        leg = self.leg
        if leg.direction == "inbound" and leg.status == "ringing":
            if found and found[0].name == "Reject":
                return found, base
            self.answer()
        return found, base

    def _fallback(self, failed: Fetch, code: str, url: str) -> tuple[list[Verb], str | None] | None:
        fallback = self.sim.fallback_for(self.leg)
        if failed.fallback or fallback is None:
            return None
        extra = {**failed.extra, "ErrorCode": code, "ErrorUrl": url}
        return self.load(Fetch(fallback[0], fallback[1], extra=extra, fallback=True))
