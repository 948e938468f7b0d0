"""Each kind of mistake in routing_rules.yaml is reported on the line that holds it: the line
the editor marks and scrolls to is the one to fix. One test per kind, on the shipped file."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from hotline.problems import InvalidFile, Problem
from hotline.routing.rules import parse_rules

SHIPPED = (Path(__file__).resolve().parents[3] / "routing_rules.yaml").read_text()
# The first relax step that requires the language alone, as the shipped file writes it.
LANGUAGE_STEP = next(re.finditer(r"\{require: \[language\], after: \d+\}", SHIPPED)).group(0)


def _edited(old: str, new: str) -> tuple[str, int]:
    """The shipped text with the first line holding `old` changed to hold `new`, and that
    line's number."""
    lines = SHIPPED.split("\n")
    index = next(i for i, line in enumerate(lines) if old in line)
    lines[index] = lines[index].replace(old, new)
    return "\n".join(lines), index + 1


def _problems(text: str) -> list[Problem]:
    with pytest.raises(InvalidFile) as refused:
        parse_rules(text)
    return refused.value.problems


def _only(old: str, new: str) -> tuple[Problem, int]:
    text, line = _edited(old, new)
    [problem] = _problems(text)
    return problem, line


# YAML syntax: PyYAML notices some of these on a later line; the report names the line
# where the mistake is.
@pytest.mark.parametrize(
    ("old", "new", "says"),
    [
        ("max_wait: 300", "max_wait 300", "needs a ':'"),
        ("max_wait: 300", "max_wait: [300", "'[' on this line is not closed"),
        ("max_wait: 300", "max_wait: {seconds: 300", "'{' on this line is not closed"),
        ("max_wait: 300", 'max_wait: "300', "quote on this line is closed only on line"),
        ("max_wait: 300", "max_wait: '300", "quote on this line is closed only on line"),
        ("max_wait: 300", "max_wait: 300: 5", "':' where none may be"),
        ("    max_wait: 300", "\tmax_wait: 300", "a tab"),
        ("    max_wait: 300", "   max_wait: 300", "indentation does not line up"),
        ("    max_wait: 300", "      max_wait: 300", "':' where none may be"),
        ("max_wait: 300", "max_wait: @300", "not valid YAML"),
    ],
    ids=[
        "key-without-colon",
        "list-not-closed",
        "mapping-not-closed",
        "double-quote-not-closed",
        "single-quote-not-closed",
        "stray-colon",
        "tab",
        "indented-too-little",
        "indented-too-much",
        "reserved-character",
    ],
)
def test_a_yaml_syntax_error_is_on_its_own_line(old: str, new: str, says: str) -> None:
    problem, line = _only(old, new)
    assert (problem.line, problem.message.startswith("not valid YAML")) == (line, True)
    assert says in problem.message


def test_a_quote_never_closed_is_on_its_line() -> None:
    text = SHIPPED + 'extra: "never closed\n'
    [problem] = _problems(text)
    assert problem.line == len(SHIPPED.split("\n")) and "never closed" in problem.message


def test_a_duplicate_key_is_on_the_second_one() -> None:
    problem, line = _only("max_wait: 300", "answer_within: 300")
    assert (problem.line, problem.message) == (line, "duplicate key 'answer_within'")


def test_an_unknown_key_is_on_its_line_and_the_missing_one_on_its_mapping() -> None:
    text, line = _edited("max_wait: 300", "max_wiat: 300")
    found = {(p.line, p.message) for p in _problems(text)}
    urgent = SHIPPED.split("\n").index("  urgent:") + 1
    assert found == {(line, "unknown key 'max_wiat'"), (urgent, "missing required key 'max_wait'")}


def test_a_wrong_kind_of_value_is_on_its_line() -> None:
    problem, line = _only("max_wait: 300", "max_wait: five minutes")
    assert (problem.line, problem.message) == (
        line,
        "must be a whole number, not text 'five minutes'",
    )


def test_a_number_out_of_range_is_on_its_line() -> None:
    problem, line = _only("max_wait: 300", "max_wait: -3")
    assert (problem.line, problem.message) == (line, "must be at least 1, not -3")


def test_two_values_that_disagree_are_on_the_line_to_change() -> None:
    problem, line = _only("answer_within: 60", "answer_within: 400")
    assert (problem.line, problem.message) == (line, "must not be more than max_wait (300)")


def test_a_relax_step_is_on_its_own_line_in_the_list() -> None:
    problem, line = _only(LANGUAGE_STEP, "{require: [language], after: 0}")
    assert (problem.line, problem.message) == (line, "after must be greater than 0")


def test_a_name_in_a_list_is_on_its_line() -> None:
    problem, line = _only(LANGUAGE_STEP, LANGUAGE_STEP.replace("[language]", "[lang]"))
    assert problem.line == line and problem.message.startswith("unknown requirement 'lang'")


def test_a_reference_to_nothing_is_on_the_referring_line() -> None:
    problem, line = _only("default_language: en", "default_language: fr")
    assert problem.line == line and problem.message.startswith("language 'fr' is not defined")


def test_an_unquoted_phone_number_is_on_its_line() -> None:
    problem, line = _only('default: "+12025550100"', "default: 12025550100")
    assert problem.line == line and "in quotes" in problem.message
