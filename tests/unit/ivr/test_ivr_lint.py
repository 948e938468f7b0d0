"""The linter, on a copy of the shipped scripts with one thing broken per test."""

from __future__ import annotations

from pathlib import Path

import pytest

from hotline.ivr import lint_scripts, load_scripts
from hotline.problems import InvalidFile, Problem


def edit(directory: Path, name: str, old: str, new: str) -> int:
    """Replace `old` (found once) with `new` in a file; the line where `new` starts."""
    path = directory / name
    text = path.read_text(encoding="utf-8")
    assert text.count(old) == 1, f"{old!r} not found once in {name}"
    path.write_text(text.replace(old, new), encoding="utf-8")
    return text[: text.index(old)].count("\n") + 1


def append(directory: Path, name: str, more: str) -> int:
    """Add text at the end of a file; the line where it starts."""
    path = directory / name
    text = path.read_text(encoding="utf-8")
    path.write_text(text + more, encoding="utf-8")
    return text.count("\n") + 1


def line_of(directory: Path, name: str, text: str) -> int:
    lines = (directory / name).read_text(encoding="utf-8").splitlines()
    return next(i for i, line in enumerate(lines, 1) if text in line)


def found(
    problems: list[Problem], directory: Path, name: str, line: int, where: str, words: str
) -> None:
    """Assert a problem in file `name` at `line` naming `where`, whose message has `words`."""
    match = [
        p
        for p in problems
        if p.file == str(directory / name) and p.line == line and p.where == where
        if words in p.message
    ]
    assert match, "\n".join(str(p) for p in problems) or "no problems at all"


def lint_and_load(directory: Path) -> list[Problem]:
    problems = lint_scripts(directory)
    with pytest.raises(InvalidFile) as refused:
        load_scripts(directory)
    assert refused.value.problems == sorted(problems)
    return problems


def test_a_yaml_syntax_error_names_its_line(scripts_copy: Path) -> None:
    line = edit(scripts_copy, "zh.yaml", '  enqueue: "谢谢', '  enqueue: ["谢谢')
    problems = lint_and_load(scripts_copy)
    assert any(p.file.endswith("zh.yaml") and "not valid YAML" in p.message for p in problems)
    assert all(p.line >= line for p in problems if p.file.endswith("zh.yaml"))


def test_an_unknown_key_is_named(scripts_copy: Path) -> None:
    line = edit(scripts_copy, "flow.yaml", "{timeout: 8,", "{timout: 8,")
    found(lint_and_load(scripts_copy), scripts_copy, "flow.yaml", line, "topic", "'timout'")


def test_a_wrong_type_is_named(scripts_copy: Path) -> None:
    line = edit(scripts_copy, "flow.yaml", "speech: true}", "speech: maybe}")
    found(lint_and_load(scripts_copy), scripts_copy, "flow.yaml", line, "topic", "true or false")


def test_a_missing_language_key_is_named(scripts_copy: Path) -> None:
    edit(scripts_copy, "en.yaml", '  callback: "A counselor can call you back', '  x: "')
    problems = lint_and_load(scripts_copy)
    assert any(p.file.endswith("en.yaml") and "'callback'" in p.message for p in problems)


def test_an_unknown_node_reference(scripts_copy: Path) -> None:
    line = edit(
        scripts_copy,
        "flow.yaml",
        '"2": [{set_language: zh}, {go: confidential}]',
        '"2": [{set_language: zh}, {go: confidental}]',
    )
    found(lint_and_load(scripts_copy), scripts_copy, "flow.yaml", line, "welcome", "confidental")


def test_an_unreachable_node(scripts_copy: Path) -> None:
    line = append(scripts_copy, "flow.yaml", "  orphan:\n    do: [enqueue]\n")
    found(lint_and_load(scripts_copy), scripts_copy, "flow.yaml", line, "orphan", "reached")


def test_an_action_list_that_never_reaches_a_person(scripts_copy: Path) -> None:
    line = edit(
        scripts_copy,
        "flow.yaml",
        "{set_topic: youth}, {set_tier: standard}, enqueue]",
        "{set_topic: youth}, {set_tier: standard}]",
    )
    found(lint_and_load(scripts_copy), scripts_copy, "flow.yaml", line, "topic", "never reaches")


def test_a_loop_with_no_way_out(scripts_copy: Path) -> None:
    edit(scripts_copy, "flow.yaml", "    do: [{go: topic}]", "    do: [{go: limbo}]")
    line = append(scripts_copy, "flow.yaml", "  limbo:\n    do: [{go: confidential}]\n")
    found(lint_and_load(scripts_copy), scripts_copy, "flow.yaml", line + 1, "limbo", "goes back")


def test_menus_that_loop(scripts_copy: Path) -> None:
    line = edit(
        scripts_copy,
        "flow.yaml",
        "    # Silence or a wrong key after the re-prompt",
        "    on_silence: welcome\n    # Silence or a wrong key after the re-prompt",
    )
    found(lint_and_load(scripts_copy), scripts_copy, "flow.yaml", line, "topic", "goes back")


def test_a_missing_prompt_in_one_language(scripts_copy: Path) -> None:
    yue = scripts_copy / "yue.yaml"
    text = yue.read_text(encoding="utf-8")
    yue.write_text(text[: text.index("  topic: ")], encoding="utf-8")
    line = text[: text.index("prompts:")].count("\n") + 1
    found(lint_and_load(scripts_copy), scripts_copy, "yue.yaml", line, "topic", "missing")


