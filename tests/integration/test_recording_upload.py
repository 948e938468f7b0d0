"""A supervisor uploads or replaces a recorded prompt from the editor: checked for type,
size and length, published as a new scripts version with its audit event, and played."""

from __future__ import annotations

import hashlib
import io

from flask import Flask
from flask.testing import FlaskClient

from hotline.ivr import Ask, CallerInput, Play, advance, start
from hotline.rules import publishing, versions
from hotline.runtime import Runtime
from tests.conftest import PUBLIC_URL
from tests.integration.web_support import csrf_token, signed_in_client
from tests.support.audio import mp3_bytes, wav_bytes


def _upload(client: FlaskClient, language: str, name: str, content: bytes) -> str:
    response = client.post(
        "/supervisor/recordings",
        data={
            "csrf_token": csrf_token(client),
            "language": language,
            "name": name,
            "file": (io.BytesIO(content), name),
        },
        content_type="multipart/form-data",
        follow_redirects=True,
    )
    assert response.status_code == 200
    return response.get_data(as_text=True)


def _topic_prompt(runtime: Runtime) -> object:
    script = runtime.scripts.current
    state, _ = start(script)
    _, step = advance(script, state, CallerInput(digits="4"))
    assert isinstance(step, Ask)
    return step.prompts[-1]


def test_an_upload_is_published_played_served_and_audited(app: Flask, runtime: Runtime) -> None:
    client = signed_in_client(app, runtime, "sue", "supervisor")
    page = client.get("/supervisor/recordings").get_data(as_text=True)
    assert "messages.hold" in page and "topic" in page  # still said in Mandarin
    before = publishing.in_force(runtime, versions.IVR).number

    content = mp3_bytes(3.0, tag=b"first")
    page = _upload(client, "wuu", "topic.mp3", content)
    assert f"topic.mp3 is in force, in scripts version {before + 1}." in page
    sha = hashlib.sha256(content).hexdigest()
    url = f"{PUBLIC_URL}/audio/wuu/topic.{sha[:16]}.mp3"
    assert _topic_prompt(runtime) == Play(url)
    served = app.test_client().get(url.removeprefix(PUBLIC_URL))
    assert served.status_code == 200 and served.get_data() == content
    assert "immutable" in served.headers["Cache-Control"]

    replacement = wav_bytes(2.0)
    _upload(client, "wuu", "topic.wav", replacement)  # another file name: not this prompt
    assert _topic_prompt(runtime) == Play(url)
    again = mp3_bytes(2.0, tag=b"second")
    _upload(client, "wuu", "topic.mp3", again)
    new_sha = hashlib.sha256(again).hexdigest()
    assert _topic_prompt(runtime) == Play(f"{PUBLIC_URL}/audio/wuu/topic.{new_sha[:16]}.mp3")
    assert app.test_client().get(url.removeprefix(PUBLIC_URL)).status_code == 200  # old calls

    audit = [a for a in publishing.audit_log(runtime) if a.action == "ivr.recording"]
    assert [a.detail["recording"] for a in audit] == [  # newest first
        "audio/wuu/topic.mp3",
        "audio/wuu/topic.wav",
        "audio/wuu/topic.mp3",
    ]
    assert all(a.actor == "sue" for a in audit)
    page = client.get("/supervisor/recordings").get_data(as_text=True)
    assert "topic.mp3" in page and new_sha[:12] in page


def test_a_file_that_is_not_a_fit_recording_is_refused_and_nothing_changes(
    app: Flask, runtime: Runtime
) -> None:
    client = signed_in_client(app, runtime, "sue", "supervisor")
    before = publishing.in_force(runtime, versions.IVR).number
    cases = [
        ("topic.mp3", b"not sound at all" * 100, "not an MP3 file"),
        ("topic.wav", b"RIFF....WAVEfmt " + bytes(100), "not a WAV file"),
        ("topic.ogg", wav_bytes(), "lowercase letters"),
        ("topic.wav", wav_bytes(0.1), "lasts under"),
        ("topic.mp3", mp3_bytes(75), "at most 60 s"),
    ]
    for name, content, reason in cases:
        page = _upload(client, "wuu", name, content)
        assert "Refused:" in page and reason in page, (name, reason)
    too_big = client.post(
        "/supervisor/recordings",
        data={
            "csrf_token": csrf_token(client),
            "language": "wuu",
            "name": "topic.wav",
            "file": (io.BytesIO(bytes(3 * 1024 * 1024)), "topic.wav"),
        },
        content_type="multipart/form-data",
    )
    assert too_big.status_code == 413
    assert publishing.in_force(runtime, versions.IVR).number == before


def test_a_counselor_cannot_upload(app: Flask, runtime: Runtime) -> None:
    client = signed_in_client(app, runtime, "cal", "counselor")
    response = client.get("/supervisor/recordings")
    assert response.status_code in (302, 403)
