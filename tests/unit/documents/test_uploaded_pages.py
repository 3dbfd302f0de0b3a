"""Uploaded PDFs made ready for a pack: the words on each page, and a picture of any page
whose fonts the file does not carry."""

from __future__ import annotations

import io
import threading

import pikepdf
import pypdfium2 as pdfium
from pikepdf import Name
from PIL import Image, ImageChops
from weasyprint import HTML

from portal.documents import uploaded_pages
from portal.documents.uploaded_pages import (
    PICTURE_DPI,
    WORDS_CAP,
    prepare_pages,
    uses_a_missing_font,
)
from tests.unit.documents.conftest import letter_without_its_font, saved


def as_drawn(picture) -> Image.Image:
    """The picture as a PDF reader decodes it, through pikepdf's own image decoding."""
    pdf = pikepdf.new()
    stream = pikepdf.Stream(pdf, picture.data)
    stream.Type, stream.Subtype = Name.XObject, Name.Image
    stream.Width, stream.Height = picture.pixels
    for key, value in picture.image_dictionary.items():
        stream[key] = value
    return pikepdf.PdfImage(stream).as_pil_image()


def weasyprint_pdf(*pages: str) -> bytes:
    """Pages whose fonts are embedded (WeasyPrint subsets and embeds every font)."""
    body = "".join(f"<p style='break-before: page'>{words}</p>" for words in pages)
    return HTML(string=f"<html lang='en'><body>{body}</body></html>").write_pdf()


def prepared(content: bytes, numbers=None):
    document = pikepdf.open(io.BytesIO(content))
    return prepare_pages(
        content, document, range(len(document.pages)) if numbers is None else numbers
    )


def test_each_page_gives_its_words_with_the_white_space_run_together():
    pages = prepared(weasyprint_pdf("School attendance   for Oliver", "Term two:\n 94%"))
    assert [page.words for page in pages] == ["School attendance for Oliver", "Term two: 94%"]
    assert [page.picture for page in pages] == [None, None]  # their fonts are in the file


def test_only_the_pages_asked_for_are_prepared_in_that_order():
    pages = prepared(weasyprint_pdf("one", "two", "three"), [2, 0])
    assert [page.words for page in pages] == ["three", "one"]


def test_a_page_with_no_text_has_no_words():
    blank = pikepdf.new()
    blank.add_blank_page()
    (page,) = prepared(saved(blank))
    assert page.words == ""
    assert page.picture is None


def test_a_page_whose_font_is_not_in_the_file_is_pictured_and_keeps_its_words():
    content = letter_without_its_font(["Housing officer visit", "Tenancy reference 4471"])
    document = pikepdf.open(io.BytesIO(content))
    assert uses_a_missing_font(document.pages[0])

    (page,) = prepared(content)

    assert page.words == "Housing officer visit Tenancy reference 4471"
    assert page.picture is not None
    assert page.picture.size == (595, 842)
    width, height = page.picture.pixels  # PICTURE_DPI, give or take PDFium's rounding
    assert abs(width - 595 * PICTURE_DPI / 72) < 1 and abs(height - 842 * PICTURE_DPI / 72) < 1
    assert page.picture.grey  # black text on white: kept losslessly
    image = as_drawn(page.picture)
    assert image.mode == "L"
    assert image.size == page.picture.pixels
    # The words were drawn where the text is (top left), and nowhere below them.
    assert image.crop((140, 140, 700, 230)).getextrema()[0] < 100
    assert image.crop((0, 400, *image.size)).getextrema() == (255, 255)


def test_a_grey_page_is_drawn_as_pdfium_draws_it_in_sixteen_shades_and_stays_small():
    lines = [f"Line {n}: rent account reviewed and a repair reported." for n in range(40)]
    content = letter_without_its_font(lines)
    (page,) = prepared(content)
    assert page.picture is not None and page.picture.grey

    reader = pdfium.PdfDocument(content)
    rendered = reader[0].render(scale=PICTURE_DPI / 72).to_pil().convert("L")
    drawn = as_drawn(page.picture)
    assert drawn.size == rendered.size
    step = 255 / (uploaded_pages.GREY_LEVELS - 1)
    # No pixel is further than half a shade from how PDFium draws the page ...
    assert ImageChops.difference(drawn, rendered).getextrema()[1] <= step / 2 + 1
    # ... every shade is one of the sixteen, and the text's grey edges are kept.
    shades = {value for value, count in enumerate(drawn.histogram()) if count}
    assert shades <= {round(n * step) for n in range(uploaded_pages.GREY_LEVELS)}
    assert len(shades) > 2
    # Forty lines of text at 150 dpi fit in well under 40 KB (8 bits a pixel took 150 KB).
    assert len(page.picture.data) < 40_000


def test_a_page_in_colour_is_pictured_in_colour():
    content = letter_without_its_font(["Family plan"], colour=b"0.1 0.5 0.8 rg")
    (page,) = prepared(content)
    assert page.picture is not None
    assert not page.picture.grey
    image = as_drawn(page.picture)
    assert image.mode == "RGB"
    red, _green, blue = image.getpixel((20, 20))  # the blue band across the top
    assert blue > 150 and red < 80


def test_a_missing_font_is_found_inside_a_form_the_page_draws():
    content = letter_without_its_font(["Drawn through a form"], in_a_form=True)
    document = pikepdf.open(io.BytesIO(content))
    assert uses_a_missing_font(document.pages[0])
    (page,) = prepared(content)
    assert page.picture is not None
    assert page.words == "Drawn through a form"


def test_a_very_long_page_is_cut_for_the_screen_reader():
    lines = [f"Line {n} of a very long record " * 3 for n in range(45)]
    content = letter_without_its_font(lines)
    (page,) = prepared(content)
    assert len(page.words) <= WORDS_CAP
    assert page.words.startswith("Line 0 of a very long record")


def test_a_file_pdfium_cannot_read_gives_pages_with_no_words():
    content = weasyprint_pdf("one", "two")
    document = pikepdf.open(io.BytesIO(content))
    pages = prepare_pages(b"%PDF-1.7 this is not the file", document, range(2))
    assert [(page.words, page.picture) for page in pages] == [("", None), ("", None)]


def test_threads_take_turns_with_pdfium():
    content = letter_without_its_font(["Taking turns"])
    results: list[str] = []

    def work() -> None:
        results.extend(page.words for page in prepared(content))

    threads = [threading.Thread(target=work) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert results == ["Taking turns"] * 4


def test_a_missing_font_is_found_in_resources_the_page_inherits():
    pdf = pikepdf.open(io.BytesIO(letter_without_its_font(["Inherited"])))
    pdf.Root.Pages.Resources = pdf.pages[0].obj.Resources  # kept by the page tree instead
    del pdf.pages[0].obj["/Resources"]
    content = saved(pdf)
    document = pikepdf.open(io.BytesIO(content))
    assert uses_a_missing_font(document.pages[0])
    (page,) = prepared(content)
    assert page.picture is not None
    assert page.words == "Inherited"


def test_a_page_pdfium_cannot_read_is_left_as_it_is(monkeypatch):
    real = uploaded_pages._prepare

    def failing_on_the_second(reader, number, *, picture):
        if number == 1:
            raise pdfium.PdfiumError("Failed to load text page.")
        return real(reader, number, picture=picture)

    monkeypatch.setattr(uploaded_pages, "_prepare", failing_on_the_second)
    pages = prepared(weasyprint_pdf("one", "two", "three"))
    assert [(page.words, page.picture) for page in pages] == [
        ("one", None),
        ("", None),
        ("three", None),
    ]
