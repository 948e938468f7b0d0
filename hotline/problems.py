"""What a linter found wrong in a file a supervisor edits: always with file and line.

A message is English text that remembers how it was made (`say`): its template, with
%(name)s placeholders, and the values put in. The command line prints the English; a page
looks the template up in its catalogue and says it in the reader's language.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass


class Text(str):
    """An English message, and the template and values it was made from."""

    template: str
    args: Mapping[str, object]

    def __new__(cls, template: str, args: Mapping[str, object]) -> Text:
        made = super().__new__(cls, template % args if args else template)
        made.template = template
        made.args = args
        return made

    def __reduce__(self) -> tuple[type[Text], tuple[str, dict[str, object]]]:
        return (Text, (self.template, dict(self.args)))  # copies and pickles keep the template


def say(template: str, **args: object) -> Text:
    """A message from a template: say("must be at least %(n)s", n=1). The template is
    extracted into the catalogue (the `say` keyword), so keep it a literal."""
    return Text(template, args)


@dataclass(frozen=True, order=True)
class Problem:
    file: str
    line: int
    message: str  # often a Text: translatable
    where: str = ""  # a node id, a tier, a counselor's name: whatever names the spot

    def __str__(self) -> str:
        spot = f" [{self.where}]" if self.where else ""
        return f"{self.file}:{self.line}:{spot} {self.message}"


class InvalidFile(ValueError):
    """A file was refused; nothing of it took effect."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = sorted(problems)
        super().__init__("\n".join(str(p) for p in self.problems))
