"""The notice as a tagged PDF/UA-1 document, in every language."""

from __future__ import annotations

import io
import re
import subprocess

import pikepdf
import pytest

from portal.i18n import LANGUAGES
from tests.conftest import translated

# Every shipped language: a new one is covered the day it is added to portal/i18n.py.
LOCALES = tuple(LANGUAGES)


def pdf_text(pdf: bytes) -> str:
    """Extract text with poppler's pdftotext, as a screen reader's PDF engine would."""
    result = subprocess.run(
        ["pdftotext", "-enc", "UTF-8", "-", "-"], input=pdf, capture_output=True, check=True
    )
    text = result.stdout.decode("utf-8")
    # pdftotext marks right-to-left runs with Unicode bidi embedding controls; drop them.
    text = re.sub("[\u202a-\u202e\u2066-\u2069]", "", text)
    return " ".join(text.split())


@pytest.fixture(scope="module")
def pdfs(app):
    client = app.test_client()
    rendered = {}
    for locale in LOCALES:
        response = client.get(f"/{locale}/privacy-notice.pdf")
        assert response.status_code == 200
        assert response.mimetype == "application/pdf"
        rendered[locale] = response.data
    return rendered


@pytest.mark.parametrize("locale", LOCALES)
def test_pdf_is_tagged_pdf_ua_with_language_and_title(pdfs, locale):
    with pikepdf.open(io.BytesIO(pdfs[locale])) as pdf:
        root = pdf.Root
        assert "/StructTreeRoot" in root
        assert root.MarkInfo.Marked is True
        assert str(root.Lang) == locale
        assert root.ViewerPreferences.DisplayDocTitle is True
        with pdf.open_metadata() as meta:
            assert meta.get("pdfuaid:part") == "1"
            title = meta.get("dc:title")
        assert title.startswith(translated(locale, "How we use your family's information"))
        assert len(pdf.pages) >= 3


def test_polish_pdf_text(pdfs):
    text = pdf_text(pdfs["pl"])
    for phrase in (
        translated("pl", "The National Impact Study"),
        translated("pl", "Your rights"),
        "01924 306112",
        "Wakefield Council",
    ):
        assert " ".join(phrase.split()) in text, phrase


def test_urdu_pdf_text_extracts_as_urdu(pdfs):
    text = pdf_text(pdfs["ur"])
    for message in ("Your rights", "How to complain", "Local research", "How long we keep it"):
        phrase = translated("ur", message)
        assert re.fullmatch(r"[\u0600-\u06ff ]+", phrase), "pick an all-Urdu phrase"
        assert phrase in text, phrase
    assert "01924 306112" in text


@pytest.mark.parametrize("locale", ["ur", "ckb"])
def test_arabic_script_pdf_uses_noto_naskh_arabic(pdfs, locale):
    with pikepdf.open(io.BytesIO(pdfs[locale])) as pdf:
        fonts = {
            str(font.get("/BaseFont"))
            for page in pdf.pages
            for _, font in page.Resources.get("/Font", {}).items()
        }
    names = {name.replace("-", "") for name in fonts}
    assert any("NotoNaskhArabic" in name for name in names), fonts
    assert not any("Nastaliq" in name for name in fonts)


# Letters Sorani writes that Arabic does not (Noto Naskh Arabic draws them all): the trilled
# r, the dark l, long e, o and the short vowel e.
SORANI_LETTERS = set("ڕڵێۆە")


def test_sorani_pdf_text_extracts_in_logical_order_with_every_sorani_letter(pdfs):
    """Sorani headings read back from the PDF letter for letter, in reading order, and the
    phone number inside Sorani text keeps its digits in order."""
    text = pdf_text(pdfs["ckb"])
    phrases = [
        translated("ckb", message)
        for message in (
            "About automated decisions",
            "Local research",
            "How to complain",
            "Who we share it with",
        )
    ]
    assert SORANI_LETTERS <= set("".join(phrases)), "pick phrases with every Sorani letter"
    for phrase in phrases:
        assert re.fullmatch(r"[\u0600-\u06ff ]+", phrase), "pick an all-Sorani phrase"
        assert phrase in text, phrase
    assert "01924 306112" in text
    assert "dpo@wakefield.gov.uk" in text


# The letters Latvian adds to the Latin alphabet, other than the rare č.
LATVIAN_LETTERS = set("āēīūģķļņšž")


def test_latvian_pdf_text_extracts_with_every_latvian_letter(pdfs):
    """Latvian's long vowels and softened consonants are drawn in Noto Sans, not a fallback
    font, and read back from the PDF as the same characters."""
    text = pdf_text(pdfs["lv"])
    phrases = [
        " ".join(translated("lv", message).split())
        for message in (
            "Your rights",
            "The aim is to understand families' needs better, and to help the country "
            "understand what social, health and community services will be needed in the future.",
            "This list does not include everything. Some of this information is especially "
            "sensitive in law, such as information about health or about crime. We protect it "
            "with extra care.",
            "We answer within one month. If your request is complex or you have made several, we "
            "may need up to two more months; if so, we will tell you why within the first month.",
        )
    ]
    assert LATVIAN_LETTERS <= set("".join(phrases)), "pick phrases with every Latvian letter"
    for phrase in phrases:
        assert phrase in text, phrase
    with pikepdf.open(io.BytesIO(pdfs["lv"])) as pdf:
        fonts = {
            str(font.get("/BaseFont")).split("+")[-1]
            for page in pdf.pages
            for _, font in page.Resources.get("/Font", {}).items()
        }
    assert fonts and all(name.startswith("Noto-Sans") for name in fonts), fonts


def test_english_pdf_keeps_the_facts(pdfs):
    text = pdf_text(pdfs["en"])
    for phrase in (
        "National Institute of Economic and Social Research",
        "Version 2.1",
        "Early Help Hub",
    ):
        assert phrase in text
