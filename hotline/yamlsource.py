"""YAML loaded into plain values plus the line of every key, so errors can name their line.

Standard library and PyYAML only: used by the pure core's file loaders.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import yaml

from hotline.problems import InvalidFile, Problem

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
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark is not None else 1
        raise InvalidFile([Problem(file, line, f"not valid YAML: {exc.problem}")]) from exc
    located = Located(data=None, file=file)
    if root is None:
        located.data = {}
        return located
    problems: list[Problem] = []
    located.data = _build(root, (), located.lines, problems, file)
    if problems:
        raise InvalidFile(problems)
    return located


def _build(
    node: yaml.Node, path: Path, lines: dict[Path, int], problems: list[Problem], file: str
) -> Any:
    lines[path] = node.start_mark.line + 1
    if isinstance(node, yaml.MappingNode):
        out: dict[Any, Any] = {}
        for key_node, value_node in node.value:
            key = yaml.SafeLoader(b"").construct_object(key_node)  # scalars only in practice
            if not isinstance(key, str | int | bool) or isinstance(key, Mapping):
                problems.append(Problem(file, key_node.start_mark.line + 1, "keys must be plain"))
                continue
            if key in out:
                problems.append(
                    Problem(file, key_node.start_mark.line + 1, f"duplicate key {key!r}")
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
