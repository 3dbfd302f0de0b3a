"""PDF/UA-1 (ISO 14289-1, 7.2): a change of language inside a document is tagged, so a
screen reader reads English words in a Polish letter as English."""

from __future__ import annotations

import pikepdf

from portal.documents.pdf import render_pdf
from tests.unit.documents.conftest import open_pdf


def languages_of_the_text(pdf: bytes) -> list[str]:
    """The language of each piece of marked text, in reading order: the nearest /Lang up
    the structure tree from the element that holds it, else the document's."""
    found: list[str] = []

    def walk(element, language):
        language = str(element["/Lang"]) if "/Lang" in element else language
        kids = element.get("/K")
        for kid in kids if isinstance(kids, pikepdf.Array) else [kids]:
            if isinstance(kid, int):  # a marked-content id: text drawn on the page
                found.append(language)
            elif isinstance(kid, pikepdf.Dictionary) and "/S" in kid:
                walk(kid, language)

    with open_pdf(pdf) as document:
        walk(document.Root.StructTreeRoot.K[0], str(document.Root.Lang))
    return found


def test_english_inside_a_polish_document_is_tagged_as_english():
    pdf = render_pdf(
        '<html lang="pl"><head><title>Godziny</title></head><body>'
        '<p>Godziny otwarcia: <span lang="en" dir="ltr">Monday to Friday</span></p>'
        "<p>Bez zmian</p>"
        "</body></html>"
    )
    # "Godziny otwarcia:" in Polish, the hours in English, the last paragraph in Polish.
    assert languages_of_the_text(pdf) == ["pl", "en", "pl"]
