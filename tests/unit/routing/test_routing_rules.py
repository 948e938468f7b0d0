"""routing_rules.yaml: the shipped file loads; every kind of mistake is refused with its line."""

from __future__ import annotations

import dataclasses
import datetime as dt
from pathlib import Path

import pytest

from hotline.problems import InvalidFile, Problem
from hotline.routing.rules import lint_rules, load_rules, parse_rules

SHIPPED = Path(__file__).resolve().parents[3] / "routing_rules.yaml"

VALID = """\
default_language: en
tiers:
  imminent:
    priority: 1
    answer_within: 20
    max_wait: 120
    relax:
      - {require: [language, specialty], after: 0}
      - {require: [language], after: 20}
      - {require: [], after: 45}
  urgent:
    priority: 2
    answer_within: 60
    max_wait: 300
    relax:
      - {require: [language, specialty], after: 0}
      - {require: [], after: 150}
  standard:
    priority: 3
    answer_within: 180
    max_wait: 900
    relax:
      - {require: [language, specialty], after: 0}
languages:
  en: {name: English, say_language: en-US, overflow: "+12025550101"}
  zh: {name: Mandarin, say_language: cmn-CN}
specialties:
  suicide: Suicide
  domestic_violence: Domestic violence
  relationships: Relationships
  youth: Youth
  lgbtq: LGBTQ+
  substance_use: Substance use
  general: General
overflow:
  default: "+12025550100"
callbacks:
  window: {from: "08:00", to: "22:00"}
  voicemail_message: ""
"""


def problems_in(text: str) -> list[Problem]:
    with pytest.raises(InvalidFile) as refused:
        parse_rules(text, "rules.yaml")
    return refused.value.problems


def line_of(text: str, snippet: str) -> int:
    return next(i for i, line in enumerate(text.splitlines(), 1) if snippet in line)


def only_problem(text: str) -> Problem:
    problems = problems_in(text)
    assert len(problems) == 1, problems
    return problems[0]


def test_shipped_file_loads_with_three_tiers_most_urgent_first() -> None:
    rules = load_rules(SHIPPED)
    assert rules.tier_order == ("imminent", "urgent", "standard")
    assert set(rules.languages) == {"en", "zh", "yue", "wuu"}
    assert rules.languages["yue"].say_language == "yue-HK"
    assert set(rules.specialties) == {
        "suicide",
        "domestic_violence",
        "relationships",
        "youth",
        "lgbtq",
        "substance_use",
        "general",
    }
    imminent, standard = rules.tiers["imminent"], rules.tiers["standard"]
    assert imminent.max_wait < standard.max_wait
    assert imminent.relax[-1].after < standard.relax[-1].after
    assert lint_rules(SHIPPED) == []


def test_minimal_file_gets_defaults() -> None:
    rules = parse_rules(VALID)
    assert rules.offer.accept_key == "1"
    assert rules.counselor_choice.strategy == "longest_idle"
    assert rules.retention.caller_key_days == 90
    assert not rules.retention.notes_enabled
    assert rules.callbacks.in_window(dt.time(9, 30))
    assert not rules.callbacks.in_window(dt.time(23, 0))


def test_overflow_number_is_the_languages_own_else_the_default() -> None:
    rules = parse_rules(VALID)
    assert rules.overflow_number("en") == "+12025550101"
    assert rules.overflow_number("zh") == "+12025550100"
    assert rules.overflow_number("fr") == "+12025550100"
    assert rules.overflow_number(None) == "+12025550100"


def test_version_identifies_the_text() -> None:
    first = parse_rules(VALID).version
    assert len(first) == 12 and int(first, 16) >= 0
    assert parse_rules(VALID).version == first
    assert parse_rules(VALID + "# edited\n").version != first


def test_rules_are_frozen() -> None:
    rules = parse_rules(VALID)
    assert {rules: 1}[parse_rules(VALID)] == 1  # usable as a cache key
    with pytest.raises(dataclasses.FrozenInstanceError):
        rules.default_language = "zh"  # type: ignore[misc]
    with pytest.raises(TypeError):
        rules.tiers["new"] = rules.tiers["urgent"]  # type: ignore[index]
    with pytest.raises(dataclasses.FrozenInstanceError):
        rules.tiers["urgent"].max_wait = 1  # type: ignore[misc]


def test_unknown_key_is_named_on_its_line() -> None:
    text = VALID.replace("    max_wait: 300\n", "    max_wait: 300\n    maxwait: 30\n")
    problem = only_problem(text)
    assert problem.message == "unknown key 'maxwait'"
    assert (problem.file, problem.line) == ("rules.yaml", line_of(text, "maxwait"))


