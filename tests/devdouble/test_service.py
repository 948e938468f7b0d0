"""The sim against the real service (`hotline run`): the IVR, the hold loop, the overflow."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml

from hotline.devdouble.twilio import Caller, Leg, TwilioSim
from hotline.routing.rules import load_rules
from tests.devdouble.conftest import SID, TOKEN
from tests.support.processes import ROOT, hotline_run
from tests.support.twiml import parse

MAX_WAIT = 2  # seconds on hold before the overflow, for every tier


def fast_rules(folder: Path) -> Path:
    """routing_rules.yaml with every tier overflowing after MAX_WAIT seconds."""
    rules = yaml.safe_load((ROOT / "routing_rules.yaml").read_text())
    for tier in rules["tiers"].values():
        tier.update(answer_within=1, max_wait=MAX_WAIT)
        tier.pop("ring_timeout", None)  # a tier's own ring may not outlast its max_wait
        tier["relax"] = [
            {"require": ["language", "specialty"], "after": 0},
            {"require": [], "after": 1},
        ]
    rules["overflow"]["callback_offer_after"] = 1
    path = folder / "routing_rules.yaml"
    path.write_text(yaml.safe_dump(rules, allow_unicode=True))
    return path


@pytest.fixture(scope="module")
def service(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[TwilioSim, Path]]:
    """One `hotline run` for the module, with the sim as its Twilio (REST and webhooks)."""
    folder = tmp_path_factory.mktemp("service")
    rules = fast_rules(folder)
    with TwilioSim(account_sid=SID, auth_token=TOKEN, time_scale=0.01) as sim:
        env = {
            "TWILIO_AUTH_TOKEN": TOKEN,
            "TWILIO_ACCOUNT_SID": SID,
            "TWILIO_API_URL": sim.api_url,
            "TWILIO_NUMBER": sim.number,
            "ROUTING_RULES": str(rules),
        }
        with hotline_run(folder, env) as base:
            sim.service_url = base
            yield sim, rules


def service_documents(call: Leg) -> list[str]:
    return [e.data["body"] for e in call.events("response") if "/voice/status" not in e.data["url"]]


def check_clean(sim: TwilioSim, call: Leg) -> None:
    assert call.errors == []
    for body in service_documents(call):
        parse(body)  # the project's own checker agrees with the sim's
    sim.wait_for(lambda: any(s.params["CallSid"] == call.sid for s in sim.status_callbacks), 5)
    (final,) = [s for s in sim.status_callbacks if s.params["CallSid"] == call.sid]
    assert (final.status, final.params["CallStatus"]) == (200, "completed"), "signed and accepted"


def test_a_caller_who_presses_nothing_holds_then_overflows(
    service: tuple[TwilioSim, Path],
) -> None:
    sim, rules = service
    call = sim.place_call(Caller("+14155550177"))
    sim.wait_for(lambda: call.finished, timeout=30)
    assert (call.outcome, call.bridged_with) == (
        "overflowed",
        load_rules(rules).overflow_number("en"),
    )
    assert any("/voice/hold" in url for url in call.requests), "it went through the hold loop"
    assert all(e.data["kind"] == "silence" for e in call.events("input"))
    assert call.said[0].language == "en-US"
    check_clean(sim, call)


def test_a_mandarin_caller_hears_mandarin(service: tuple[TwilioSim, Path]) -> None:
    sim, rules = service
    call = sim.place_call(Caller("+14155550178", digits=["2", "1"]))
    sim.wait_for(lambda: call.finished, timeout=30)
    chosen = next(i for i, e in enumerate(call.transcript) if e.kind == "input")
    after_choice = [e.data["language"] for e in call.transcript[chosen:] if e.kind == "say"]
    assert after_choice and set(after_choice) == {"cmn-CN"}
    assert (call.outcome, call.bridged_with) == (
        "overflowed",
        load_rules(rules).overflow_number("zh"),
    )
    check_clean(sim, call)
