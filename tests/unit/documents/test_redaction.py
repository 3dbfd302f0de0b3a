"""Issue 18, points 4 and 6: a released record holds no trace of a redacted third party.

Each record of the corpus (redaction_corpus.py) hides "Jadwiga Nowicka" in one place. The
name's hits are redacted, and the released file is searched as an attacker would: every
object and every stream decompressed (pikepdf), the text of its pages (pdftotext, and
PDFium), the text layer's own character codes. The box must show its exemption code, and
a word the requester keeps must still be extractable where it was.
"""

from __future__ import annotations

import io
import re
import subprocess
import zlib

import pikepdf
import pypdfium2 as pdfium
import pytest
from PIL import Image

from portal.documents.page_reading import Rect, RedactionError
from portal.documents.redaction import Redaction, image_as_pdf, redact_image, redact_pdf
from portal.documents.term_search import find_term
from portal.documents.uploaded_pages import prepare_pages
from tests.unit.documents import redaction_corpus as corpus

CODE = "S40(2)"
FOUND_IN_THE_TEXT = {  # places whose words PDFium's text layer holds, so a search finds her
    "visible text",
    "white text",
    "invisible text",
    "text under a picture",
    "alt text and ActualText",
    "annotations",
    "form field value",
    "hidden optional-content layer",
}
NOT_SHOWN = [
    "white text",
    "invisible text",
    "text under a picture",
    "hidden optional-content layer",
]


def leaks(pdf: bytes, name: str = corpus.NAME) -> list[str]:
    """Where any part of `name` (either word, any case) can be read in `pdf`."""
    words = [word.lower() for word in name.split()]
    found = []

    def check(where: str, text: str) -> None:
        squeezed = re.sub(r"\s+", "", text.lower())
        if any(word in text.lower() or word in squeezed for word in words):
            found.append(where)

    check("raw bytes", pdf.decode("latin-1"))
    check("raw bytes as UTF-16", pdf.decode("utf-16-be", errors="ignore"))
    # Every stream in the file, whichever revision holds it, inflated where it can be.
    for at, raw in enumerate(re.findall(rb"stream\r?\n(.*?)endstream", pdf, re.DOTALL)):
        try:
            check(f"stream {at} of the file, inflated", zlib.decompress(raw).decode("latin-1"))
        except zlib.error:
            continue
    with pikepdf.open(io.BytesIO(pdf)) as document:
        for obj in document.objects:
            check(f"object {obj.objgen}", repr(obj))
            if isinstance(obj, pikepdf.Stream):
                try:
                    data = obj.read_bytes()
                except pikepdf.PdfError:
                    data = obj.read_raw_bytes()
                check(f"stream {obj.objgen}", data.decode("latin-1"))
                codes = re.findall(rb"<([0-9A-Fa-f]{4})>", data)
                check(f"2-byte codes of {obj.objgen}", "".join(chr(int(c, 16)) for c in codes))
        for name_, attached in document.attachments.items():
            check(f"attachment {name_}", name_ + attached.get_file().read_bytes().decode())
    for options in ([], ["-layout"], ["-raw"]):
        check(f"pdftotext {options}", pdftotext(pdf, *options))
    check("PDFium text", pdfium_text(pdf))
    return found


def pdftotext(pdf: bytes, *options: str) -> str:
    run = subprocess.run(
        ["pdftotext", *options, "-", "-"], input=pdf, capture_output=True, check=True
    )
    return run.stdout.decode()


def pdfium_text(pdf: bytes) -> str:
    document = pdfium.PdfDocument(pdf)
    try:
        return "\n".join(page.get_textpage().get_text_range() for page in document)
    finally:
        document.close()


def word_boxes(pdf: bytes) -> list[tuple[str, float, float, float, float]]:
    """Each word pdftotext reads, with its box: left, top, right, bottom from the page's
    top left, in points."""
    html = pdftotext(pdf, "-bbox")
    return [
        (word, float(x0), float(y0), float(x1), float(y1))
        for x0, y0, x1, y1, word in re.findall(
            r'xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">([^<]*)<', html
        )
    ]


