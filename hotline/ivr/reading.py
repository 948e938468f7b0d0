"""Checked reads of YAML values: a wrong shape becomes a Problem on its line, never a crash."""

from __future__ import annotations

from collections.abc import Collection
from typing import Any

from hotline.problems import Problem, say
from hotline.yamlsource import Located, Path


class Reader:
    """Reads one located file and collects what is wrong with it."""

    def __init__(self, located: Located) -> None:
        self.located = located
        self.file = located.file
        self.problems: list[Problem] = []

    def report(self, path: Path, message: str, where: str = "") -> None:
        self.problems.append(self.located.problem(path, message, where))

    def mapping(
        self,
        value: Any,
        path: Path,
        where: str,
        *,
        allowed: Collection[str] | None = None,
        required: Collection[str] = (),
    ) -> dict[Any, Any] | None:
        """`value` as a mapping, reporting unknown and missing keys."""
        if not isinstance(value, dict):
            self.report(path, say("%(name)s must be a mapping", name=_name(path)), where)
            return None
        if allowed is not None:
            for key in value:
                if key not in allowed:
                    known = ", ".join(sorted(allowed))
                    self.report(
                        (*path, key),
                        say("unknown key %(key)r (known: %(known)s)", key=key, known=known),
                        where,
                    )
        for key in required:
            if key not in value:
                self.report(
                    path, say("%(name)s is missing %(key)r", name=_name(path), key=key), where
                )
        return value

    def text(self, value: Any, path: Path, where: str) -> str | None:
        if not isinstance(value, str) or not value.strip():
            self.report(path, say("%(name)s must be non-empty text", name=_name(path)), where)
            return None
        return value

    def key(self, value: Any, path: Path, where: str) -> str | None:
        """A phone key: text, or a bare number written unquoted in YAML."""
        if isinstance(value, int) and not isinstance(value, bool) and value >= 0:
            return str(value)
        return self.text(value, path, where)

    def integer(self, value: Any, path: Path, where: str, low: int, high: int) -> int | None:
        if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
            self.report(
                path,
                say(
                    "%(name)s must be a whole number from %(low)d to %(high)d",
                    name=_name(path),
                    low=low,
                    high=high,
                ),
                where,
            )
            return None
        return value

    def flag(self, value: Any, path: Path, where: str) -> bool | None:
        if not isinstance(value, bool):
            self.report(path, say("%(name)s must be true or false", name=_name(path)), where)
            return None
        return value

    def texts(self, value: Any, path: Path, where: str) -> tuple[str, ...] | None:
        if not isinstance(value, list):
            self.report(path, say("%(name)s must be a list", name=_name(path)), where)
            return None
        found = [self.text(item, (*path, i), where) for i, item in enumerate(value)]
        return tuple(item for item in found if item is not None)


def _name(path: Path) -> str:
    return ".".join(str(part) for part in path) or say("the file")
