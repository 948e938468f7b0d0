"""Typed reads from a located YAML document that collect every problem instead of stopping."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Collection
from typing import Any

from hotline.problems import Problem, Text, say
from hotline.yamlsource import Located, Path

E164 = re.compile(r"\+[1-9][0-9]{7,14}")
CLOCK = re.compile(r"([01][0-9]|2[0-3]):([0-5][0-9])")
_MISSING = object()


class FieldReader:
    """Reads values by path; a wrong one is reported with its line and read as None."""

    def __init__(self, located: Located) -> None:
        self.located = located
        self.problems: list[Problem] = []

    def report(self, path: Path, message: str, where: str = "") -> None:
        """Record a problem; `where` defaults to the dotted path, e.g. tiers.urgent.max_wait."""
        self.problems.append(self.located.problem(path, message, where or _dotted(path)))

    def raw(self, path: Path) -> Any:
        value: Any = self.located.data
        for part in path:
            if isinstance(value, list) and isinstance(part, int):
                if not 0 <= part < len(value):
                    return _MISSING
                value = value[part]
            elif isinstance(value, dict) and part in value:
                value = value[part]
            else:
                return _MISSING
        return value

    def present(self, path: Path) -> bool:
        return self.raw(path) is not _MISSING

    def mapping(
        self, path: Path, required: Collection[str] = (), optional: Collection[str] = ()
    ) -> dict[str, Any] | None:
        """The mapping at `path`, after reporting unknown and missing keys."""
        value = self.raw(path)
        if value is _MISSING:
            return None
        if not isinstance(value, dict):
            self.report(path, say("must be a mapping, not %(kind)s", kind=_kind(value)))
            return None
        allowed = set(required) | set(optional)
        for key in value:
            if allowed and key not in allowed:
                self.report((*path, key), say("unknown key '%(key)s'", key=key))
        for key in required:
            if key not in value:
                self.report(path, say("missing required key '%(key)s'", key=key))
        return value

    def integer(self, path: Path, minimum: int = 0, default: int | None = None) -> int | None:
        value = self.raw(path)
        if value is _MISSING:
            return default
        if isinstance(value, bool) or not isinstance(value, int):
            self.report(path, say("must be a whole number, not %(kind)s", kind=_kind(value)))
            return None
        if value < minimum:
            self.report(
                path,
                say("must be at least %(minimum)d, not %(value)d", minimum=minimum, value=value),
            )
            return None
        return value

    def boolean(self, path: Path, default: bool | None = None) -> bool | None:
        value = self.raw(path)
        if value is _MISSING:
            return default
        if not isinstance(value, bool):
            self.report(path, say("must be true or false, not %(kind)s", kind=_kind(value)))
            return None
        return value

    def text(
        self, path: Path, default: str | None = None, pattern: str = "", hint: str = ""
    ) -> str | None:
        """A string; with `pattern`, one that matches it in full (`hint` says what is wanted)."""
        value = self.raw(path)
        if value is _MISSING:
            return default
        if not isinstance(value, str):
            wanted = hint or say("text")
            self.report(
                path,
                say("must be %(hint)s in quotes, not %(kind)s", hint=wanted, kind=_kind(value)),
            )
            return None
        if pattern and not re.fullmatch(pattern, value):
            self.report(
                path, say("must be %(hint)s, not %(value)r", hint=hint or pattern, value=value)
            )
            return None
        return value

    def phone(self, path: Path, default: str | None = None) -> str | None:
        hint = say("an E.164 phone number like \"+15005550006\" ('+' and 8-15 digits)")
        if self._unquoted_number(path, hint):
            return None
        return self.text(path, default, E164.pattern, hint)

    def clock(self, path: Path) -> dt.time | None:
        hint = say('a time of day like "08:00"')
        if self._unquoted_number(path, hint):
            return None
        found = self.text(path, None, CLOCK.pattern, hint)
        if found is None:
            return None
        hours, minutes = found.split(":")
        return dt.time(int(hours), int(minutes))

    def _unquoted_number(self, path: Path, hint: str) -> bool:
        if isinstance(self.raw(path), int | float) and not isinstance(self.raw(path), bool):
            self.report(
                path,
                say("must be %(hint)s in quotes (unquoted, YAML reads it as a number)", hint=hint),
            )
            return True
        return False

    def names(self, path: Path, allowed: Collection[str], what: str) -> list[str] | None:
        """A list of distinct names, each one of `allowed`."""
        value = self.raw(path)
        if value is _MISSING:
            return None
        if not isinstance(value, list):
            self.report(path, say("must be a list, not %(kind)s", kind=_kind(value)))
            return None
        out: list[str] = []
        for i, item in enumerate(value):
            if item not in allowed:
                choices = ", ".join(allowed)
                self.report(
                    (*path, i),
                    say(
                        "unknown %(what)s %(item)r (choose from %(choices)s)",
                        what=what,
                        item=item,
                        choices=choices,
                    ),
                )
            elif item in out:
                self.report((*path, i), say("%(what)s %(item)r listed twice", what=what, item=item))
            else:
                out.append(item)
        return out if len(out) == len(value) else None


def _dotted(path: Path) -> str:
    out = ""
    for part in path:
        out += f"[{part}]" if isinstance(part, int) else f".{part}" if out else str(part)
    return out


def _kind(value: Any) -> Text:
    if value is None:
        return say("nothing")
    if isinstance(value, bool):
        return say("%(value)s (a yes/no value)", value=str(value).lower())
    if isinstance(value, int | float):
        return say("the number %(value)s", value=value)
    if isinstance(value, str):
        return say("text %(value)r", value=value)
    if isinstance(value, list):
        return say("a list")
    if isinstance(value, dict):
        return say("a mapping")
    return Text("%(type)s", {"type": type(value).__name__})
