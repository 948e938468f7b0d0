"""The routing rules file and the IVR scripts folder: there, and passing `hotline check`."""

from __future__ import annotations

from hotline.config import Settings
from hotline.lint import lint_all
from hotline.preflight.finding import Finding


def check_files(settings: Settings) -> list[Finding]:
    rules, scripts = settings.routing_rules, settings.ivr_scripts
    found = []
    if not rules.is_file():
        found.append(
            Finding("ROUTING_RULES", f"no rules file at {rules.resolve()}; set it to the file")
        )
    if not scripts.is_dir():
        found.append(
            Finding(
                "IVR_SCRIPTS", f"no scripts folder at {scripts.resolve()}; set it to the folder"
            )
        )
    if found:
        return found
    return [
        Finding(
            "IVR_SCRIPTS" if problem.file.startswith(str(scripts)) else "ROUTING_RULES",
            f"{problem} (see `hotline check`)",
        )
        for problem in lint_all(rules, scripts)
    ]
