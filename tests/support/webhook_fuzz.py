"""Random webhooks as Twilio could send them, validly signed: random form fields and random
URL state (query values that are real, altered or nonsense), over every /voice/* route.

Shared by the seeded run in the suite (tests/integration/test_webhook_fuzz.py) and the
10,000-request run in benchmarks/bench_webhook_fuzz.py.
"""

from __future__ import annotations

import logging
import random
import string
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from urllib.parse import parse_qsl, urlencode, urlsplit

from tests.support.caller import Caller
from tests.support.desk import Desk
from tests.support.signing import sign
from tests.support.twiml import TwimlError, Verb, flat, parse

QUERY_KEYS = ("call", "s", "then", "offer", "counselor", "mode", "callback")
STATUSES = ("queued", "ringing", "in-progress", "completed", "busy", "no-answer", "failed")
STATUSES += ("canceled",)
NUMBERS = ("+14155550190", "+8613812345678", "+85223456789", "anonymous", "+1", "266696687")
# Status callbacks and a counselor's own legs: Twilio ignores the body of the first, and a
# counselor's leg may end with a word and a hang-up. Every other route answers a caller.
NOT_A_CALLER = ("/voice/status", "/voice/offer", "/voice/callback/status", "/voice/supervise")
NOT_A_CALLER += ("/voice/callback/unreached",)
KEEPS_GOING = {"Gather", "Redirect", "Dial", "Enqueue", "Conference", "Number"}
SPOKEN = {"Say", "Play"}


@dataclass
class Known:
    """Real URL state from the service, to be sent as it is or altered."""

    values: dict[str, list[str]] = field(default_factory=dict)

    def add(self, key: str, value: str) -> None:
        self.values.setdefault(key, []).append(value)


def _text(rng: random.Random) -> str:
    kind = rng.random()
    if kind < 0.3:
        return "".join(
            rng.choices(string.ascii_letters + string.digits + "-_=", k=rng.randint(0, 40))
        )
    if kind < 0.5:
        return "".join(chr(rng.randint(0x20, 0x2FFF)) for _ in range(rng.randint(1, 30)))
    if kind < 0.6:
        return "x" * rng.randint(200, 3000)
    if kind < 0.8:
        return str(rng.randint(-(10**12), 10**12))
    return rng.choice(["", " ", "null", "{}", "[]", "%00", "\x00", "../../etc", "<Say>hi</Say>"])


def _altered(rng: random.Random, value: str) -> str:
    if not value:
        return _text(rng)
    i = rng.randrange(len(value))
    how = rng.random()
    if how < 0.4:
        return value[:i] + rng.choice(string.ascii_letters) + value[i + 1 :]
    if how < 0.7:
        return value[:i]
    return value + value[i:]


def _query_value(rng: random.Random, key: str, known: Known) -> str:
    real = known.values.get(key, [])
    kind = rng.random()
    if real and kind < 0.45:
        return rng.choice(real)
    if real and kind < 0.7:
        return _altered(rng, rng.choice(real))
    if key == "then":
        return rng.choice(["backup", "", "voicemail"])
    if key == "mode":
        return rng.choice(["listen", "coach", "barge", ""])
    return _text(rng)


def _form(rng: random.Random, known: Known) -> dict[str, str]:
    choices = {
        "CallSid": lambda: (
            rng.choice(["CA" + "f" * 32, "CA" + rng.randbytes(16).hex()])
            if rng.random() < 0.8
            else _text(rng)
        ),
        "From": lambda: rng.choice(NUMBERS) if rng.random() < 0.8 else _text(rng),
        "To": lambda: rng.choice(NUMBERS),
        "Digits": lambda: (
            rng.choice(["1", "2", "3", "4", "7", "9", "0", "#", "*", "", "12"])
            if rng.random() < 0.8
            else _text(rng)
        ),
        "SpeechResult": lambda: (
            rng.choice(["I want to kill myself", "我想死", "just talk", ""])
            if rng.random() < 0.5
            else _text(rng)
        ),
        "Confidence": lambda: str(rng.random()) if rng.random() < 0.8 else _text(rng),
        "CallStatus": lambda: rng.choice(STATUSES) if rng.random() < 0.8 else _text(rng),
        "DialCallStatus": lambda: rng.choice(STATUSES) if rng.random() < 0.8 else _text(rng),
        "DialCallDuration": lambda: str(rng.randint(-5, 4000)),
        "CallDuration": lambda: str(rng.randint(-5, 4000)) if rng.random() < 0.8 else _text(rng),
        "SequenceNumber": lambda: str(rng.randint(-5, 50)) if rng.random() < 0.8 else _text(rng),
        "AnsweredBy": lambda: rng.choice(["human", "machine_start", "fax", "unknown", ""]),
        "ParentCallSid": lambda: "CA" + rng.randbytes(16).hex(),
    }
    return {k: make() for k, make in choices.items() if rng.random() < 0.5}