def rendered(pdf: bytes, dpi: float = 72) -> Image.Image:
    document = pdfium.PdfDocument(pdf)
    try:
        return document[0].render(scale=dpi / 72).to_pil().convert("L")
    finally:
        document.close()


def dark_share(image: Image.Image, box: Rect, page_height: float = 792) -> float:
    """The share of the pixels in `box` (points, from the bottom left, at 72 dpi) that are
    near black."""
    area = image.crop(
        (
            round(box.left),
            round(page_height - box.top),
            round(box.right),
            round(page_height - box.bottom),
        )
    )
    histogram = area.histogram()
    return sum(histogram[:64]) / max(sum(histogram), 1)


@pytest.mark.parametrize("place", list(corpus.HIDING_PLACES))
def test_a_redacted_name_leaves_no_trace_wherever_it_hid(place):
    record = corpus.HIDING_PLACES[place]()
    assert leaks(record), "the record must hide her name to begin with"

    hits = find_term(record, corpus.NAME)
    assert bool(hits) == (place in FOUND_IN_THE_TEXT)
    released = redact_pdf(record, [r for hit in hits for r in hit.redactions(CODE)])

    assert leaks(released) == []
    released_text = pdftotext(released)
    assert f"in {corpus.KEPT} on Monday" in " ".join(released_text.split())
    if hits:
        assert CODE in released_text  # the box says why
        page = rendered(released)
        for hit in hits:
            assert 0.6 < dark_share(page, hit.box) < 0.95  # a black box, the code in white


@pytest.mark.parametrize("place", NOT_SHOWN)
def test_what_a_page_does_not_show_is_not_released_even_unredacted(place):
    record = corpus.HIDING_PLACES[place]()
    released = redact_pdf(record, [])
    assert leaks(released) == []
    assert corpus.KEPT in pdftotext(released)


def test_kept_words_stay_selectable_where_they_were():
    record = corpus.visible_text()
    hits = find_term(record, corpus.NAME)
    released = redact_pdf(record, hits[0].redactions(CODE))
    before = {word: box for word, *box in word_boxes(record)}
    after = {word: box for word, *box in word_boxes(released)}
    for word in (corpus.KEPT, "neighbour", "door."):
        assert word in after
        # within two points across, and on the same line (a box of its own font's height)
        assert abs(after[word][0] - before[word][0]) < 2
        assert abs(after[word][2] - before[word][2]) < 2
        assert before[word][1] - 4 < (after[word][1] + after[word][3]) / 2 < before[word][3] + 4
    # The code sits in the box where the name was, between the words either side.
    assert after["neighbour"][2] < after[CODE][0] < after[CODE][2] < after["at"][0]
    assert "neighbour S40(2) at the door." in " ".join(pdftotext(released).split())


def test_an_image_drawn_into_the_page_is_redacted_by_area():
    """Words drawn as pixels need OCR to be found; staff draw a box over them."""
    record = corpus.text_in_a_picture()
    left, bottom, right, top = corpus.IMAGE_BOX
    area = Rect(left, bottom, right, top)
    released = redact_pdf(record, [Redaction(0, area, CODE)])
    page = rendered(released)
    assert dark_share(page, area) > 0.8
    assert CODE in pdftotext(released)
    assert corpus.KEPT in pdftotext(released)
    with pikepdf.open(io.BytesIO(record)) as original:
        pixels = original.pages[0].Resources.XObject.Im1.read_bytes()
    assert pixels[:4096] not in released


def test_a_name_drawn_as_pixels_is_found_by_ocr(tesseract):
    """A photographed note on a page of text: OCR reads the picture, and the hit's box
    holds every dark pixel of it (the name, the picture's only words)."""
    record = corpus.text_in_a_picture()
    [hit] = find_term(record, corpus.NAME)
    assert hit.read_by_ocr and hit.found == corpus.NAME
    left, bottom, right, top = corpus.IMAGE_BOX
    assert left <= hit.box.left < hit.box.right <= right
    assert bottom <= hit.box.bottom < hit.box.top <= top
    page = rendered(record)
    inside = dark_share(page, hit.box) * hit.box.area
    assert inside == pytest.approx(dark_share(page, Rect(*corpus.IMAGE_BOX)) * 200 * 60, rel=0.1)
    released = redact_pdf(record, hit.redactions(CODE))
    assert leaks(released) == []
    assert f"in {corpus.KEPT} on Monday" in " ".join(pdftotext(released).split())


