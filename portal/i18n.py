"""Shipped languages, the locale in the URL, and text direction."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path

TRANSLATIONS_DIR = Path(__file__).resolve().parent.parent / "translations"
DEFAULT_LOCALE = "en"


@dataclass(frozen=True)
class Language:
    code: str
    native_name: str
    english_name: str
    direction: str = "ltr"
    # Whether a letter or email may greet the person by name: only where a name stands in a
    # greeting unchanged. Polish and Lithuanian put it in the vocative ("Pani Zofio"), which
    # we cannot form from a typed name, and Urdu's "dear" takes the person's gender. Sorani's
    # "بەڕێز" (dear) fits anyone and a name after it stays as typed.
    greets_by_name: bool = False


LANGUAGES: dict[str, Language] = {
    language.code: language
    for language in (
        Language("en", "English", "English", greets_by_name=True),
        Language("pl", "Polski", "Polish"),
        Language("ro", "Română", "Romanian", greets_by_name=True),
        Language("ur", "اردو", "Urdu", "rtl"),
        Language("lt", "Lietuvių", "Lithuanian"),
        Language("lv", "Latviešu", "Latvian"),  # vocative and gender too: "Godātais Jāni"
        Language("ckb", "کوردی سۆرانی", "Sorani Kurdish", "rtl", greets_by_name=True),
    )
}

_CHECK_LINE = re.compile(r"^#\s*Council translator check:\s*(?P<status>.+?)\s*$", re.MULTILINE)


@dataclass(frozen=True)
class TranslationReview:
    """What a catalogue's header says about its review by a council translator."""

    checked: bool
    statement: str


@cache
def translation_review(code: str) -> TranslationReview:
    """Read the review line from the header comment of a language's catalogue.

    Each .po file opens with a line such as
    ``# Council translator check: not checked`` or
    ``# Council translator check: checked by A. Name on 2026-12-01``.
    English is the source language and needs no check.
    """
    if code == DEFAULT_LOCALE:
        return TranslationReview(checked=True, statement="source language")
    po_file = TRANSLATIONS_DIR / code / "LC_MESSAGES" / "messages.po"
    header = po_file.read_text(encoding="utf-8")[:2000]
    match = _CHECK_LINE.search(header)
    if not match:
        raise ValueError(f"{po_file} has no 'Council translator check:' line in its header")
    statement = match["status"]
    return TranslationReview(checked=statement.lower().startswith("checked"), statement=statement)


def direction(code: str) -> str:
    return LANGUAGES[code].direction


def best_locale_for(accept_languages, offered: tuple[str, ...]) -> str:
    """Pick an offered locale from a parsed Accept-Language header; English when none fits.

    The browser's order of preference wins, and a regional tag stands for its language:
    "ckb-IQ,ar;q=0.8,en;q=0.5" is Sorani, "pl-PL,en;q=0.5" Polish. (Werkzeug's best_match
    would pick English there, preferring an exact "en" to "ckb" for "ckb-IQ".) Werkzeug
    skips the malformed parts of a header, so a garbled header lands here as an empty or
    partial list and falls back to English.
    """
    for tag, quality in accept_languages:
        language = str(tag).replace("_", "-").split("-", 1)[0].lower()
        if quality > 0 and language in offered:
            return language
    return DEFAULT_LOCALE


def select_locale() -> str:
    """The locale of this request: from the URL when it names one, else Accept-Language."""
    from flask import current_app, g, request

    if "locale" in g:
        return g.locale
    offered = current_app.extensions["council"].languages
    first_segment = request.path.strip("/").split("/", 1)[0]
    if first_segment in offered:
        return first_segment
    return best_locale_for(request.accept_languages, offered)


def babel_locale() -> str:
    """The Babel locale for formatting: British English dates for English pages."""
    return babel_locale_for(select_locale())


def babel_locale_for(language: str) -> str:
    """British English dates for English pages, emails, letters and posters."""
    return "en_GB" if language == DEFAULT_LOCALE else language


def greeting(name: str) -> str:
    """The first line of a letter or email to `name`, in the current language: "Dear Anna
    Kowalska," where the name needs no declension, else a greeting without it."""
    from flask_babel import gettext

    if LANGUAGES[select_locale()].greets_by_name:
        return gettext("Dear %(name)s,", name=name)
    return gettext("Hello,")
