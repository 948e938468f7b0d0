"""The Simplified Chinese interface is complete: every marked string is translated, the
placeholders match, and the committed .mo files are the compiled .po files."""

from __future__ import annotations

import re

import pytest
from babel.messages.mofile import read_mo
from babel.messages.pofile import read_po

from hotline.web.i18n import DOMAINS, TRANSLATED, po_path, template_for

PLACEHOLDER = re.compile(r"%\((\w+)\)[sd]")
CASES = [(locale, domain) for locale in TRANSLATED for domain in DOMAINS]


def _catalog(locale: str, domain: str):  # type: ignore[no-untyped-def]
    with po_path(locale, domain).open("rb") as handle:
        return read_po(handle, locale=locale, domain=domain)


@pytest.mark.parametrize(("locale", "domain"), CASES)
def test_every_marked_string_has_a_translation(locale: str, domain: str) -> None:
    wanted = {(m.context or "", m.id) for m in template_for(domain) if m.id}
    if not wanted:
        pytest.skip(f"no sources for domain {domain} yet")
    catalog = _catalog(locale, domain)
    translated = {(m.context or "", m.id) for m in catalog if m.id and m.string and not m.fuzzy}
    assert sorted(wanted - translated) == [], (
        f"untranslated in {po_path(locale, domain)}; "
        f"run `.venv/bin/python scripts/translations {domain}`"
    )


@pytest.mark.parametrize(("locale", "domain"), CASES)
def test_translations_use_only_placeholders_their_original_has(locale: str, domain: str) -> None:
    if not po_path(locale, domain).exists():
        pytest.skip(f"no catalog for domain {domain} yet")
    for message in _catalog(locale, domain):
        if message.id and message.string:
            original = set(PLACEHOLDER.findall(str(message.id)))
            assert set(PLACEHOLDER.findall(str(message.string))) <= original, message.id


def _plain(value: object) -> object:
    """A plural message's forms as a tuple (the .mo reader gives lists, the .po reader tuples)."""
    return tuple(value) if isinstance(value, list | tuple) else value


@pytest.mark.parametrize(("locale", "domain"), CASES)
def test_the_compiled_catalog_is_the_current_one(locale: str, domain: str) -> None:
    po = po_path(locale, domain)
    if not po.exists():
        pytest.skip(f"no catalog for domain {domain} yet")
    with po.with_suffix(".mo").open("rb") as handle:
        compiled = {(m.context, _plain(m.id)): _plain(m.string) for m in read_mo(handle) if m.id}
    source = {
        (m.context, _plain(m.id)): _plain(m.string)
        for m in _catalog(locale, domain)
        if m.id and m.string
    }
    stale = f"{po.with_suffix('.mo')} is stale: run .venv/bin/python scripts/translations"
    assert compiled == source, stale


# One word for each role throughout the Chinese interface: the English word (as a word, not
# inside a command such as `--counselor`) is always translated by the one Chinese term, and
# the terms once used beside it never appear.
GLOSSARY = {"counselor": ("咨询员", ("辅导员", "辅导老师", "咨询师"))}


@pytest.mark.parametrize(("locale", "domain"), CASES)
def test_one_term_for_each_role(locale: str, domain: str) -> None:
    wrong = []
    for message in _catalog(locale, domain):
        if not message.id or not message.string:
            continue
        original, translated = str(message.id), str(message.string)
        for word, (term, others) in GLOSSARY.items():
            said = re.search(rf"(?<![-\w]){word}s?\b", original, re.IGNORECASE)
            if (said and term not in translated) or any(o in translated for o in others):
                wrong.append(f"{original!r} -> {translated!r}")
    assert wrong == [], f"use {GLOSSARY}:\n" + "\n".join(wrong)


@pytest.mark.parametrize(("locale", "domain"), CASES)
def test_no_translation_is_the_english_copied(locale: str, domain: str) -> None:
    """A msgstr equal to its English msgid is a string nobody translated (names and formats
    such as 'LGBTQ+' or '%(n)s' aside: nothing in them is a word)."""
    copied = [
        str(m.id)
        for m in _catalog(locale, domain)
        if m.id and m.string == m.id and re.search(r"[a-z]{3,}", str(m.id).replace("%(", ""))
    ]
    assert copied == [], f"translate these in {po_path(locale, domain)}"
