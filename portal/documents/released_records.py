"""An uploaded record as staff redact it and as the resident receives it (issue 18).

Staff see the record's pages as pictures (to draw areas on, and for the reviewer, the
original beside the released page), its lines of text (to pick with the keyboard), and
the places a term search found (term_search). The pack gets the released copy: every page
rebuilt with the accepted redactions burned in (redaction.redact_pdf), so nothing withheld,
nor anything hidden on any page of the record, reaches the resident.

A JPEG or PNG record is handled as the one-page PDF of its picture (redaction.image_as_pdf),
so its boxes are in that page's points, like a PDF's.
"""

from __future__ import annotations

import io
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import pypdfium2 as pdfium

from portal.cases.record_redactions import AcceptedRedaction, PlaceFound
from portal.cases.redaction_models import Box
from portal.documents.ocr import Readings
from portal.documents.page_reading import (
    Rect,
    RedactionError,
    as_seen,
    device_to_page,
    read_chars,
)
from portal.documents.redaction import Redaction, image_as_pdf, redact_pdf
from portal.documents.term_search import find_terms
from portal.documents.uploaded_pages import PDFIUM_LOCK
from portal.documents.written_records import written_as_pdf
from portal.evidence.inspection import detect_media_type

PDF = "application/pdf"
PICTURE_TYPES = ("image/png", "image/jpeg")
PREVIEW_WIDTH = 900  # pixels: a page picture staff draw on, sharp enough to read


@dataclass(frozen=True)
class Line:
    """A line of a page's text, with its box, for staff to pick with the keyboard."""

    number: int  # from 1 on its page
    text: str
    box: tuple[float, float, float, float]


@dataclass(frozen=True)
class PagePreview:
    """A page drawn for staff: PNG bytes, and how its pixels map to the page's points."""

    png: bytes
    width_points: float
    height_points: float


def record_as_pdf(content: bytes) -> bytes:
    """The record as a PDF: itself, the page of its picture, or an email, text or Word
    document set as pages (written_records). RedactionError for anything else (the pack
    refuses such items too)."""
    media_type = detect_media_type(content)
    if media_type == PDF:
        return content
    if media_type in PICTURE_TYPES:
        return image_as_pdf(content)
    return written_as_pdf(content)  # an email, text or Word; RedactionError for anything else


def find_places(
    content: bytes, terms: Sequence[str], known: Readings | None = None
) -> dict[str, list[PlaceFound]]:
    """Every place each term is found in the record, for staff to judge; pictures whose
    reading is `known` (upload_reading.kept_readings) are not read again."""
    hits = find_terms(record_as_pdf(content), terms, known=known)
    return {
        term: [
            PlaceFound(
                page=hit.page,
                boxes=tuple((b.left, b.bottom, b.right, b.top) for b in hit.boxes),
                found=hit.found,
                context=hit.context,
            )
            for hit in found
        ]
        for term, found in hits.items()
    }


def page_count(content: bytes) -> int:
    with PDFIUM_LOCK:
        document = _open(record_as_pdf(content))
        try:
            return len(document)
        finally:
            document.close()


def page_lines(content: bytes, page: int) -> list[Line]:
    """The lines of text on a page, in reading order, each with the box around it."""
    seen = as_seen(record_as_pdf(content))
    with PDFIUM_LOCK:
        document = _open(seen)
        try:
            if not 0 <= page < len(document):
                raise RedactionError("that page is not in the record")
            pdf_page = document[page]
            try:
                chars = read_chars(pdf_page, ink=False)
            finally:
                pdf_page.close()
        finally:
            document.close()
    lines: list[Line] = []
    text: list[str] = []
    box: Rect | None = None
    for char in [*chars, None]:
        if char is None or char.text in ("\r", "\n"):
            words = " ".join("".join(text).split())
            if words and box is not None:
                edges = (box.left, box.bottom, box.right, box.top)
                lines.append(Line(len(lines) + 1, words, edges))
            text, box = [], None
            continue
        text.append(char.text)
        if char.box.area > 0:
            box = char.box if box is None else box.union(char.box)
    return lines


