"""The interface's languages: English and Simplified Chinese, chosen per user.

A signed-in user sees their account's language; the sign-in page follows the browser's
Accept-Language. Catalogs: hotline/web/translations/zh_Hans/LC_MESSAGES/<domain>.po, each
with its compiled .mo committed beside it (tests/unit/web/test_catalog.py checks they agree).
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from babel.messages import extract as babel_extract
from babel.messages.catalog import Catalog
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po, write_po
from flask import Flask, g, request
from flask_babel import Babel, get_locale

from hotline.accounts.service import LOCALES
from hotline.web.dates import filters as date_filters
from hotline.web.names import filters as name_filters
from hotline.web.said import said

TRANSLATIONS = Path(__file__).parent / "translations"
NAMES = {"en": "English", "zh_Hans": "简体中文"}
_BROWSER = {
    "en": "en",
    "zh": "zh_Hans",
    "zh-cn": "zh_Hans",
    "zh-hans": "zh_Hans",
    "zh-sg": "zh_Hans",
}


def select_locale() -> str:
    user = g.get("user")
    if user is not None and user.locale in LOCALES:
        return str(user.locale)
    return browser_locale()


def browser_locale() -> str:
    """The first language the browser asks for that we have; traditional Chinese is not
    Simplified, so zh-TW and zh-HK fall through to English."""
    for value, _quality in request.accept_languages:
        code = value.lower().replace("_", "-")
        if code in _BROWSER:
            return _BROWSER[code]
        if code.split("-")[0] == "en":
            return "en"
    return "en"


def init_app(app: Flask) -> None:
    app.config.setdefault("BABEL_DEFAULT_LOCALE", "en")
    # One directory per domain (see DOMAINS below): the same folder, two catalogs.
    app.config.setdefault("BABEL_TRANSLATION_DIRECTORIES", ";".join([str(TRANSLATIONS)] * 2))
    app.config.setdefault("BABEL_DOMAIN", "messages;supervisor")
    Babel(app, locale_selector=select_locale)

    @app.context_processor
    def languages() -> dict[str, object]:
        return {"locale_names": NAMES, "current_locale": str(get_locale() or "en")}

    # Codes by their names and times the reader's way, on every page (see names.py, dates.py).
    app.jinja_env.filters.update(name_filters())
    app.jinja_env.filters.update(date_filters())
    app.jinja_env.filters["said"] = said  # a rule problem in the reader's language


# Catalog upkeep. Each domain is one .po per language, extracted from its own sources, so two
# people adding pages edit two files: "messages" (sign-in, console, shared templates) and
# "supervisor" (the supervisor and admin pages). `scripts/translations [DOMAIN...]`
# re-extracts the domains named (all by default), adds new strings to the .po
# (untranslated), drops vanished ones and compiles the .mo; tests/unit/web/test_catalog.py
# fails while a string is untranslated or a .mo is stale.
WEB = Path(__file__).parent
KEYWORDS = {
    **babel_extract.DEFAULT_KEYWORDS,
    "_l": None,
    "lazy_gettext": None,
    "lazy_ngettext": (1, 2),
    "lazy_pgettext": ((1, "c"), 2),
    "_p": ((1, "c"), 2),
    "say": None,  # hotline.problems.say: the core's messages (see said.py)
}
DOMAINS: dict[str, tuple[str, ...]] = {
    "messages": (
        "auth.py",
        "console*.py",
        "i18n.py",
        "names.py",
        "templates/*.html",
        "templates/console/*.html",
    ),
    "supervisor": (
        "supervisor.py",
        "supervisor/**/*.py",
        "admin.py",
        "admin/**/*.py",
        "templates/supervisor/**/*.html",
        # What the rules' and scripts' checks say, shown in the editor.
        "../yamlsource.py",
        "../routing/fields.py",
        "../routing/rules.py",
        "../routing/policy_sections.py",
        "../rules/publishing.py",
        "../rules/versions.py",
        "../rules/recordings.py",
        "../ivr/*.py",
    ),
}
TRANSLATED = ("zh_Hans",)


def template_for(domain: str) -> Catalog:
    """Every string marked in the domain's sources, as a template catalog."""
    template = Catalog(project="hotline", domain=domain)
    for pattern in DOMAINS[domain]:
        for path in sorted(WEB.glob(pattern)):
            method = "python" if path.suffix == ".py" else "jinja2.ext:babel_extract"
            with path.open("rb") as handle:
                for lineno, message, comments, context in babel_extract.extract(
                    method, handle, keywords=KEYWORDS, comment_tags=("NOTE:",)
                ):
                    where = (str(path.relative_to(WEB)), lineno)
                    template.add(message, None, [where], auto_comments=comments, context=context)
    return template


def po_path(locale: str, domain: str) -> Path:
    return TRANSLATIONS / locale / "LC_MESSAGES" / f"{domain}.po"


def update_catalogs(domains: Iterable[str] = DOMAINS) -> list[str]:
    """Merge new strings into each domain's .po and compile its .mo; returns what still
    lacks a translation, as 'locale/domain: msgid'."""
    missing: list[str] = []
    for domain in domains:
        template = template_for(domain)
        if not len(template):
            continue
        for locale in TRANSLATED:
            po = po_path(locale, domain)
            po.parent.mkdir(parents=True, exist_ok=True)
            if po.exists():
                with po.open("rb") as handle:
                    catalog = read_po(handle, locale=locale, domain=domain)
                created = catalog.creation_date
                catalog.update(template, no_fuzzy_matching=True)
                catalog.obsolete.clear()
                # The header keeps its date, so two people's catalogs differ only where
                # their strings do (a date rewritten on every run made every merge conflict).
                catalog.creation_date = created
            else:
                catalog = Catalog(locale=locale, domain=domain, project="hotline")
                catalog.update(template, no_fuzzy_matching=True)
            with po.open("wb") as handle:
                write_po(handle, catalog, width=100, omit_header=False)
            with po.with_suffix(".mo").open("wb") as handle:
                write_mo(handle, catalog)
            missing += [f"{locale}/{domain}: {m.id}" for m in catalog if m.id and not m.string]
    return missing