def random_webhook(
    rng: random.Random, routes: Sequence[str], known: Known
) -> tuple[str, dict[str, str]]:
    """(path with its query, form) for one signed request."""
    path = rng.choice(routes)
    keys = [k for k in QUERY_KEYS if rng.random() < 0.35]
    query = urlencode([(k, _query_value(rng, k, known)) for k in keys])
    return path + (f"?{query}" if query else ""), _form(rng, known)


def routes_the_caller(path: str, form: dict[str, str], verbs: Iterable[Verb]) -> bool:
    """A caller is never left in silence: the answer says something to them, or keeps the
    call going (a menu, a redirect, a dial, a room). Status callbacks and a counselor's legs
    are exempt (see NOT_A_CALLER), and so is the end of a conversation with a backup line
    (/voice/dialled after a dial that was answered and talked through: it hangs up)."""
    route = path.split("?")[0]
    if route.startswith(NOT_A_CALLER):
        return True
    if route == "/voice/dialled" and form.get("DialCallStatus") == "completed":
        return [v.name for v in verbs] == ["Hangup"]
    names = {v.name for v in flat(list(verbs))}
    return bool(names & KEEPS_GOING) or bool(names & SPOKEN)


@dataclass
class Tally:
    """What a fuzz run saw."""

    requests: int = 0
    statuses: Counter[int] = field(default_factory=Counter)
    by_route: Counter[str] = field(default_factory=Counter)
    server_errors: list[str] = field(default_factory=list)  # 5xx
    not_twiml: list[str] = field(default_factory=list)  # not a TwiML document Twilio reads
    silent: list[str] = field(default_factory=list)  # a caller left with nothing
    tracebacks: list[str] = field(default_factory=list)  # exceptions logged on the way

    def failures(self) -> list[str]:
        return [*self.server_errors, *self.not_twiml, *self.silent, *self.tracebacks]

    def summary(self) -> str:
        return (
            f"{self.requests} signed webhooks over {len(self.by_route)} routes: "
            f"statuses {dict(sorted(self.statuses.items()))}; 5xx {len(self.server_errors)}; "
            f"not TwiML {len(self.not_twiml)}; caller left in silence {len(self.silent)}; "
            f"tracebacks logged {len(self.tracebacks)}"
        )


class _Tracebacks(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.seen: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        if record.exc_info:
            self.seen.append(f"{record.getMessage()}: {record.exc_info[1]!r}"[:300])


def harvest(verbs: Iterable[Verb], known: Known) -> None:
    """Every query value in the URLs a TwiML document hands to Twilio, as real state."""
    for verb in flat(list(verbs)):
        urls = [verb.attrs.get(a, "") for a in ("action", "url", "statusCallback")]
        urls.append(verb.text if verb.name == "Redirect" else "")
        for url in urls:
            for key, value in parse_qsl(urlsplit(url).query):
                known.add(key, value)


def fuzz(desk: Desk, *, requests: int, seed: int, token: str, public_url: str) -> Tally:
    """`requests` signed random webhooks against the desk's app, with real state kept fresh
    (a caller queued and a counselor rung every 50 requests); returns the tally."""
    client = desk.client
    app = client.application  # type: ignore[attr-defined]
    routes = sorted(r.rule for r in app.url_map.iter_rules() if r.rule.startswith("/voice/"))
    rng = random.Random(seed)
    known, tally, catcher = Known(), Tally(), _Tracebacks()
    logging.getLogger().addHandler(catcher)
    try:
        for n in range(requests):
            if n % 50 == 0:
                _fresh_state(desk, known)
            url, form = random_webhook(rng, routes, known)
            signature = sign(public_url + url, form, token)
            response = client.post(url, data=form, headers={"X-Twilio-Signature": signature})  # type: ignore[attr-defined]
            tally.requests += 1
            tally.statuses[response.status_code] += 1
            tally.by_route[url.split("?")[0]] += 1
            where = f"{url} {form}"[:400]
            if response.status_code >= 500:
                tally.server_errors.append(f"{response.status_code} {where}")
                continue
            try:
                verbs = parse(response.get_data(as_text=True))
            except TwimlError as exc:
                tally.not_twiml.append(f"{exc} {where}")
                continue
            if response.status_code != 200 or not routes_the_caller(url, form, verbs):
                tally.silent.append(f"{response.status_code} {where}")
            harvest(verbs, known)
    finally:
        logging.getLogger().removeHandler(catcher)
    tally.tracebacks = catcher.seen
    return tally


def _fresh_state(desk: Desk, known: Known) -> None:
    """A caller through the menus into the queue, and a counselor rung for them."""
    from hotline.queue.dispatch import dispatch

    caller = Caller(
        desk.client, number="+1415555" + f"{len(known.values.get('call', [])):04d}"[-4:]
    )
    verbs = caller.call()
    harvest(verbs, known)
    verbs = caller.give(verbs, "1")
    harvest(verbs, known)
    harvest(caller.give(verbs, "1"), known)
    dispatch(desk.runtime)
    for call in desk.phone.calls[-3:]:
        for key, value in parse_qsl(urlsplit(str(call["url"])).query):
            known.add(key, value)
