"""One thing wrong (or worth a warning) with the environment, named by its variable."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Finding:
    variable: str
    reason: str
    warning: bool = False  # said, but the process still starts

    def __str__(self) -> str:
        return f"{'warning: ' if self.warning else ''}{self.variable}: {self.reason}"
