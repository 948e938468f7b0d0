"""The whole hotline against the local Twilio: real `hotline run`, signed webhooks, the REST
API, counselors' phones ringing and pressing keys, both legs bridged in a conference.
"""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from hotline.devdouble.twilio import Caller, Line, Phone, TwilioSim
from hotline.routing.rules import load_rules
from tests.support.processes import ROOT, hotline_env, hotline_run

SID, TOKEN = "AC" + "e" * 32, "e2e-dispatch-token"
LI, ANA, ZHANG = "+14155550105", "+14155550101", "+14155550106"
ROSTER = f"""
timezone: UTC
counselors:
  - {{name: Ana, phone: "{ANA}", languages: [en], specialties: [suicide], always_on_call: true}}
  - {{name: Li, phone: "{LI}", languages: [zh, en], specialties: [suicide], always_on_call: true}}
  - {{name: Zhang, phone: "{ZHANG}", languages: [zh], specialties: [youth], always_on_call: true}}
"""


@contextmanager
def hotline_with_sim(
    tmp_path: Path,
    roster: str,
    *,
    rules_edits: dict[str, str] | None = None,
    scripts: Path | None = None,
) -> Iterator[TwilioSim]:
    rules = (ROOT / "routing_rules.yaml").read_text().replace("wrap_up: 120", "wrap_up: 1")
    for old, new in (rules_edits or {}).items():
        assert old in rules, old
        rules = rules.replace(old, new)
    (tmp_path / "rules.yaml").write_text(rules)
    sim = TwilioSim(account_sid=SID, auth_token=TOKEN, time_scale=0.01)
    env = {
        "TWILIO_AUTH_TOKEN": TOKEN,
        "TWILIO_ACCOUNT_SID": SID,
        "TWILIO_API_URL": sim.api_url,
        "TWILIO_NUMBER": sim.number,
        "ROUTING_RULES": str(tmp_path / "rules.yaml"),
        **({"IVR_SCRIPTS": str(scripts)} if scripts is not None else {}),
    }
    (tmp_path / "roster.yaml").write_text(roster)
    for command in (["db", "upgrade"], ["roster", "import", str(tmp_path / "roster.yaml")]):
        subprocess.run(
            [sys.executable, "-m", "hotline.cli", *command],
            check=True,
            cwd=ROOT,
            env=hotline_env(tmp_path, **env),
            capture_output=True,
        )
    try:
        with hotline_run(tmp_path, env) as base:
            sim.service_url = base
            yield sim
    finally:
        sim.close()


def _clean(sim: TwilioSim) -> None:
    for leg in sim.calls:
        assert not leg.errors, (leg.sid, leg.errors)
    assert all(cb.status == 200 for cb in sim.status_callbacks), "every status callback taken"


def test_a_mandarin_caller_on_suicide_reaches_the_mandarin_suicide_specialist(
    tmp_path: Path,
) -> None:
    with hotline_with_sim(tmp_path, ROSTER) as sim:
        for number in (ANA, LI, ZHANG):
            sim.add_phone(Phone(number, accept_key="1", hang_up_after=200))
        call = sim.place_call(Caller("+14155550177", digits=["2", "1"]))
        sim.wait_for(lambda: call.finished, timeout=60)
        assert call.outcome == "answered"
        assert call.bridged_with == LI
        languages = [s.language for s in call.said]
        welcome_end = max(i for i, lang in enumerate(languages) if lang == "yue-HK")
        assert set(languages[welcome_end + 1 :]) == {"cmn-CN"}, "Mandarin after choosing it"
        rung = [
            r.params.get("To")
            for r in sim.rest_requests
            if r.method == "POST" and r.path.endswith("/Calls.json")
        ]
        assert rung == [LI]
        _clean(sim)


def test_a_counselor_who_does_not_answer_is_passed_over(tmp_path: Path) -> None:
    with hotline_with_sim(tmp_path, ROSTER) as sim:
        sim.add_phone(Phone(ANA, answer=False))  # idle longest? either way, never answers
        sim.add_phone(Phone(LI, accept_key="1", hang_up_after=200))
        sim.add_phone(Phone(ZHANG, accept_key="1", hang_up_after=200))
        call = sim.place_call(Caller("+14155550178", digits=["1", "1"]))  # English, suicide
        sim.wait_for(lambda: call.finished, timeout=90)
        assert call.outcome == "answered" and call.bridged_with == LI
        _clean(sim)


def test_with_nobody_on_call_the_caller_is_dialled_through_to_the_backup(tmp_path: Path) -> None:
    nobody = ROSTER.replace("always_on_call: true", "always_on_call: false")
    with hotline_with_sim(tmp_path, nobody) as sim:
        rules = load_rules(tmp_path / "rules.yaml")
        sim.add_line(Line(rules.overflow_number("yue"), talk_for=100))
        call = sim.place_call(Caller("+14155550179", digits=["3", "4"]))  # Cantonese, youth
        sim.wait_for(lambda: call.finished, timeout=90)
        assert call.outcome == "overflowed"
        assert call.bridged_with == rules.overflow_number("yue")
        _clean(sim)


def test_an_imminent_caller_is_served_before_a_standard_one_who_waited_longer(
    tmp_path: Path,
) -> None:
    one = ROSTER.replace(
        "languages: [zh, en], specialties: [suicide], always_on_call: true",
        "languages: [zh, en], specialties: [suicide], always_on_call: false",
    )
    one = one.replace(
        "specialties: [youth], always_on_call: true", "specialties: [youth], always_on_call: false"
    )
    with hotline_with_sim(tmp_path, one) as sim:
        sim.add_phone(Phone(ANA, accept_key="1", hang_up_after=300))  # 3 s of talk each
        first = sim.place_call(Caller("+14155550180", digits=["1", "1"]))
        sim.wait_for(lambda: first.bridged_with == ANA, timeout=60)
        standard = sim.place_call(Caller("+14155550181", digits=["1", "7"]))
        sim.wait_for(lambda: any(e.kind == "pause" for e in standard.transcript), timeout=30)
        imminent = sim.place_call(Caller("+14155550182", digits=["9"]))
        sim.wait_for(lambda: imminent.bridged_with == ANA, timeout=60)
        assert standard.bridged_with is None, "the standard caller, waiting longer, is next"
        sim.wait_for(lambda: standard.bridged_with == ANA, timeout=60)
        _clean(sim)


def test_a_caller_out_of_patience_hangs_up_on_hold_and_frees_nobody(tmp_path: Path) -> None:
    with hotline_with_sim(tmp_path, _only(ROSTER, "Ana")) as sim:
        sim.add_phone(Phone(ANA, accept_key="1", hang_up_after=3000))
        busy = sim.place_call(Caller("+14155550183", digits=["1", "1"]))
        sim.wait_for(lambda: busy.bridged_with == ANA, timeout=60)
        waiting = sim.place_call(Caller("+14155550184", digits=["1", "7"], patience=50))
        sim.wait_for(lambda: waiting.finished, timeout=60)
        assert (waiting.outcome, waiting.hung_up_in) == ("hung_up", "hold")
        assert busy.bridged_with == ANA and not busy.finished
        _clean(sim)


def _only(roster: str, name: str) -> str:
    """The roster with everyone but `name` off call."""
    lines = []
    for line in roster.splitlines():
        if "always_on_call: true" in line and f"name: {name}," not in line:
            line = line.replace("always_on_call: true", "always_on_call: false")
        lines.append(line)
    return "\n".join(lines)
