"""A message made in the core (hotline.problems.say) said in the reader's language.

The core writes English and keeps the template and values; here the template goes through
the catalogue (scripts/translations extracts every `say("...")` of the core files listed in
hotline/web/i18n.py) and the values are put back, themselves translated when they are
messages. A message the catalogue does not know is shown as the core wrote it.
"""

from __future__ import annotations

from flask_babel import gettext

from hotline.problems import Problem, Text


def said(message: str) -> str:
    if not isinstance(message, Text):
        return message
    args = {k: said(v) if isinstance(v, Text) else v for k, v in message.args.items()}
    translated = str(gettext(message.template))
    try:
        return translated % args if args else translated
    except (KeyError, TypeError, ValueError):  # a translation that lost a placeholder
        return str(message)


def problem_text(problem: Problem) -> str:
    """What is wrong and where in the file, as the editor lists it."""
    spot = f" [{problem.where}]" if problem.where else ""
    return said(problem.message) + spot
