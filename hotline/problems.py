"""What a linter found wrong in a file a supervisor edits: always with file and line."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, order=True)
class Problem:
    file: str
    line: int
    message: str
    where: str = ""  # a node id, a tier, a counselor's name: whatever names the spot

    def __str__(self) -> str:
        spot = f" [{self.where}]" if self.where else ""
        return f"{self.file}:{self.line}:{spot} {self.message}"


class InvalidFile(ValueError):
    """A file was refused; nothing of it took effect."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = sorted(problems)
        super().__init__("\n".join(str(p) for p in self.problems))
