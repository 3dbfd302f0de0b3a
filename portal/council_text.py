"""Facts from the council profile in the reader's language.

A profile gives a fact a resident reads (a team's name, opening hours, a hub's name or
area, a department's name) either as one English string or as a table by language:

    opening_hours = "Monday to Friday, 9am to 5pm"
    opening_hours = { en = "Monday to Friday, 9am to 5pm", pl = "od poniedziałku do piątku" }

A LocalText reads as the text in the current language (str()), or as the English when the
profile has none in that language. In HTML (Jinja's autoescape, a Markup's %-formatting,
so also `{% trans team=contact.name %}`) English shown on a page or letter in another
language comes wrapped in <span lang="en" dir="ltr">: screen readers then say it in
English, and the tagged PDF marks the span's language (portal.documents.span_language).
Where markup cannot go (a <title>, an attribute, a <select> option), use `|string` or
str(): the words alone.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from markupsafe import Markup, escape

DEFAULT_LANGUAGE = "en"


def current_language() -> str:
    """The language being written in: the page's, or the one a letter or email forced;
    English outside a request (a command, the worker between jobs)."""
    from flask_babel import get_locale

    try:
        locale = get_locale()
    except RuntimeError:  # an app context without a request or a chosen language
        return DEFAULT_LANGUAGE
    return locale.language if locale is not None else DEFAULT_LANGUAGE


@dataclass(frozen=True)
class LocalText:
    """One fact in each language the profile gives it in; English is always there."""

    texts: tuple[tuple[str, str], ...]

    @classmethod
    def of(cls, english: str, **others: str) -> LocalText:
        return cls(((DEFAULT_LANGUAGE, english), *sorted(others.items())))

    @property
    def english(self) -> str:
        return dict(self.texts)[DEFAULT_LANGUAGE]

    @property
    def languages(self) -> tuple[str, ...]:
        return tuple(code for code, _text in self.texts)

    def given_in(self, language: str) -> str | None:
        """The profile's own words in `language`, or None when it gives none."""
        return dict(self.texts).get(language)

    def text_for(self, language: str) -> str:
        """The words in `language`, else in English."""
        given = self.given_in(language)
        return given if given is not None else self.english

    def __str__(self) -> str:
        return self.text_for(current_language())

    def __html__(self) -> str:
        language = current_language()
        given = self.given_in(language)
        if given is not None or language == DEFAULT_LANGUAGE:
            return str(escape(self.text_for(language)))
        return str(Markup('<span lang="en" dir="ltr">%s</span>') % self.english)

    def __bool__(self) -> bool:
        return bool(self.english)


NO_TEXT = LocalText.of("")


def local_text(value: object, where: str, languages: Iterable[str]) -> LocalText:
    """A profile value as a LocalText: a string (English only), or a table by language
    code that has English and only languages the portal knows ("pl", not "PL")."""
    if isinstance(value, str):
        return LocalText.of(value)
    if not isinstance(value, Mapping):
        raise ValueError(f"{where} must be text, or a table of text by language")
    known = set(languages)
    unknown = sorted(set(value) - known)
    if unknown:
        raise ValueError(f"{where} gives text in languages the portal lacks: {unknown}")
    if not isinstance(value.get(DEFAULT_LANGUAGE), str):
        raise ValueError(f"{where} must give the English ({DEFAULT_LANGUAGE} = ...)")
    for code, text in value.items():
        if not isinstance(text, str) or (code != DEFAULT_LANGUAGE and not text.strip()):
            raise ValueError(f"{where}.{code} must be text")
    others = {code: text for code, text in value.items() if code != DEFAULT_LANGUAGE}
    return LocalText.of(value[DEFAULT_LANGUAGE], **others)
