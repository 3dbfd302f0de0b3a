"""Issue 18, points 2, 4 and 6 for words drawn as pixels: a name in a scan or a photographed
letter is found by OCR (Tesseract) with a box over it, and after redaction neither the
released file's text, nor OCR of the released page, reads it; the words kept are still
read, and selectable, from the released page's text layer.

Each scan is drawn here with Pillow, so where the name sits is known to the pixel. The
released page is read back as an attacker would: pdftotext, and Tesseract run afresh on the
page drawn at 300 dpi (not the portal's own OCR, nor its memory of an earlier reading).
"""

from __future__ import annotations

import io
import subprocess

import pikepdf
import pypdfium2 as pdfium
import pytest
from PIL import Image, ImageDraw, ImageFont

from portal.documents.ocr import languages_for
from portal.documents.page_reading import Rect
from portal.documents.redaction import image_as_pdf, redact_image, redact_pdf
from portal.documents.term_search import find_term
from portal.documents.uploaded_pages import prepare_pages
from tests.unit.documents import redaction_corpus as corpus
from tests.unit.documents.test_redaction import leaks, pdftotext, word_boxes

CODE = "S40(2)"
DPI = 150
LINES = [
    f"Visit to the family home in {corpus.KEPT} on Monday.",
    f"Seen with her neighbour {corpus.NAME} at the door.",
    "She said the children were well and at school.",
]
NAME_LINE = 1
KEPT_WORDS = ("Visit", corpus.KEPT, "neighbour", "door.", "children", "school.")


def scanned_letter(size: tuple[int, int] = (1275, 1650)) -> tuple[Image.Image, tuple]:
    """A grey page of LINES at 150 dpi (US letter), as a scanner gives it, and the
    pixels the name covers (left, top, right, bottom)."""
    image = Image.new("L", size, 245)  # a scan's paper is never quite white
    draw = ImageDraw.Draw(image)
    font = ImageFont.load_default(size=30)
    name_box = (0, 0, 0, 0)
    for number, line in enumerate(LINES):
        at = (150, 200 + 60 * number)
        draw.text(at, line, fill=20, font=font)
        if number == NAME_LINE:
            before = line[: line.index(corpus.NAME)]
            left = at[0] + draw.textlength(before, font=font)
            _, top, _, bottom = draw.textbbox(at, line, font=font)
            name_box = (left, top, left + draw.textlength(corpus.NAME, font=font), bottom)
    return image, name_box


def jpeg(image: Image.Image) -> bytes:
    out = io.BytesIO()
    image.save(out, "JPEG", quality=80)
    return out.getvalue()


def scanned_pdf(image: Image.Image, *, rotate: int = 0) -> bytes:
    """A PDF page that is only `image` (a JPEG), printed at 150 dpi. Turned (`rotate`),
    the picture is stored sideways and the page's /Rotate turns it upright, as some
    scanners write it."""
    stored = image.rotate(rotate, expand=True) if rotate else image
    width, height = (v * 72 / DPI for v in stored.size)
    pdf = pikepdf.new()
    picture = pikepdf.Stream(pdf, jpeg(stored))
    picture.Type, picture.Subtype = pikepdf.Name.XObject, pikepdf.Name.Image
    picture.Width, picture.Height = stored.size
    picture.ColorSpace, picture.BitsPerComponent = pikepdf.Name.DeviceGray, 8
    picture.Filter = pikepdf.Name.DCTDecode
    page = pdf.add_blank_page(page_size=(width, height))
    page.Resources = pikepdf.Dictionary(XObject=pikepdf.Dictionary(Scan=picture))
    page.Contents = pdf.make_stream(b"q %.2f 0 0 %.2f 0 0 cm /Scan Do Q" % (width, height))
    if rotate:
        page.Rotate = rotate
    out = io.BytesIO()
    pdf.save(out)
    return out.getvalue()


def in_points(pixels: tuple, image: Image.Image) -> Rect:
    """A box in pixels of a 150 dpi picture filling an upright page, in the page's points."""
    left, top, right, bottom = (v * 72 / DPI for v in pixels)
    height = image.height * 72 / DPI
    return Rect(left, height - bottom, right, height - top)


def ocr_of_released(pdf: bytes, tesseract: str) -> str:
    """What Tesseract reads on the released page, drawn afresh at 300 dpi."""
    document = pdfium.PdfDocument(pdf)
    try:
        picture = document[0].render(scale=300 / 72).to_pil().convert("L")
    finally:
        document.close()
    out = io.BytesIO()
    picture.save(out, "PNG")
    run = subprocess.run(
        [tesseract, "stdin", "stdout", "-l", "eng"],
        input=out.getvalue(),
        capture_output=True,
        check=True,
    )
    return " ".join(run.stdout.decode().split())


def assert_covers(box: Rect, name: Rect) -> None:
    """`box` holds the name's letters, and is not much wider than the name."""
    assert box.left <= name.left + 0.5 and box.right >= name.right - 0.5
    assert box.bottom <= name.bottom + 0.5 and box.top >= name.top - 0.5
    assert box.right - box.left < (name.right - name.left) + 12