def test_a_term_is_found_whatever_its_case_spacing_or_line_break():
    record = corpus.Record()
    record.text("Met JADWIGA   NOWICKA today;")
    record.drawing.append(
        b"BT /F1 12 Tf 72 580 Td (She said Jadwiga) Tj 0 -14 Td (Nowicka was out) Tj ET"
    )
    record.drawing.append(
        b"BT /F1 12 Tf 72 540 Td (A note: Jadwiga Now-) Tj 0 -14 Td (icka again) Tj ET"
    )
    record.drawing.append(
        b"BT /F1 12 Tf 72 490 Td [(J) -300 (a) -300 (d) -300 (w) -300 (i) -300 (g) -300 (a)] TJ"
        b" 60 0 Td (Nowicka) Tj ET"
    )
    hits = find_term(record.bytes(), "jadwiga nowicka")
    assert [hit.found.lower().replace(" ", "") for hit in hits] == ["jadwiganowicka"] * 2 + [
        "jadwiganow-icka",
        "jadwiganowicka",
    ]
    # A hit over a line break has a box on each line, not one box over both lines' width.
    assert [len(hit.boxes) for hit in hits] == [1, 2, 2, 1]
    assert all(
        "Jadwiga" in hit.context or "JADWIGA" in hit.context or "J a" in hit.context for hit in hits
    )
    released = redact_pdf(record.bytes(), [r for hit in hits for r in hit.redactions(CODE)])
    assert leaks(released) == []
    assert "She said" in pdftotext(released) and "was out" in pdftotext(released)


def test_a_term_that_is_not_there_finds_nothing():
    assert find_term(corpus.visible_text(), "Nowak") == []
    assert find_term(corpus.visible_text(), "   ") == []


def test_a_picture_record_is_redacted_as_a_one_page_pdf():
    image = Image.new("RGB", (600, 300), "white")
    image.paste((200, 30, 30), (100, 100, 300, 200))
    out = io.BytesIO()
    image.save(out, "PNG")
    # 600 x 300 pixels at 150 dpi is 288 x 144 points; the red block is 48-144 pt across
    box = Rect(48, 144 - 96, 144, 144 - 48)
    released = redact_image(out.getvalue(), [Redaction(0, box, CODE)])
    with pikepdf.open(io.BytesIO(released)) as document:
        assert [float(v) for v in document.pages[0].MediaBox] == [0, 0, 288, 144]
    page = rendered(released, dpi=150).convert("RGB")
    assert page.getpixel((200, 110)) == (0, 0, 0)  # inside the box: burned, not red
    assert page.getpixel((50, 50)) == (255, 255, 255)
    assert CODE in pdftotext(released)
    assert len(image_as_pdf(out.getvalue())) > 0


def test_a_record_that_cannot_be_read_is_refused_not_released():
    with pytest.raises(RedactionError):
        redact_pdf(b"%PDF-1.7 not really", [])
    with pytest.raises(RedactionError):
        redact_pdf(corpus.visible_text(), [Redaction(3, Rect(0, 0, 10, 10), CODE)])
    with pytest.raises(RedactionError):
        image_as_pdf(b"not a picture")


def test_a_released_record_carries_nothing_but_its_pages():
    with pikepdf.open(io.BytesIO(corpus.form_field())) as original:
        assert "/AcroForm" in original.Root
    released = redact_pdf(corpus.metadata(), [])
    with pikepdf.open(io.BytesIO(released)) as document:
        assert set(document.Root.keys()) == {"/Type", "/Pages"}
        assert not document.docinfo.keys()
        for page in document.pages:
            assert set(page.obj.keys()) == {
                "/Type",
                "/MediaBox",
                "/Resources",
                "/Contents",
                "/Parent",
            }
    assert released.count(b"%%EOF") == 1  # one revision only


