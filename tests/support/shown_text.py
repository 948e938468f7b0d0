"""What a reader sees of a page: its text, without markup, scripts, code listings or the text
being edited, cut at the separators pages put between names (", ", "·", "→", brackets)."""

from __future__ import annotations

import re
from html.parser import HTMLParser

from hotline.console.wrap_up import DISPOSITIONS, RISK_LEVELS
from hotline.records.calls import OUTCOMES
from hotline.routing.policy import SPECIALTY_IDS, TIER_NAMES
from hotline.routing.snapshot import CounselorState

# Text inside these is markup, a listing or an edit: codes belong there.
HIDDEN = {"script", "style", "textarea", "code", "pre"}
SHOWN_ATTRIBUTES = ("title", "placeholder", "aria-label")
VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "wbr"}
SEPARATORS = re.compile(r"[,，、·;；:：()（）\[\]|→←—–/]")
LATIN = re.compile(r"[A-Za-z][A-Za-z0-9_'’+.-]*(?:[ ][A-Za-z][A-Za-z0-9_'’+.-]*)*")


class _Text(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.open: list[str] = []
        self.pieces: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        hidden = any(t in HIDDEN for t in self.open)
        if not hidden and "hidden" not in dict(attrs):
            for name, value in attrs:
                if name in SHOWN_ATTRIBUTES and value:
                    self.pieces.append(value)
        if tag not in VOID:
            self.open.append(tag)

    def handle_endtag(self, tag: str) -> None:
        if tag in self.open:
            while self.open and self.open.pop() != tag:
                pass

    def handle_data(self, data: str) -> None:
        if not any(t in HIDDEN for t in self.open) and data.strip():
            self.pieces.append(data.strip())


def shown_text(html: str) -> list[str]:
    """The page's text nodes (and the attributes a reader sees), in order."""
    parser = _Text()
    parser.feed(html)
    return parser.pieces


def shown_words(html: str) -> list[str]:
    """Each text node cut at the separators between names, stripped, non-empty."""
    out = []
    for text in shown_text(html):
        out += [p.strip() for p in SEPARATORS.split(text) if p.strip()]
    return out


def latin_runs(html: str) -> list[str]:
    """Runs of Latin words on the page: on a Chinese page, each is a name, a file, a code
    in a listing, or a string that missed the catalogue."""
    return [m.group(0) for text in shown_text(html) for m in LATIN.finditer(text)]


# The codes no page may show as text: topics, tiers, outcomes, risk levels, what happened on
# a call, counselors' states, and the repo's language codes ("answered" is also the English
# word on the dashboard's chart legend).
CODES = {
    *SPECIALTY_IDS,
    *TIER_NAMES,
    *OUTCOMES,
    *RISK_LEVELS,
    *DISPOSITIONS,
    *(s.value for s in CounselorState),
    *("en", "zh", "yue", "wuu"),
} - {"answered"}
# Latin a Chinese page may show: people, the language switch, a zone, a file and its format,
# the syntax a supervisor types ({play: name.mp3}), an example region.
NAMES = {"Ana", "Li", "Zhang", "li", "sam", "English", "UTC", "US", "CSV", "IVR", "MB"}
NAMES |= {"routing_rules.yaml", "play", "name.mp3", "topic.mp3", "mp3", "wav"}
SHORT_KEY = re.compile(r"[0-9a-f]{8}")  # a frequent caller, named by their key's first digits


def misnamed(pages: dict[str, str], locale: str) -> list[str]:
    """'page: text' for each code shown as text; on a Chinese page also for each run of
    English that is not a name, a file or the language switch."""
    found = [
        f"{path}: {w}" for path, page in pages.items() for w in shown_words(page) if w in CODES
    ]
    if locale.startswith("zh"):
        found += [
            f"{path}: {w}"
            for path, page in pages.items()
            for w in latin_runs(page)
            if w not in NAMES and not SHORT_KEY.fullmatch(w)
        ]
    return found
