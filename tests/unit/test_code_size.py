"""No function in hotline/ over 60 lines, no module over 400 (issue 16): a new one fails here.

A function's lines run from its `def` to its last line (signature and docstring included,
decorators not). An exception names the function and why it may stay long; an exception
that is no longer needed fails too, so the list only shrinks.
"""

from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[2] / "hotline"
MAX_FUNCTION, MAX_FILE = 60, 400

# "path/from/the/repo.py::function" -> why it is allowed for now.
EXCEPTIONS: dict[str, str] = {}


def _long_functions() -> dict[str, int]:
    found = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        where = path.relative_to(PACKAGE.parent).as_posix()
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                lines = (node.end_lineno or node.lineno) - node.lineno + 1
                if lines > MAX_FUNCTION:
                    found[f"{where}:{node.lineno}::{node.name}"] = lines
    return found


def _excepted(name: str) -> str:
    """The name without its line ("path::function"), as EXCEPTIONS has it."""
    where, function = name.split("::")
    return f"{where.rsplit(':', 1)[0]}::{function}"


def test_no_function_is_over_60_lines() -> None:
    long = _long_functions()
    new = {name: lines for name, lines in long.items() if _excepted(name) not in EXCEPTIONS}
    assert new == {}, f"split these by what they do (lines > {MAX_FUNCTION}): {new}"


def test_every_exception_is_still_needed() -> None:
    still = {_excepted(name) for name in _long_functions()}
    stale = sorted(set(EXCEPTIONS) - still)
    assert stale == [], f"now within {MAX_FUNCTION} lines: remove from EXCEPTIONS: {stale}"


def test_no_module_is_over_400_lines() -> None:
    long = {
        path.relative_to(PACKAGE.parent).as_posix(): lines
        for path in sorted(PACKAGE.rglob("*.py"))
        if (lines := len(path.read_text(encoding="utf-8").splitlines())) > MAX_FILE
    }
    assert long == {}, f"split these modules (lines > {MAX_FILE}): {long}"