def test_a_language_with_no_file(scripts_copy: Path) -> None:
    line = edit(
        scripts_copy,
        "flow.yaml",
        "languages: [en, zh, yue, wuu]",
        "languages: [en, zh, yue, wuu, fr]",
    )
    found(lint_and_load(scripts_copy), scripts_copy, "flow.yaml", line, "fr", "no file fr.yaml")


def test_a_prompt_for_no_node(scripts_copy: Path) -> None:
    line = append(scripts_copy, "zh.yaml", '  goodbye: "再见"\n')
    found(lint_and_load(scripts_copy), scripts_copy, "zh.yaml", line, "goodbye", "not a node")


def test_a_key_used_twice(scripts_copy: Path) -> None:
    line = edit(
        scripts_copy,
        "flow.yaml",
        '      "7": [{set_topic: general}',
        '      7: [enqueue]\n      "7": [{set_topic: general}',
    )
    found(lint_and_load(scripts_copy), scripts_copy, "flow.yaml", line + 1, "topic", "twice")


def test_a_key_that_is_the_danger_key(scripts_copy: Path) -> None:
    line = edit(
        scripts_copy,
        "flow.yaml",
        '      "7": [{set_topic: general}',
        '      "9": [{set_topic: general}',
    )
    found(lint_and_load(scripts_copy), scripts_copy, "flow.yaml", line, "topic", "danger key")


def test_a_prompt_too_long_to_hear(scripts_copy: Path) -> None:
    edit(
        scripts_copy,
        "en.yaml",
        "    6, alcohol or drugs; 7, anything else.",
        "    6, alcohol or drugs; 7, anything else, and whatever else you might "
        "like to tell us about today.",
    )
    line = line_of(scripts_copy, "en.yaml", "  topic: >-")
    found(lint_and_load(scripts_copy), scripts_copy, "en.yaml", line, "topic", "s to say")
    zh = edit(
        scripts_copy, "zh.yaml", 'callback: "如果不想等待，', 'callback: "' + "请" * 61 + "，"
    )
    found(lint_scripts(scripts_copy), scripts_copy, "zh.yaml", zh, "messages.callback", "s to say")


def test_too_many_menus_before_a_person(scripts_copy: Path) -> None:
    edit(
        scripts_copy,
        "flow.yaml",
        '"7": [{set_topic: general}, {set_tier: standard}, enqueue]',
        '"7": [{set_topic: general}, {go: more}]',
    )
    menus = "".join(
        f'  {name}:\n    digits:\n      "1": {target}\n'
        for name, target in [("more", "evenmore"), ("evenmore", "[enqueue]")]
    )
    line = append(scripts_copy, "flow.yaml", menus)
    for code in ("en", "zh", "yue"):
        append(scripts_copy, f"{code}.yaml", '  more: "1."\n  evenmore: "1."\n')
    problems = lint_and_load(scripts_copy)
    found(problems, scripts_copy, "flow.yaml", line + 3, "evenmore", "4 menus")


def test_a_bad_transfer_number_and_an_http_recording(scripts_copy: Path) -> None:
    line = edit(
        scripts_copy,
        "flow.yaml",
        '"7": [{set_topic: general}, {set_tier: standard}, enqueue]',
        '"7": [{set_topic: general}, {transfer: "555-1234"}]',
    )
    found(lint_and_load(scripts_copy), scripts_copy, "flow.yaml", line, "topic", "E.164")
    play = edit(
        scripts_copy,
        "en.yaml",
        '  reprompt: "Sorry',
        '  reprompt: {play: "http://x/a.mp3"}\n  x: "',
    )
    found(lint_scripts(scripts_copy), scripts_copy, "en.yaml", play, "messages.reprompt", "https")


def test_speech_needs_danger_words_in_every_language(scripts_copy: Path) -> None:
    line = edit(scripts_copy, "zh.yaml", "  danger: [想死", "  dangers: [想死")
    found(lint_and_load(scripts_copy), scripts_copy, "zh.yaml", line, "speech", "'dangers'")
    problems = lint_scripts(scripts_copy)
    assert any(p.file.endswith("zh.yaml") and "danger words" in p.message for p in problems)


def test_a_spoken_topic_with_no_key(scripts_copy: Path) -> None:
    line = edit(
        scripts_copy, "yue.yaml", "    general: [其他", "    housing: [屋企]\n    general: [其他"
    )
    found(lint_and_load(scripts_copy), scripts_copy, "yue.yaml", line, "topic", "'housing'")


def test_names_the_routing_rules_do_not_know(scripts_copy: Path) -> None:
    topics = {"suicide", "domestic_violence", "relationships", "youth", "substance_use", "general"}
    problems = lint_scripts(
        scripts_copy, languages={"en", "zh"}, topics=topics, tiers={"imminent", "urgent"}
    )
    lgbtq = line_of(scripts_copy, "flow.yaml", "lgbtq")
    youth = line_of(scripts_copy, "flow.yaml", "{set_topic: youth}")
    languages = line_of(scripts_copy, "flow.yaml", "languages:")
    found(problems, scripts_copy, "flow.yaml", lgbtq, "topic", "'lgbtq' is not in the routing")
    found(problems, scripts_copy, "flow.yaml", youth, "topic", "'standard' is not in the routing")
    found(problems, scripts_copy, "flow.yaml", languages, "yue", "'yue' is not in the routing")
    with pytest.raises(InvalidFile):
        load_scripts(scripts_copy, topics=topics)


def test_a_missing_flow_file(tmp_path: Path) -> None:
    problems = lint_scripts(tmp_path)
    assert [p.message for p in problems] == ["flow.yaml is missing"]