def test_wrong_type_is_refused() -> None:
    text = VALID.replace("max_wait: 900", "max_wait: soon")
    problem = only_problem(text)
    assert problem.line == line_of(text, "max_wait: soon")
    assert "whole number" in problem.message and "'soon'" in problem.message


def test_missing_required_key_points_at_its_section() -> None:
    text = VALID.replace("    answer_within: 60\n", "")
    problem = only_problem(text)
    assert problem.message == "missing required key 'answer_within'"
    assert problem.line == line_of(text, "urgent:")


def test_reference_to_undefined_language() -> None:
    text = VALID.replace("default_language: en", "default_language: fr")
    problem = only_problem(text)
    assert problem.line == 1 and "'fr' is not defined" in problem.message


@pytest.mark.parametrize(
    ("old", "new", "reason"),
    [
        ("- {require: [], after: 150}", "- {require: [], after: 0}", "greater than 0"),
        ("- {require: [language], after: 20}", "- {require: [topic], after: 20}", "'topic'"),
        ("- {require: [], after: 45}", "- {require: [language, specialty], after: 45}", "more"),
        ("- {require: [], after: 150}", "- {require: [], after: 300}", "never reached"),
    ],
)
def test_bad_relax_steps_are_refused(old: str, new: str, reason: str) -> None:
    assert old in VALID
    text = VALID.replace(old, new)
    problem = only_problem(text)
    assert problem.line == line_of(text, new.splitlines()[0])
    assert reason in problem.message


def test_first_step_must_start_at_zero() -> None:
    old = "      - {require: [language, specialty], after: 0}\nlanguages:"
    assert old in VALID
    text = VALID.replace(old, old.replace("after: 0", "after: 10"))
    problems = problems_in(text)
    assert [p.message for p in problems] == ["the first relax step must have after: 0"]
    assert problems[0].line == line_of(text, "after: 10}")


@pytest.mark.parametrize(
    "number", ['"+123"', '"12025550100"', "+12025550100", '"+1 202 555 0100"', '"+0202555010"']
)
def test_phone_numbers_must_be_e164_strings(number: str) -> None:
    text = VALID.replace('default: "+12025550100"', f"default: {number}")
    problem = only_problem(text)
    assert problem.line == line_of(text, "default: ")
    assert "E.164" in problem.message


def test_tiers_are_checked_for_names_and_order() -> None:
    text = VALID.replace("  standard:\n    priority: 3", "  normal:\n    priority: 3")
    text = text.replace("priority: 2", "priority: 1")
    messages = {p.line: p.message for p in problems_in(text)}
    assert messages[line_of(text, "normal:")].startswith("unknown tier 'normal'")
    assert messages[line_of(text, "tiers:")] == "missing tier 'standard'"
    assert "larger priority number than 'imminent'" in messages[line_of(text, "urgent:") + 1]


def test_specialties_are_the_fixed_set() -> None:
    text = VALID.replace("  youth: Youth\n", "  elders: Elders\n")
    messages = sorted(p.message for p in problems_in(text))
    assert messages == ["missing required key 'youth'", "unknown key 'elders'"]


def test_times_and_voicemail_are_checked() -> None:
    text = VALID.replace('to: "22:00"', "to: 22:00").replace(
        'voicemail_message: ""', 'voicemail_message: "The Crisis Line returning your call"'
    )
    problems = problems_in(text)
    assert len(problems) == 2
    assert "time of day" in problems[0].message
    assert "must not name the hotline or a topic" in problems[1].message
    assert problems[1].line == line_of(text, "voicemail_message")


def test_service_level_target_and_callback_window_must_make_sense() -> None:
    text = VALID.replace("answer_within: 60", "answer_within: 600").replace(
        'to: "22:00"', 'to: "08:00"'
    )
    problems = problems_in(text)
    assert [(p.line, p.message) for p in problems] == [
        (line_of(text, "answer_within: 600"), "must not be more than max_wait (300)"),
        (line_of(text, "window:"), "the window must not start and end at the same time"),
    ]
    assert problems[0].where == "tiers.urgent.answer_within"


def test_every_problem_is_reported_at_once() -> None:
    text = (
        VALID.replace("default_language: en", "default_language: fr")
        .replace("answer_within: 180", "answer_within: -5")
        .replace("  zh: {name: Mandarin, say_language: cmn-CN}", "  zh: {name: Mandarin}")
        + "offer: {accept_key: '#', ring_timeout: 20}\nretention: {notes_enabled: maybe}\n"
    )
    problems = problems_in(text)
    assert [(p.line, p.message.split(" (")[0]) for p in problems] == [
        (1, "language 'fr' is not defined"),
        (line_of(text, "answer_within: -5"), "must be at least 1, not -5"),
        (line_of(text, "zh: {name"), "missing required key 'say_language'"),
        (line_of(text, "offer:"), "must be one digit, like \"1\", not '#'"),
        (line_of(text, "retention:"), "must be true or false, not text 'maybe'"),
    ]
    assert str(problems[0]).startswith("rules.yaml:1: ")


