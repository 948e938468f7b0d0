"""The dry-run explanation: who is offered a hypothetical call, in what order, and when
each relaxation step widens the match."""

from __future__ import annotations

from pathlib import Path

import yaml

from hotline.routing.explain import Caller, explain
from hotline.routing.rules import load_rules, parse_rules
from hotline.routing.snapshot import Counselor, CounselorState

RULES_FILE = Path(__file__).resolve().parents[3] / "routing_rules.yaml"
RULES = load_rules(RULES_FILE)
NOW = 1_800_000_000.0
CANTONESE_YOUTH = Caller(language="yue", topic="youth", tier="urgent")


def counselor(
    cid: str,
    languages: set[str],
    specialties: set[str],
    idle_for: float = 0.0,
    state: CounselorState = CounselorState.AVAILABLE,
) -> Counselor:
    return Counselor(cid, frozenset(languages), frozenset(specialties), state, NOW - idle_for)


ROSTER = [
    counselor("yue-youth", {"yue"}, {"youth"}, idle_for=100),
    counselor("yue-only", {"yue", "en"}, {"suicide"}, idle_for=500),
    counselor("en-youth", {"en"}, {"youth"}, idle_for=1000),
    counselor("zh-away", {"zh"}, {"youth"}, idle_for=2000, state=CounselorState.AWAY),
    counselor("yue-busy", {"yue"}, {"youth"}, state=CounselorState.ON_CALL),
]


def test_steps_widen_in_order_and_say_who_they_add() -> None:
    run = explain(NOW, CANTONESE_YOUTH, ROSTER, RULES)
    assert [c.counselor_id for c in run.offer_order] == ["yue-youth", "yue-only", "en-youth"]
    urgent = RULES.tiers["urgent"].relax
    language, fallback, anyone = (s.after for s in urgent[1:])  # the shipped rules' own times
    assert [(s.starts_at, s.adds) for s in run.steps] == [
        (0, ("yue-youth", "yue-busy")),
        (language, ("yue-only",)),
        (fallback, ()),  # Cantonese has no fallback language: the fallback step adds nobody
        (anyone, ("en-youth",)),
    ]
    assert [c.counselor_id for c in run.busy] == ["yue-busy"]
    assert run.overflow_at == 300 and run.answer_within == 60
    assert run.overflow_number == "+12025550103"


def test_a_step_nobody_could_serve_is_passed_at_once() -> None:
    roster = [c for c in ROSTER if c.counselor_id not in ("yue-youth", "yue-busy")]
    run = explain(NOW, CANTONESE_YOUTH, roster, RULES)
    assert run.steps[0].starts_at is None and run.steps[0].adds == ()
    assert run.steps[1].starts_at == 0  # language only, from the first second
    assert [c.counselor_id for c in run.offer_order] == ["yue-only", "en-youth"]


def test_nobody_on_call_overflows_at_once() -> None:
    run = explain(NOW, CANTONESE_YOUTH, [ROSTER[3]], RULES)
    assert run.offer_order == () and run.overflow_at == 0


def test_longest_idle_first_within_a_step_when_the_rules_relax() -> None:
    doc = yaml.safe_load(RULES_FILE.read_text())
    steps = doc["tiers"]["urgent"]["relax"]
    doc["tiers"]["urgent"]["relax"] = [{"require": ["language"], "after": 0}, *steps[2:]]
    relaxed = parse_rules(yaml.safe_dump(doc, allow_unicode=True))
    assert relaxed.tiers["urgent"].relax[0].require == {"language"}
    before = explain(NOW, CANTONESE_YOUTH, ROSTER, RULES)
    after = explain(NOW, CANTONESE_YOUTH, ROSTER, relaxed)
    assert [c.counselor_id for c in before.offer_order][:2] == ["yue-youth", "yue-only"]
    assert [c.counselor_id for c in after.offer_order][:2] == ["yue-only", "yue-youth"]


def test_the_fallback_step_adds_mandarin_speakers_for_a_shanghainese_caller() -> None:
    roster = [
        counselor("wuu-busy", {"wuu", "zh"}, {"youth"}, state=CounselorState.ON_CALL),
        counselor("zh-youth", {"zh"}, {"youth"}, idle_for=100),
        counselor("en-youth", {"en"}, {"youth"}, idle_for=1000),
    ]
    run = explain(NOW, Caller(language="wuu", topic="youth", tier="urgent"), roster, RULES)
    language, fallback, anyone = (s.after for s in RULES.tiers["urgent"].relax[1:])
    assert [(s.starts_at, s.adds) for s in run.steps] == [
        (0, ("wuu-busy",)),
        (language, ()),
        (fallback, ("zh-youth",)),
        (anyone, ("en-youth",)),
    ]
    assert [c.counselor_id for c in run.offer_order] == ["zh-youth", "en-youth"]


def test_a_caller_in_danger_is_shown_to_reach_a_counselor_in_wrap_up() -> None:
    """Wrap-up yields to danger: the dry run says who in wrap-up would be rung, and from
    when, instead of listing them as busy; for other tiers they stay busy."""
    roster = [
        Counselor("en-a", frozenset({"en"}), frozenset(), CounselorState.WRAP_UP, NOW, NOW + 90),
        Counselor("en-b", frozenset({"en"}), frozenset(), CounselorState.WRAP_UP, NOW, NOW + 30),
        Counselor("zh", frozenset({"zh"}), frozenset(), CounselorState.WRAP_UP, NOW, NOW + 10),
        counselor("talking", {"en"}, set(), state=CounselorState.ON_CALL),
    ]
    danger = explain(NOW, Caller(language="en", topic="general", tier="imminent"), roster, RULES)
    assert danger.offer_order == ()
    assert [(c.counselor_id, c.from_second) for c in danger.pausable] == [
        ("en-b", 0),
        ("en-a", 0),
        ("zh", RULES.tiers["imminent"].relax[-1].after),  # the step asking no language
    ]
    assert [c.counselor_id for c in danger.busy] == ["talking"]
    urgent = explain(NOW, Caller(language="en", topic="general", tier="urgent"), roster, RULES)
    assert urgent.pausable == ()
    assert {c.counselor_id for c in urgent.busy} == {"en-a", "en-b", "zh", "talking"}
