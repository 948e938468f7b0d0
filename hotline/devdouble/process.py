"""Running the hotline as a child process: wait until it answers, stop it as Ctrl-C does."""

from __future__ import annotations

import signal
import subprocess
import time
import urllib.request


def wait_healthy(base: str, proc: subprocess.Popen[bytes], timeout: float = 30) -> None:
    """Until GET /healthz answers 200; RuntimeError if the process dies first."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"hotline exited early with {proc.returncode}")
        try:
            with urllib.request.urlopen(base + "/healthz", timeout=1) as response:
                if response.status == 200:
                    return
        except OSError:
            pass
        time.sleep(0.05)  # the port is not open yet: there is no event to wait on
    raise TimeoutError(f"{base}/healthz never answered")


def stop(proc: subprocess.Popen[bytes], grace: float = 15) -> int:
    """SIGINT, as Ctrl-C; killed only if it has not stopped within `grace` seconds."""
    proc.send_signal(signal.SIGINT)
    try:
        proc.wait(grace)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()
    return proc.returncode
