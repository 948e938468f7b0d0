"""Recorded prompts: a file put in ivr_scripts/audio/wuu/ is played by URL to a caller who
pressed the Shanghainese key, and fetched from the hotline itself, cacheable for a year."""

from __future__ import annotations

import hashlib
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from hotline.bootstrap import build_runtime
from hotline.config import Settings
from hotline.runtime import Runtime
from tests.conftest import PUBLIC_URL, ROOT
from tests.support.audio import mp3_bytes
from tests.support.caller import Caller
from tests.support.twiml import flat


@pytest.fixture
def recorded(settings: Settings, tmp_path: Path) -> Iterator[tuple[Runtime, bytes]]:
    scripts = tmp_path / "ivr_scripts"
    shutil.copytree(ROOT / "ivr_scripts", scripts)
    (scripts / "audio" / "wuu").mkdir(parents=True)
    content = mp3_bytes(1.5)
    (scripts / "audio" / "wuu" / "topic.mp3").write_bytes(content)
    runtime = build_runtime(settings.replace(ivr_scripts=scripts))
    runtime.redis.flushdb()
    yield runtime, content
    runtime.redis.flushdb()
    runtime.engine.dispose()


def test_a_recording_is_played_by_url_and_served_with_long_cache_headers(
    recorded: tuple[Runtime, bytes],
) -> None:
    from hotline.web import create_app

    runtime, content = recorded
    client = create_app(runtime.settings, runtime=runtime).test_client()
    caller = Caller(client)
    verbs = caller.give(caller.call(), "4")
    played = [v.text for v in flat(verbs) if v.name == "Play"]
    sha = hashlib.sha256(content).hexdigest()
    assert played == [f"{PUBLIC_URL}/audio/wuu/topic.{sha[:16]}.mp3"]
    said = " ".join(v.text for v in flat(verbs) if v.name == "Say")
    assert "不会录音" in said  # the unrecorded prompt before it, said in Mandarin

    path = played[0].removeprefix(PUBLIC_URL)
    response = client.get(path)  # no sign-in, no signature: Twilio fetches it plainly
    assert response.status_code == 200 and response.get_data() == content
    assert response.mimetype == "audio/mpeg"
    assert response.headers["Cache-Control"] == "public, max-age=31536000, immutable"
    again = client.get(path, headers={"If-None-Match": response.headers["ETag"]})
    assert again.status_code == 304

    stale = path.replace(sha[:16], "0" * 16)
    assert client.get(stale).status_code == 404
    assert client.get("/audio/wuu/..%2Fflow.yaml").status_code != 200  # never a script file
