"""Locale in the URL, the language switcher, and text direction on every page."""

from __future__ import annotations

import re

import pytest

from portal.i18n import LANGUAGES
from tests.conftest import RIGHT_TO_LEFT, get_page, translated

LOCALES = ("en", "pl", "ro", "ur", "lt", "lv", "ckb")
NATIVE_NAMES = {
    "en": "English",
    "pl": "Polski",
    "ro": "Română",
    "ur": "اردو",
    "lt": "Lietuvių",
    "lv": "Latviešu",
    "ckb": "کوردی سۆرانی",
}
PAGES = ("", "accessibility", "cookies")


@pytest.mark.parametrize("locale", LOCALES)
@pytest.mark.parametrize("page", PAGES)
def test_every_page_has_the_right_lang_and_dir(client, locale, page):
    result = get_page(client, f"/{locale}/{page}")
    assert result.lang == locale
    assert result.dir == ("rtl" if locale in RIGHT_TO_LEFT else "ltr")


def test_the_right_to_left_languages_are_urdu_and_sorani():
    assert {code for code, language in LANGUAGES.items() if language.direction == "rtl"} == (
        RIGHT_TO_LEFT
    )


@pytest.mark.parametrize("locale", LOCALES)
def test_language_switcher_names_each_language_in_itself(client, locale):
    page = get_page(client, f"/{locale}/cookies")
    for code, name in NATIVE_NAMES.items():
        if code == locale:
            assert re.search(rf'aria-current="true" lang="{code}"[^>]*>{name}<', page.html)
        else:
            # The switcher keeps the visitor on the same page in the other language.
            assert re.search(rf'href="/{code}/cookies" hreflang="{code}" lang="{code}"', page.html)
            assert f">{name}</a>" in page.html


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        ("pl-PL,pl;q=0.9,en;q=0.5", "pl"),
        ("ur", "ur"),
        ("ro-RO", "ro"),
        ("lt;q=0.8, de;q=0.9", "lt"),
        ("lv-LV,ru;q=0.9", "lv"),
        ("ckb-IQ,ar;q=0.8,en;q=0.5", "ckb"),
        ("ckb,en;q=0.5", "ckb"),
        ("pl-PL,en;q=0.5", "pl"),
        ("en-GB,ur;q=0.9", "en"),
        ("ur;q=0,pl;q=0.5", "pl"),
        ("*", "en"),
        ("de-DE,fr;q=0.8", "en"),
        ("", "en"),
        (";;;q=abc,,,=pl", "en"),
        ("pl;q=not-a-number", "en"),
        ("\x00\xff garbage", "en"),
    ],
)
def test_root_redirects_by_accept_language(client, header, expected):
    response = client.get("/", headers={"Accept-Language": header})
    assert response.status_code == 302
    assert response.headers["Location"] == f"/{expected}/"
    assert "Accept-Language" in response.headers["Vary"]


def test_root_without_accept_language_goes_to_english(client):
    response = client.get("/")
    assert response.headers["Location"] == "/en/"


@pytest.mark.parametrize("url", ["/xx/", "/de/cookies", "/EN/", "/pl-PL/"])
def test_unknown_locale_is_a_404(client, url):
    page = get_page(client, url, status=404, lang="en")
    assert "Page not found" in page.title


def test_404_is_in_the_language_of_the_url(client):
    page = get_page(client, "/pl/no-such-page", status=404)
    assert page.title.startswith(translated("pl", "Page not found"))


def test_404_under_unknown_locale_uses_accept_language(client):
    page = get_page(client, "/xx/", status=404, lang="pl", headers={"Accept-Language": "pl"})
    assert page.lang == "pl"


def test_english_is_not_marked_as_unchecked(client):
    page = get_page(client, "/en/")
    assert "has not yet checked" not in page.html


@pytest.mark.parametrize("locale", ["pl", "ro", "ur", "lt", "lv", "ckb"])
def test_unchecked_languages_say_so_in_their_language_and_in_english(client, locale, app):
    from portal.i18n import translation_review

    assert not translation_review(locale).checked
    page = get_page(client, f"/{locale}/")
    banner = re.search(r'<div class="portal-translation-banner".*?</div>', page.html, re.S)
    assert banner, "no translation banner"
    assert "A council translator has not yet checked this" in banner.group(0)
    # and the same message in the page's own language, which is not English
    first_paragraph = re.search(r"</strong>(.*?)</p>", banner.group(0), re.S).group(1)
    assert "council translator" not in first_paragraph
    assert first_paragraph.strip()


def test_checked_language_has_no_banner(database_url, tmp_path, monkeypatch):
    from portal import i18n
    from tests.conftest import make_app

    app = make_app(database_url, tmp_path)

    monkeypatch.setattr(
        i18n, "translation_review", lambda code: i18n.TranslationReview(True, "checked")
    )
    monkeypatch.setattr("portal.public.translation_review", i18n.translation_review)
    page = get_page(app.test_client(), "/pl/")
    assert "portal-translation-banner" not in page.html


def test_the_accessibility_statement_names_every_language_offered(client):
    text = get_page(client, "/en/accessibility").text()
    for language in LANGUAGES.values():
        assert language.english_name in text, language.english_name


def test_the_sorani_banner_says_it_in_sorani_and_in_english(client):
    text = " ".join(get_page(client, "/ckb/").text().split())
    assert "هێشتا وەرگێڕێکی ئەنجومەن ئەم وەرگێڕانەی نەپشکنیوە." in text
    assert "A council translator has not yet checked this Sorani Kurdish translation." in text
