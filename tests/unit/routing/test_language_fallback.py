"""Language fallbacks: a Shanghainese caller waits for a Shanghainese speaker, then (at the
fallback_language step) a Mandarin speaker may take the call, and only then anyone."""

from __future__ import annotations

from pathlib import Path

from hotline.routing.match import Counselor, CounselorState, WaitingCall, plan
from hotline.routing.rules import load_rules
from tests.unit.routing.test_routing_rules import VALID, line_of, only_problem

SHIPPED = load_rules(Path(__file__).resolve().parents[3] / "routing_rules.yaml")
T0 = 1_000_000.0
AVAILABLE, ON_CALL = CounselorState.AVAILABLE, CounselorState.ON_CALL
URGENT = {step.after: step for step in SHIPPED.tiers["urgent"].relax}


def person(cid: str, languages: str, state: CounselorState = AVAILABLE) -> Counselor:
    return Counselor(cid, frozenset(languages.split()), frozenset(), state, T0 - 600)


def caller(language: str) -> WaitingCall:
    return WaitingCall("c1", "urgent", T0, language, "relationships")


def offered(at: float, call: WaitingCall, *team: Counselor) -> list[str]:
    return [o.counselor_id for o in plan(T0 + at, [call], team, SHIPPED).offers]


def test_the_shipped_rules_give_shanghainese_a_mandarin_fallback_step() -> None:
    assert SHIPPED.languages["wuu"].fallback == ("zh",)
    assert SHIPPED.languages["wuu"].name == "上海话"
    for tier in SHIPPED.tiers.values():
        requires = [set(step.require) for step in tier.relax]
        assert requires.index({"fallback_language"}) == requires.index({"language"}) + 1
        assert requires[-1] == set()


def test_a_shanghainese_caller_waits_for_the_busy_speaker_then_goes_to_mandarin() -> None:
    shanghainese = person("wu", "wuu zh", ON_CALL)
    mandarin, english = person("li", "zh"), person("ann", "en")
    call = caller("wuu")
    fallback_at = next(a for a, s in URGENT.items() if s.fallback_language)
    anyone_at = max(URGENT)
    assert offered(0, call, shanghainese, mandarin, english) == []
    assert offered(fallback_at - 1, call, shanghainese, mandarin, english) == []
    assert offered(fallback_at, call, shanghainese, mandarin, english) == ["li"]
    assert offered(fallback_at, call, shanghainese, english) == []  # English is no fallback
    assert offered(anyone_at, call, shanghainese, english) == ["ann"]


def test_the_shanghainese_speaker_gets_the_call_whenever_free() -> None:
    both = person("wu", "wuu zh")
    found = plan(T0, [caller("wuu")], [both, person("li", "zh")], SHIPPED).offers
    assert [o.counselor_id for o in found] == ["wu"]


def test_a_language_without_fallbacks_is_not_widened_by_the_step() -> None:
    fallback_at = next(a for a, s in URGENT.items() if s.fallback_language)
    team = (person("li", "zh", ON_CALL), person("wu", "wuu"), person("ann", "en"))
    assert offered(fallback_at, caller("zh"), *team) == []  # Mandarin has no fallback


def test_nobody_speaking_it_on_call_skips_to_the_fallback_at_once() -> None:
    assert offered(0, caller("wuu"), person("li", "zh"), person("ann", "en")) == ["li"]


def test_a_fallback_must_be_another_language_of_the_rules() -> None:
    text = VALID.replace(
        "zh: {name: Mandarin, say_language: cmn-CN}",
        "zh: {name: Mandarin, say_language: cmn-CN, fallback: [fr]}",
    )
    problem = only_problem(text)
    assert problem.line == line_of(text, "fallback: [fr]") and "'fr'" in problem.message


def test_a_language_step_may_not_come_after_the_fallback_step() -> None:
    text = VALID.replace(
        "      - {require: [language], after: 20}",
        "      - {require: [fallback_language], after: 20}\n"
        "      - {require: [language], after: 30}",
    )
    problem = only_problem(text)
    assert problem.line == line_of(text, "{require: [language], after: 30}")
    assert "must not require more" in problem.message
