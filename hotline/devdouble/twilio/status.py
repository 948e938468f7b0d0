"""Status callbacks, posted from one delivery thread as Twilio posts them: signed, numbered.

duplicate=True sends each twice; shuffle=True holds a call's callbacks until its last
one and sends them in a random order: what a webhook must survive in production.
"""

from __future__ import annotations

import email.utils
import math
import queue
import random
import threading
from dataclasses import dataclass
from datetime import UTC, datetime

import hotline.devdouble.twilio.webhooks as webhooks
from hotline.devdouble.twilio.legs import Leg

EVENT_STATUS = {"initiated": "initiated", "ringing": "ringing", "answered": "in-progress"}


@dataclass(frozen=True)
class StatusCallback:
    url: str
    method: str
    params: dict[str, str]
    status: int  # the service's HTTP answer (0: none)
    problem: str | None


@dataclass(frozen=True)
class _Item:
    url: str
    method: str
    params: dict[str, str]


class StatusDesk:
    def __init__(
        self,
        token: str,
        cond: threading.Condition,
        delivered: list[StatusCallback],
        *,
        duplicate: bool = False,
        shuffle: bool = False,
        seed: int = 0,
    ) -> None:
        self._token, self._cond, self._delivered = token, cond, delivered
        self._duplicate, self._shuffle = duplicate, shuffle
        self._random = random.Random(seed)
        self._held: dict[str, list[_Item]] = {}
        self._queue: queue.Queue[_Item | None] = queue.Queue()
        self._thread = threading.Thread(target=self._deliver, name="sim-status", daemon=True)
        self._thread.start()

    def event(self, leg: Leg, event: str, url: str, method: str) -> None:
        """Number and queue one callback for `event` (completed carries the final status)."""
        with self._cond:
            status = leg.status if event == "completed" else EVENT_STATUS[event]
            params = {
                **leg.twilio_params(status),
                "CallbackSource": "call-progress-events",
                "Timestamp": email.utils.format_datetime(datetime.now(UTC)),
                "SequenceNumber": str(leg.sequence),
            }
            leg.sequence += 1
            if event == "completed":
                seconds = leg.duration()
                params["CallDuration"] = str(seconds)
                params["Duration"] = str(math.ceil(seconds / 60))
            items = [_Item(url, method, params)] * (2 if self._duplicate else 1)
            if self._shuffle:
                self._held.setdefault(leg.sid, []).extend(items)
                items = []
        for item in items:
            self._queue.put(item)
        if event == "completed":
            self.flush(leg.sid)

    def send(self, url: str, method: str, params: dict[str, str]) -> None:
        for _ in range(2 if self._duplicate else 1):
            self._queue.put(_Item(url, method, params))

    def flush(self, sid: str) -> None:
        """The call is over: send what was held back for it, shuffled."""
        with self._cond:
            items = self._held.pop(sid, [])
            self._random.shuffle(items)
        for item in items:
            self._queue.put(item)

    def _deliver(self) -> None:
        while (item := self._queue.get()) is not None:
            answer = webhooks.request(item.url, item.method, item.params, self._token)
            problem = answer.problem or (None if answer.status == 200 else f"HTTP {answer.status}")
            with self._cond:
                self._delivered.append(
                    StatusCallback(item.url, item.method, item.params, answer.status, problem)
                )
                self._cond.notify_all()

    def close(self, timeout: float = 5.0) -> None:
        self._queue.put(None)
        self._thread.join(timeout)
