"""How every email and letter greets the resident, in every language.

A greeting may name the person only where a name stands in it unchanged: English "Dear Zofia
Wójcik,", Romanian "Bună ziua, Zofia Wójcik,". Polish and Lithuanian address a person in
the vocative ("Pani Zofio"), which cannot be made from a typed name, so "Dzień dobry Zofia
Wójcik" reads as a form letter gone wrong; Urdu's "dear" takes the person's gender. Those
languages greet without the name (portal.i18n.Language.greets_by_name). Sorani's "بەڕێز"
(dear) stands before a name of any gender, and the name stays as typed: "بەڕێز Shilan Karim،".
"""

from __future__ import annotations

import re

import pytest

from portal.documents.letters import LetterKind
from portal.i18n import LANGUAGES
from tests.conftest import translated
from tests.resident_messages import resident_emails, resident_letters

LOCALES = tuple(LANGUAGES)
NO_GREETING = {"email.tracking_code"}  # a code and how long it lasts, nothing more


def expected_greeting(locale: str, name: str) -> str:
    if LANGUAGES[locale].greets_by_name:
        return translated(locale, "Dear %(name)s,") % {"name": name}
    return translated(locale, "Hello,")


def lines_of(text: str) -> list[str]:
    return [" ".join(line.split()) for line in text.splitlines() if line.strip()]


def reads_as(line: str, greeting: str, locale: str) -> bool:
    """Whether a line of a letter is the greeting. PDFium gives right-to-left lines in the
    order they are drawn, so in Urdu the line holds the same words, not in the same order."""
    if LANGUAGES[locale].direction == "rtl":
        return sorted(re.findall(r"\w+", line)) == sorted(re.findall(r"\w+", greeting))
    return line == greeting


def test_polish_and_lithuanian_greet_without_a_name_english_romanian_and_sorani_with_it():
    assert {code for code, language in LANGUAGES.items() if language.greets_by_name} == {
        "en",
        "ro",
        "ckb",
    }
    assert translated("ckb", "Dear %(name)s,") == "بەڕێز %(name)s،"
    assert translated("pl", "Hello,") == "Dzień dobry,"
    assert translated("lt", "Hello,") == "Laba diena,"
    assert translated("lv", "Hello,") == "Labdien!"


@pytest.mark.parametrize("locale", LOCALES)
def test_every_email_opens_with_the_greeting_of_its_language(app, locale):
    emails = [email for email in resident_emails(app, locale) if email.label not in NO_GREETING]
    assert len(emails) >= 8
    for shown in emails:
        first = lines_of(shown.email.body)[0]
        assert first == expected_greeting(locale, shown.requester), shown.label
        if not LANGUAGES[locale].greets_by_name:
            assert not set(shown.requester.split()) & set(first.split()), shown.label


@pytest.mark.parametrize("locale", LOCALES)
def test_every_letter_greets_with_the_greeting_of_its_language(app, locale):
    letters = resident_letters(app, locale)
    assert len(letters) == len(LetterKind) + 1  # every kind of letter and the response pack
    for letter in letters:
        greeting = expected_greeting(locale, letter.requester)
        lines = lines_of(letter.text)
        greetings = [line for line in lines if reads_as(line, greeting, locale)]
        assert len(greetings) == 1, f"{letter.label}: {lines[:25]}"
        if not LANGUAGES[locale].greets_by_name:
            named = translated(locale, "Dear %(name)s,") % {"name": letter.requester}
            assert named not in letter.text, letter.label
