"""Outbound calls and call redirects: one small interface, Twilio's REST client behind it.

`FakeTelephony` is the stand-in tests use: it records what would have been sent and can
never dial anyone.
"""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass, field
from typing import Any, Protocol

from twilio.base.exceptions import TwilioException, TwilioRestException

from hotline.config import Settings

log = logging.getLogger(__name__)


class TelephonyError(RuntimeError):
    """Twilio refused or could not be reached; the caller of this module decides what next."""


@dataclass(frozen=True)
class CallState:
    """Twilio's own view of a call, from its call log."""

    status: str  # queued, ringing, in-progress, completed, busy, no-answer, failed, canceled
    ended_at: float | None  # epoch seconds; None while it goes on


class Telephony(Protocol):
    def call(
        self,
        *,
        to: str,
        url: str,
        status_callback: str,
        timeout: int,
        machine_detection: bool = False,
    ) -> str:
        """Ring `to`; when answered, Twilio fetches `url`. Returns the new call's sid.

        With machine_detection, Twilio first tells a person from an answering machine and
        sends its verdict as AnsweredBy."""
        ...

    def redirect(self, call_sid: str, url: str) -> None:
        """Send a live call to new TwiML at `url` (e.g. from the hold loop to a conference)."""
        ...

    def hang_up(self, call_sid: str) -> None: ...

    def on_a_call(self, phone: str) -> bool:
        """Whether a call to `phone` is in progress now (Twilio's call log): after Redis
        lost its state, this tells a counselor still talking from one who is free."""
        ...

    def caller_number(self, call_sid: str) -> str | None:
        """The number a call came from, fetched from Twilio's call log (never stored here);
        None when Twilio does not know the call."""
        ...

    def call_state(self, call_sid: str) -> CallState | None:
        """A call's status and end from Twilio's call log; None when Twilio does not know
        it. How a call whose status callback was lost is found to have ended."""
        ...


class TwilioTelephony:
    def __init__(self, settings: Settings) -> None:
        from twilio.rest import Client  # start-up cost: only a process that dials loads it

        token = settings.twilio_auth_token.reveal() if settings.twilio_auth_token else ""
        self._client = Client(settings.twilio_account_sid, token)
        self._client.api.base_url = settings.twilio_api_url  # a local double in tests
        self._from = settings.twilio_number

    def call(
        self,
        *,
        to: str,
        url: str,
        status_callback: str,
        timeout: int,
        machine_detection: bool = False,
    ) -> str:
        extra = {"machine_detection": "Enable"} if machine_detection else {}
        try:
            created = self._client.calls.create(
                to=to,
                from_=self._from,
                url=url,
                method="POST",
                status_callback=status_callback,
                status_callback_method="POST",
                status_callback_event=["answered", "completed"],
                timeout=timeout,
                **extra,
            )
        except (TwilioException, OSError) as exc:
            raise TelephonyError(type(exc).__name__) from exc
        return str(created.sid)

    def redirect(self, call_sid: str, url: str) -> None:
        try:
            self._client.calls(call_sid).update(url=url, method="POST")
        except (TwilioException, OSError) as exc:
            raise TelephonyError(type(exc).__name__) from exc

    def hang_up(self, call_sid: str) -> None:
        try:
            self._client.calls(call_sid).update(status="completed")
        except (TwilioException, OSError) as exc:
            raise TelephonyError(type(exc).__name__) from exc

    def on_a_call(self, phone: str) -> bool:
        try:
            return bool(self._client.calls.list(to=phone, status="in-progress", limit=1))
        except (TwilioException, OSError) as exc:
            raise TelephonyError(type(exc).__name__) from exc

    def caller_number(self, call_sid: str) -> str | None:
        fetched = self._fetch(call_sid)
        number = getattr(fetched, "_from", None)  # CallInstance keeps "from" as `_from`
        return str(number) if number else None

    def call_state(self, call_sid: str) -> CallState | None:
        fetched = self._fetch(call_sid)
        if fetched is None:
            return None
        end = getattr(fetched, "end_time", None)
        return CallState(str(fetched.status), end.timestamp() if end is not None else None)

    def _fetch(self, call_sid: str) -> Any:
        """The call's CallInstance from Twilio's call log; None when Twilio does not know it."""
        try:
            return self._client.calls(call_sid).fetch()
        except TwilioRestException as exc:
            if exc.status == 404:
                return None
            raise TelephonyError(type(exc).__name__) from exc
        except (TwilioException, OSError) as exc:
            raise TelephonyError(type(exc).__name__) from exc


@dataclass
class FakeTelephony:
    """Records requests instead of sending them; `fail` makes every request raise."""

    calls: list[dict[str, object]] = field(default_factory=list)
    redirects: list[tuple[str, str]] = field(default_factory=list)
    hang_ups: list[str] = field(default_factory=list)
    numbers: dict[str, str] = field(default_factory=dict)  # call sid -> caller's number
    states: dict[str, CallState] = field(default_factory=dict)  # call sid -> Twilio's view
    fail: bool = False
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def call(
        self,
        *,
        to: str,
        url: str,
        status_callback: str,
        timeout: int,
        machine_detection: bool = False,
    ) -> str:
        with self._lock:
            if self.fail:
                raise TelephonyError("fake failure")
            sid = f"CA{len(self.calls):032x}"
            self.calls.append(
                {
                    "sid": sid,
                    "to": to,
                    "url": url,
                    "status_callback": status_callback,
                    "timeout": timeout,
                    "machine_detection": machine_detection,
                }
            )
            return sid

    def redirect(self, call_sid: str, url: str) -> None:
        with self._lock:
            if self.fail:
                raise TelephonyError("fake failure")
            self.redirects.append((call_sid, url))

    def hang_up(self, call_sid: str) -> None:
        with self._lock:
            self.hang_ups.append(call_sid)

    def on_a_call(self, phone: str) -> bool:
        """A call made to `phone` and not hung up counts as in progress."""
        with self._lock:
            if self.fail:
                raise TelephonyError("fake failure")
            return any(c["to"] == phone and c["sid"] not in self.hang_ups for c in self.calls)

    def caller_number(self, call_sid: str) -> str | None:
        with self._lock:
            if self.fail:
                raise TelephonyError("fake failure")
            return self.numbers.get(call_sid)

    def call_state(self, call_sid: str) -> CallState | None:
        with self._lock:
            if self.fail:
                raise TelephonyError("fake failure")
            return self.states.get(call_sid)
