"""The demo's counselors at their consoles: each signs in, and after a call writes the
wrap-up notes in a few (scaled) minutes, then takes calls again, as people do, rather
than sitting out the whole wrap-up timer.

They use the console over HTTP, as a person's browser does (the service's Redis is in
its own process): sign in, watch /console/state.json, file /console/wrapup.
"""

from __future__ import annotations

import http.cookiejar
import json
import random
import re
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass, field

NOTES_SECONDS = (60.0, 240.0)  # writing the notes, in talk-time seconds (scaled)
LEAST_NOTES = 2.0  # real seconds, however small the scale
POLL = 1.0  # seconds between two looks at each console
TOKEN = re.compile(r'name="csrf-token" content="([^"]+)"')


@dataclass
class Desk:
    """One counselor's browser: a cookie jar, and when their notes will be done."""

    name: str
    password: str
    opener: urllib.request.OpenerDirector = field(init=False)
    notes_done: dict[str, float] = field(default_factory=dict)  # call id -> monotonic time
    filed: int = 0

    def __post_init__(self) -> None:
        jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))


class Desks:
    """Every demo counselor's console, worked from one thread."""

    def __init__(
        self, base: str, accounts: list[tuple[str, str]], *, time_scale: float, seed: int
    ) -> None:
        self.base, self.time_scale = base, time_scale
        self.rng = random.Random(f"desks:{seed}")
        self.desks = [Desk(name, password) for name, password in accounts]
        self.stop = threading.Event()
        self.thread = threading.Thread(target=self._run, name="demo-desks", daemon=True)

    def start(self) -> None:
        self.thread.start()

    def close(self) -> None:
        self.stop.set()
        self.thread.join(timeout=5)

    @property
    def filed(self) -> int:
        return sum(d.filed for d in self.desks)

    def _run(self) -> None:
        signed_in: set[str] = set()
        while not self.stop.is_set():
            for desk in list(self.desks):
                try:
                    if desk.name not in signed_in:
                        self._sign_in(desk)
                        signed_in.add(desk.name)
                    self._look(desk)
                except urllib.error.HTTPError as exc:
                    if exc.code in (401, 403) and desk.name not in signed_in:
                        self.desks.remove(desk)  # the password was changed: leave it be
                    signed_in.discard(desk.name)
                except (OSError, ValueError):
                    signed_in.discard(desk.name)  # the service restarting, or not up yet
            self.stop.wait(POLL)

    def _get(self, desk: Desk, path: str) -> str:
        with desk.opener.open(self.base + path, timeout=5) as answer:
            return str(answer.read().decode("utf-8"))

    def _post(self, desk: Desk, path: str, form: dict[str, str]) -> None:
        data = urllib.parse.urlencode(form).encode()
        desk.opener.open(self.base + path, data=data, timeout=5).close()

    def _token(self, desk: Desk, path: str) -> str:
        found = TOKEN.search(self._get(desk, path))
        if found is None:
            raise ValueError(f"no form token on {path}")
        return found.group(1)

    def _sign_in(self, desk: Desk) -> None:
        token = self._token(desk, "/signin")
        self._post(
            desk, "/signin", {"csrf_token": token, "name": desk.name, "password": desk.password}
        )

    def _look(self, desk: Desk) -> None:
        state = json.loads(self._get(desk, "/console/state.json"))
        card = state.get("card") or {}
        call_id = card.get("call_id")
        if state.get("state") != "wrap_up" or not call_id:
            return
        now = time.monotonic()
        due = desk.notes_done.setdefault(call_id, now + self._notes())
        if now < due:
            return
        token = self._token(desk, "/console/")
        self._post(
            desk,
            "/console/wrapup",
            {
                "csrf_token": token,
                "call_id": call_id,
                "disposition": "support_given",
                "risk_level": "low",
                "after": "available",  # Take calls
            },
        )
        desk.filed += 1
        desk.notes_done.pop(call_id, None)

    def _notes(self) -> float:
        return max(LEAST_NOTES, self.rng.uniform(*NOTES_SECONDS) * self.time_scale)