def test_wrap_up_yields_to_danger_by_default_and_the_list_is_the_supervisors() -> None:
    shipped, minimal = load_rules(SHIPPED), parse_rules(VALID)
    assert shipped.offer.wrap_up_yields_to == frozenset({"imminent"})
    assert minimal.offer.wrap_up_yields_to == frozenset({"imminent"})
    off = parse_rules(VALID + "offer: {wrap_up_yields_to: []}\n")
    assert off.offer.wrap_up_yields_to == frozenset()
    wide = parse_rules(VALID + "offer: {wrap_up_yields_to: [imminent, urgent]}\n")
    assert wide.offer.wrap_up_yields_to == frozenset({"imminent", "urgent"})


def test_a_caller_in_danger_is_not_offered_a_callback_unless_the_rules_say_so() -> None:
    assert load_rules(SHIPPED).callbacks.offer_to == frozenset({"urgent", "standard"})
    assert parse_rules(VALID).callbacks.offer_to == frozenset({"urgent", "standard"})
    text = VALID.replace("  voicemail_message", "  offer_to: [imminent]\n  voicemail_message")
    assert parse_rules(text).callbacks.offer_to == frozenset({"imminent"})


def test_tier_lists_are_checked_with_their_lines() -> None:
    text = (
        VALID.replace('  voicemail_message: ""', '  voicemail_message: ""\n  offer_to: urgent')
        + "offer:\n  wrap_up: 60\n  wrap_up_yields_to: [imminent, danger, imminent]\n"
    )
    problems = problems_in(text)
    assert sorted((p.line, p.where, p.message.split(" (")[0]) for p in problems) == [
        (line_of(text, "offer_to"), "callbacks.offer_to", "must be a list, not text 'urgent'"),
        (line_of(text, "wrap_up_yields_to"), "offer.wrap_up_yields_to[1]", "unknown tier 'danger'"),
        (line_of(text, "wrap_up_yields_to"), "offer.wrap_up_yields_to[2]",
         "tier 'imminent' listed twice"),
    ]  # fmt: skip


def test_yaml_syntax_error_names_its_line() -> None:
    text = VALID.replace("  urgent:\n", "  urgent:\n   - [\n")
    problem = only_problem(text)
    assert problem.message.startswith("not valid YAML")
    assert problem.line >= line_of(text, "- [")


def test_lint_never_raises() -> None:
    problems = lint_rules(SHIPPED.with_name("no_such_rules.yaml"))
    assert len(problems) == 1 and "cannot read" in problems[0].message


def test_the_long_call_reminder_defaults_to_45_minutes_and_is_at_least_a_minute() -> None:
    assert parse_rules(VALID).offer.talk_reminder_after == 2700
    text = VALID + "offer:\n  talk_reminder_after: 30\n"
    problem = only_problem(text)
    assert problem.line == line_of(text, "talk_reminder_after: 30")
    assert "60" in problem.message


def test_a_tier_may_ring_counselors_shorter_than_the_offer_default() -> None:
    shipped = load_rules(SHIPPED)
    assert shipped.ring_timeout_for("imminent") < shipped.tier_for("imminent").answer_within
    assert shipped.ring_timeout_for("standard") == shipped.offer.ring_timeout
    text = VALID.replace("    max_wait: 120\n", "    max_wait: 120\n    ring_timeout: 8\n", 1)
    rules = parse_rules(text + "offer: {ring_timeout: 25}\n")
    assert (rules.ring_timeout_for("imminent"), rules.ring_timeout_for("urgent")) == (8, 25)
    assert parse_rules(VALID).ring_timeout_for("urgent") == 20


def test_a_tier_ring_timeout_is_checked_on_its_line() -> None:
    text = VALID.replace("    max_wait: 120\n", "    max_wait: 120\n    ring_timeout: 3\n", 1)
    text = text.replace("    max_wait: 300\n", "    max_wait: 300\n    ring_timeout: 400\n", 1)
    problems = problems_in(text)
    assert [(p.line, p.where, p.message) for p in problems] == [
        (
            line_of(text, "ring_timeout: 3"),
            "tiers.imminent.ring_timeout",
            "must be at least 5, not 3",
        ),
        (
            line_of(text, "ring_timeout: 400"),
            "tiers.urgent.ring_timeout",
            "must not be more than max_wait (300)",
        ),
    ]
