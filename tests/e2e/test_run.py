"""`hotline run` serves signed webhooks with valid TwiML and stops cleanly on Ctrl-C."""

from __future__ import annotations

import json
import signal
import subprocess
import sys
import urllib.parse
import urllib.request
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.support.processes import free_port, hotline_env, hotline_run, wait_healthy
from tests.support.signing import sign
from tests.support.twiml import flat, parse

TOKEN = "e2e-auth-token"


def _post(url: str, form: dict[str, str], signature: str | None) -> tuple[int, str]:
    data = urllib.parse.urlencode(form).encode()
    request = urllib.request.Request(url, data=data, method="POST")
    if signature:
        request.add_header("X-Twilio-Signature", signature)
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode()


def test_hotline_run_answers_a_signed_call(tmp_path: Path) -> None:
    with hotline_run(tmp_path, {"TWILIO_AUTH_TOKEN": TOKEN}) as base:
        form = {
            "CallSid": "CA" + "c" * 32,
            "From": "+15551230002",
            "To": "+15005550006",
            "CallStatus": "ringing",
            "Direction": "inbound",
        }
        url = base + "/voice/incoming"
        status, body = _post(url, form, sign(url, form, TOKEN))
        assert status == 200
        verbs = flat(parse(body))
        assert verbs, "an answer the caller can follow"
        assert _post(url, form, None)[0] == 403
        assert _post(url, form, sign(url, form, "wrong"))[0] == 403
        with urllib.request.urlopen(base + "/healthz") as response:
            health = json.load(response)
        assert health["redis"] and health["database"]
    assert (tmp_path / "hotline.db").exists()


def _ignore_sigint() -> None:
    signal.signal(signal.SIGINT, signal.SIG_IGN)


@pytest.mark.parametrize(
    ("stop", "before"),
    [
        (signal.SIGTERM, None),  # how platforms stop a process
        # A shell without job control starts `hotline run &` with SIGINT ignored, and
        # Python keeps it ignored: the hotline still stops cleanly on an interrupt.
        (signal.SIGINT, _ignore_sigint),
    ],
    ids=["sigterm", "sigint-started-in-the-background"],
)
def test_hotline_run_stops_cleanly(
    tmp_path: Path, stop: signal.Signals, before: Callable[[], None] | None
) -> None:
    port = free_port()
    proc = subprocess.Popen(
        [sys.executable, "-m", "hotline.cli", "run", "--port", str(port)],
        env=hotline_env(tmp_path, TWILIO_AUTH_TOKEN=TOKEN),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        preexec_fn=before,
    )
    wait_healthy(f"http://127.0.0.1:{port}", proc)
    proc.send_signal(stop)
    assert proc.wait(15) == 0
