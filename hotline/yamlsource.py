"""YAML loaded into plain values plus the line of every key, so errors can name their line.

Standard library and PyYAML only: used by the pure core's file loaders.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import yaml

from hotline.problems import InvalidFile, Problem, Text, say

Path = tuple[str | int, ...]


@dataclass
class Located:
    """Plain data from a YAML text, and the 1-based line where each path starts."""

    data: Any
    file: str
    lines: dict[Path, int] = field(default_factory=dict)

    def line(self, path: Path) -> int:
        """The line of `path`, or of its nearest ancestor that has one."""
        for cut in range(len(path), -1, -1):
            found = self.lines.get(tuple(path[:cut]))
            if found is not None:
                return found
        return 1

    def problem(self, path: Path, message: str, where: str = "") -> Problem:
        return Problem(self.file, self.line(path), message, where)


def load_located(text: str, file: str) -> Located:
    """Parse `text`; a syntax error or duplicate key becomes InvalidFile with its line."""
    try:
        root = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.MarkedYAMLError as exc:
        line, message = syntax_problem(exc, text)
        raise InvalidFile([Problem(file, line, message)]) from exc
    located = Located(data=None, file=file)
    if root is None:
        located.data = {}
        return located
    problems: list[Problem] = []
    located.data = _build(root, (), located.lines, problems, file)
    if problems:
        raise InvalidFile(problems)
    return located


def syntax_problem(exc: yaml.MarkedYAMLError, text: str) -> tuple[int, Text]:
    """The line to fix and what is wrong, in a supervisor's words.

    PyYAML marks where it noticed, which is often the line after the mistake: a key without
    its ':' or a '[' never closed is noticed on the next line, and a quote never closed
    swallows the lines below it until the next quote. The mistake is where it started.
    """
    context, problem = exc.context or "", exc.problem or ""
    noticed = exc.problem_mark.line + 1 if exc.problem_mark is not None else 1
    started = exc.context_mark.line + 1 if exc.context_mark is not None else noticed
    if "simple key" in context:
        return started, say("not valid YAML: this line needs a ':' after its key")
    if "flow sequence" in context:
        return started, say("not valid YAML: a '[' on this line is not closed with ']'")
    if "flow mapping" in context:
        return started, say("not valid YAML: a '{' on this line is not closed with '}'")
    if "quoted scalar" in context:
        return started, say("not valid YAML: a quote on this line is never closed")
    if (quote := _open_quote(text, noticed)) is not None:
        return quote, say(
            "not valid YAML: a quote on this line is closed only on line %(line)d", line=noticed
        )
    if "'\\t'" in problem or "\t" in problem:
        return noticed, say("not valid YAML: a tab: indent with spaces")
    if problem == "mapping values are not allowed here":
        return noticed, say(
            "not valid YAML: a ':' where none may be: check the indentation, or quote the value"
        )
    if "<block end>" in problem or "<block mapping start>" in problem:
        return noticed, say("not valid YAML: the indentation does not line up with the lines above")
    return noticed, say("not valid YAML: %(problem)s", problem=problem)


def _open_quote(text: str, noticed: int) -> int | None:
    """The first line of a quoted value that runs over several lines before `noticed`:
    legal YAML, but in these files the sign of a quote left open."""
    found = None
    try:
        for token in yaml.scan(text, Loader=yaml.SafeLoader):
            if token.start_mark.line + 1 >= noticed:
                break
            quoted = isinstance(token, yaml.ScalarToken) and token.style in ('"', "'")
            if quoted and token.end_mark.line > token.start_mark.line:
                found = token.start_mark.line + 1
    except yaml.YAMLError:
        pass  # the scan stops at the same mistake: what was found before it is enough
    return found


def _build(
    node: yaml.Node, path: Path, lines: dict[Path, int], problems: list[Problem], file: str
) -> Any:
    lines[path] = node.start_mark.line + 1
    if isinstance(node, yaml.MappingNode):
        out: dict[Any, Any] = {}
        for key_node, value_node in node.value:
            key = yaml.SafeLoader(b"").construct_object(key_node)  # scalars only in practice
            if not isinstance(key, str | int | bool) or isinstance(key, Mapping):
                problems.append(
                    Problem(file, key_node.start_mark.line + 1, say("keys must be plain"))
                )
                continue
            if key in out:
                problems.append(
                    Problem(
                        file, key_node.start_mark.line + 1, say("duplicate key %(key)r", key=key)
                    )
                )
                continue
            child = (*path, str(key) if not isinstance(key, int) else key)
            out[key] = _build(value_node, child, lines, problems, file)
            lines[child] = key_node.start_mark.line + 1
        return out
    if isinstance(node, yaml.SequenceNode):
        return [
            _build(item, (*path, i), lines, problems, file) for i, item in enumerate(node.value)
        ]
    return yaml.SafeLoader(b"").construct_object(node)