def area_box(content: bytes, page: int, area: tuple[float, float, float, float]) -> Box:
    """An area marked on a page's picture, as fractions of its width and height from the
    top left (left, top, right, bottom), as a box in the page's points: PDFium's own
    mapping, so a turned or cropped page comes out right."""
    left, top, right, bottom = (min(max(value, 0.0), 1.0) for value in area)
    with PDFIUM_LOCK:
        document = _open(as_seen(record_as_pdf(content)))
        try:
            if not 0 <= page < len(document):
                raise RedactionError("that page is not in the record")
            pdf_page = document[page]
            try:
                corners = [
                    device_to_page(pdf_page, u, v) for u in (left, right) for v in (top, bottom)
                ]
            finally:
                pdf_page.close()
        finally:
            document.close()
    xs = [x for x, _ in corners]
    ys = [y for _, y in corners]
    return (min(xs), min(ys), max(xs), max(ys))


def page_preview(content: bytes, page: int, *, width: int = PREVIEW_WIDTH) -> PagePreview:
    """A page of the record drawn `width` pixels wide, as PNG."""
    return _preview(as_seen(record_as_pdf(content)), page, width)


def released_record(
    content: bytes,
    redactions: Sequence[AcceptedRedaction],
    label: Callable[[str], str],
    known: Readings | None = None,
) -> bytes:
    """The released copy of the record: a new PDF with each redaction burned in, labelled
    with label(code) (the exemption's short reference); pictures whose reading is `known`
    are not read again for its text layer."""
    burned = [
        Redaction(redaction.page, Rect(*box), label(str(redaction.code)))
        for redaction in redactions
        for box in redaction.boxes
    ]
    return redact_pdf(record_as_pdf(content), burned, known=known)


def released_preview(
    content: bytes,
    redactions: Sequence[AcceptedRedaction],
    label: Callable[[str], str],
    page: int,
    *,
    width: int = PREVIEW_WIDTH,
    known: Readings | None = None,
) -> PagePreview:
    """A released page drawn as the reviewer checks it beside the original."""
    on_page = [redaction for redaction in redactions if redaction.page == page]
    released = released_record(_one_page(content, page), _moved(on_page), label, known)
    return _preview(released, 0, width)


def _one_page(content: bytes, page: int) -> bytes:
    """The record cut down to one page, so the reviewer's preview rebuilds only that."""
    import pikepdf

    with pikepdf.open(io.BytesIO(record_as_pdf(content))) as whole:
        if not 0 <= page < len(whole.pages):
            raise RedactionError("that page is not in the record")
        single = pikepdf.new()
        single.pages.append(whole.pages[page])
        out = io.BytesIO()
        single.save(out)
    return out.getvalue()


def _moved(redactions: Sequence[AcceptedRedaction]) -> list[AcceptedRedaction]:
    return [AcceptedRedaction(0, redaction.boxes, redaction.code) for redaction in redactions]


def _preview(pdf: bytes, page: int, width: int) -> PagePreview:
    with PDFIUM_LOCK:
        document = _open(pdf)
        try:
            if not 0 <= page < len(document):
                raise RedactionError("that page is not in the record")
            pdf_page = document[page]
            try:
                width_points, height_points = pdf_page.get_size()
                scale = width / max(width_points, 1.0)
                image = pdf_page.render(scale=scale).to_pil()
            finally:
                pdf_page.close()
        finally:
            document.close()
    out = io.BytesIO()
    image.convert("RGB").save(out, format="PNG", optimize=False)
    return PagePreview(out.getvalue(), width_points, height_points)


def _open(content: bytes) -> pdfium.PdfDocument:
    try:
        return pdfium.PdfDocument(content)
    except pdfium.PdfiumError as error:
        raise RedactionError(f"PDFium cannot read the PDF ({error})") from None
