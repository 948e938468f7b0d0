"""Shanghainese end to end, against the local Twilio: a caller who presses 4 reaches the
counselor who speaks it; with that counselor busy past the fallback step, a Mandarin
speaker (never the English one), who hears in the whisper that the caller chose
Shanghainese. A recording added to ivr_scripts/audio/wuu/ is played by its URL and
fetched from the hotline itself with year-long cache headers."""

from __future__ import annotations

import hashlib
import shutil
import urllib.request
from pathlib import Path

from hotline.devdouble.twilio import Caller, Phone, TwilioSim
from tests.conftest import ROOT
from tests.e2e.test_dispatch_sim import _clean, hotline_with_sim
from tests.support.audio import mp3_bytes
from tests.support.rules_text import step_after

WU, LI, ANA = "+14155550113", "+14155550105", "+14155550101"
ROSTER = f"""
timezone: UTC
counselors:
  - {{name: Wu, phone: "{WU}", languages: [wuu, zh], specialties: [suicide], always_on_call: true}}
  - {{name: Li, phone: "{LI}", languages: [zh], specialties: [suicide], always_on_call: true}}
  - {{name: Ana, phone: "{ANA}", languages: [en], specialties: [suicide], always_on_call: true}}
"""
# The urgent tier's steps in seconds (the service's clock is real): the Shanghainese
# speaker alone for 6 s, then a Mandarin speaker, then anyone from 40 s.
SHIPPED = (ROOT / "routing_rules.yaml").read_text()
# The urgent tier's language, fallback and anyone steps at 3, 6 and 40 s, whatever the
# shipped times (each shipped step line is the urgent tier's own).
FAST_STEPS = {
    f"{{require: [{need}], after: {step_after(SHIPPED, 'urgent', need)}}}": (
        f"{{require: [{need}], after: {after}}}"
    )
    for need, after in (("language", 3), ("fallback_language", 6), ("", 40))
}


def _rung(sim: TwilioSim) -> list[str | None]:
    return [
        r.params.get("To")
        for r in sim.rest_requests
        if r.method == "POST" and r.path.endswith("/Calls.json")
    ]


def test_a_shanghainese_caller_reaches_the_counselor_who_speaks_it(tmp_path: Path) -> None:
    with hotline_with_sim(tmp_path, ROSTER, rules_edits=FAST_STEPS) as sim:
        for number in (WU, LI, ANA):
            sim.add_phone(Phone(number, accept_key="1", hang_up_after=200))
        call = sim.place_call(Caller("+14155550177", digits=["4", "1"]))  # Shanghainese, suicide
        sim.wait_for(lambda: call.finished, timeout=60)
        assert call.outcome == "answered" and call.bridged_with == WU
        assert _rung(sim) == [WU]
        after_menu = [s.language for s in call.said][-3:]
        assert set(after_menu) == {"cmn-CN"}, "no recording yet: said in Mandarin"
        _clean(sim)


def test_with_that_counselor_busy_past_the_fallback_step_a_mandarin_speaker_answers(
    tmp_path: Path,
) -> None:
    with hotline_with_sim(tmp_path, ROSTER, rules_edits=FAST_STEPS) as sim:
        sim.add_phone(Phone(WU, accept_key="1"))  # talks until the caller hangs up
        sim.add_phone(Phone(LI, accept_key="1", hang_up_after=200))
        sim.add_phone(Phone(ANA, accept_key="1", hang_up_after=200))
        first = sim.place_call(Caller("+14155550177", digits=["4", "1"], hang_up_after=3000))
        sim.wait_for(lambda: first.bridged_with == WU, timeout=60)
        second = sim.place_call(Caller("+14155550178", digits=["4", "1"]))
        sim.wait_for(lambda: second.finished, timeout=60)
        assert second.outcome == "answered" and second.bridged_with == LI
        assert ANA not in _rung(sim), "English is no fallback for Shanghainese"
        li_leg = next(leg for leg in sim.calls if leg.to == LI)
        whisper = " ".join(s.text for s in li_leg.said)
        assert "上海话" in whisper, whisper  # the language the caller chose, in Mandarin
        assert not first.finished, "the Shanghainese speaker was still busy"
        sim.wait_for(lambda: first.finished, timeout=60)
        _clean(sim)


def test_a_recording_added_to_the_folder_is_played_by_url_and_served_with_cache_headers(
    tmp_path: Path,
) -> None:
    scripts = tmp_path / "ivr_scripts"
    shutil.copytree(ROOT / "ivr_scripts", scripts)
    (scripts / "audio" / "wuu").mkdir(parents=True)
    recording = mp3_bytes(2.0)
    (scripts / "audio" / "wuu" / "topic.mp3").write_bytes(recording)
    sha = hashlib.sha256(recording).hexdigest()
    with hotline_with_sim(tmp_path, ROSTER, rules_edits=FAST_STEPS, scripts=scripts) as sim:
        sim.add_phone(Phone(WU, accept_key="1", hang_up_after=200))
        call = sim.place_call(Caller("+14155550177", digits=["4", "1"]))
        sim.wait_for(lambda: call.finished, timeout=60)
        assert call.outcome == "answered" and call.bridged_with == WU
        played = [e.data["url"] for e in call.transcript if e.kind == "play"]
        url = f"{sim.service_url}/audio/wuu/topic.{sha[:16]}.mp3"
        assert played == [url], played  # the topic menu, once: the caller pressed at once
        with urllib.request.urlopen(url, timeout=10) as response:
            assert response.status == 200 and response.read() == recording
            assert response.headers["Content-Type"] == "audio/mpeg"
            assert response.headers["Cache-Control"] == "public, max-age=31536000, immutable"
        _clean(sim)