def assert_released_without_her(released: bytes, tesseract: str) -> None:
    assert leaks(released) == []  # bytes inflated, pdftotext, PDFium, the font's codes
    read = ocr_of_released(released, tesseract)
    assert "Jadwiga" not in read and "Nowicka" not in read
    for word in ("neighbour", "door", corpus.KEPT, "children"):
        assert word in read
    # The kept words are in the released page's text layer, the box's code between them.
    text = " ".join(pdftotext(released).split())
    assert f"Seen with her neighbour {CODE} at the door." in text
    assert f"Visit to the family home in {corpus.KEPT} on Monday." in text


def test_a_name_in_a_scanned_picture_record_is_found_and_burned_out(tesseract):
    image, name = scanned_letter()
    record = jpeg(image)
    [hit] = find_term(image_as_pdf(record), corpus.NAME)
    assert hit.read_by_ocr and hit.found == corpus.NAME
    assert "neighbour Jadwiga Nowicka at the door" in hit.context
    assert_covers(hit.box, in_points(name, image))

    released = redact_image(record, hit.redactions(CODE))
    assert_released_without_her(released, tesseract)


@pytest.mark.parametrize("rotate", [0, 90])
def test_a_name_in_a_scanned_pdf_page_is_found_and_burned_out(tesseract, rotate):
    image, name = scanned_letter()
    record = scanned_pdf(image, rotate=rotate)
    [hit] = find_term(record, "jadwiga  NOWICKA")
    assert hit.read_by_ocr
    released = redact_pdf(record, hit.redactions(CODE))
    assert_released_without_her(released, tesseract)
    if not rotate:
        assert_covers(hit.box, in_points(name, image))


def test_kept_words_of_a_released_scan_are_selectable_where_they_show(tesseract):
    image, _ = scanned_letter()
    record = scanned_pdf(image)
    assert pdftotext(record).strip() == ""  # a scan: no text to select
    released = redact_pdf(record, find_term(record, corpus.NAME)[0].redactions(CODE))
    boxes = {word: box for word, *box in word_boxes(released)}
    draw = ImageDraw.Draw(image)
    font = ImageFont.load_default(size=30)
    for number, line in enumerate(LINES):
        for word in line.split():
            if word in KEPT_WORDS:
                left = 150 + draw.textlength(line[: line.index(word)], font=font)
                where = (left * 72 / DPI, (200 + 60 * number) * 72 / DPI)  # its top left
                x0, y0, _, y1 = boxes[word]
                assert abs(x0 - where[0]) < 3, word
                assert y0 - 4 < where[1] + 7 < y1 + 4, word  # the box holds its line


def test_the_words_a_pack_reads_from_a_released_scan_omit_the_redacted_ones(tesseract):
    image, _ = scanned_letter()
    record = scanned_pdf(image)
    released = redact_pdf(record, find_term(record, corpus.NAME)[0].redactions(CODE))
    with pikepdf.open(io.BytesIO(released)) as document:
        [page] = prepare_pages(released, document, [0])
    assert page.words == " ".join(LINES).replace(corpus.NAME, CODE)


def test_a_scan_with_no_redaction_keeps_all_its_words_readable(tesseract):
    image, _ = scanned_letter()
    released = redact_pdf(scanned_pdf(image), [])
    assert " ".join(pdftotext(released).split()) == " ".join(LINES)


def test_a_name_in_a_scan_under_an_old_ocr_layer_is_one_hit_and_burned_out(tesseract):
    """A scanner's own OCR layer (invisible text over the picture) and the picture both
    say the name: one hit, the text layer's, and neither survives release."""
    image, name = scanned_letter()
    with pikepdf.open(io.BytesIO(scanned_pdf(image))) as document:
        page = document.pages[0]
        page.Resources.Font = pikepdf.Dictionary(
            F1=pikepdf.Dictionary(
                Type=pikepdf.Name.Font,
                Subtype=pikepdf.Name.Type1,
                BaseFont=pikepdf.Name.Helvetica,
            )
        )
        box = in_points(name, image)
        page.contents_add(
            document.make_stream(
                b"BT 3 Tr /F1 14 Tf %.2f %.2f Td (%s) Tj ET"
                % (box.left, box.bottom + 2, corpus.NAME.encode())
            )
        )
        out = io.BytesIO()
        document.save(out)
    record = out.getvalue()
    [hit] = find_term(record, corpus.NAME)
    assert not hit.read_by_ocr
    released = redact_pdf(record, hit.redactions(CODE))
    assert "Jadwiga" not in pdftotext(released)
    assert "neighbour" in pdftotext(released)


def test_a_term_spelled_with_a_languages_letters_is_read_with_its_data_too():
    assert languages_for(["Jadwiga Nowicka"]) == ("eng",)
    assert languages_for(["Łucja Wiśniewska"]) == ("eng", "pol")
    assert "ron" in languages_for(["Ionuț Popescu"])
    assert "urd" in languages_for(["ہوشیار"])