def test_the_leak_check_sees_her_when_she_is_released_unredacted():
    """The check above is only as good as its eyes: an unredacted release must fail it, in
    the released text layer's own codes as well as in what pdftotext reads."""
    found = leaks(redact_pdf(corpus.visible_text(), []))
    assert any(where.startswith("2-byte codes") for where in found)
    assert any(where.startswith("pdftotext") for where in found)


def test_the_words_a_pack_reads_from_a_released_page_omit_the_redacted_ones():
    """The pack draws each page as a figure whose alt text is the page's words
    (uploaded_pages.prepare_pages); read from the released copy, they omit her name."""
    record = corpus.visible_text()
    released = redact_pdf(record, find_term(record, corpus.NAME)[0].redactions(CODE))
    with pikepdf.open(io.BytesIO(released)) as document:
        [page] = prepare_pages(released, document, [0])
    assert page.picture is None  # its one font, the invisible one, is in the file
    assert page.words == (
        f"Visit to the family home in {corpus.KEPT} on Monday. "
        f"Seen with her neighbour {CODE} at the door."
    )


def test_a_turned_and_cropped_page_is_burned_where_it_shows_and_reads_along_its_lines():
    record = corpus.Record()
    record.text(f"Seen with her neighbour {corpus.NAME} at the door.")
    record.page.Rotate = 90
    record.page.CropBox = [36, 36, 576, 756]
    content = record.bytes()
    hits = find_term(content, corpus.NAME)
    released = redact_pdf(content, [r for hit in hits for r in hit.redactions(CODE)])
    assert leaks(released) == []
    with pikepdf.open(io.BytesIO(released)) as document:
        assert [float(v) for v in document.pages[0].MediaBox] == [0, 0, 720, 540]
    assert f"family home in {corpus.KEPT} on Monday." in " ".join(pdftotext(released).split())
    assert f"neighbour {CODE} at the door." in " ".join(pdftotext(released).split())
    # Turned a quarter clockwise, the record's top is the released page's right edge and
    # its left edge the top: the name's line runs down the page near its right edge.
    page = rendered(released)
    [hit] = hits
    box = hit.box
    turned = Rect(box.bottom - 36, 540 - (box.right - 36), box.top - 36, 540 - (box.left - 36))
    assert dark_share(page, turned, page_height=540) > 0.6


def test_each_redaction_burns_its_own_page_only():
    pdf = pikepdf.new()
    helvetica = pdf.make_indirect(
        pikepdf.Dictionary(
            Type=pikepdf.Name.Font, Subtype=pikepdf.Name.Type1, BaseFont=pikepdf.Name.Helvetica
        )
    )
    for words in (b"Page one names nobody.", b"Page two: Jadwiga Nowicka rang."):
        page = pdf.add_blank_page(page_size=(612, 792))
        page.Resources = pikepdf.Dictionary(Font=pikepdf.Dictionary(F1=helvetica))
        page.Contents = pdf.make_stream(b"BT /F1 12 Tf 72 700 Td (%s) Tj ET" % words)
    out = io.BytesIO()
    pdf.save(out)
    hits = find_term(out.getvalue(), corpus.NAME)
    assert [(hit.page, hit.found) for hit in hits] == [(1, corpus.NAME)]
    released = redact_pdf(out.getvalue(), hits[0].redactions(CODE))
    pages = pdftotext(released).split("\f")
    assert " ".join(pages[0].split()) == "Page one names nobody."
    assert " ".join(pages[1].split()) == f"Page two: {CODE} rang."


def test_a_record_locked_with_a_password_is_refused():
    locked = io.BytesIO()
    with pikepdf.open(io.BytesIO(corpus.visible_text())) as document:
        document.save(locked, encryption=pikepdf.Encryption(user="secret", owner="secret"))
    with pytest.raises(RedactionError, match="password"):
        find_term(locked.getvalue(), corpus.NAME)
    with pytest.raises(RedactionError, match="password"):
        redact_pdf(locked.getvalue(), [])
