"""Redaction burned in: a released record that holds nothing the council withheld.

A released record is a new PDF, written from scratch. Each page of the record (as seen
on screen, page_reading.as_seen) is drawn by PDFium into a picture; each redaction box
is painted solid black over it, with its exemption code in white; the picture is the
page's only drawing. Over it lies an invisible text layer (invisible_text.py) of the
characters that show on the page and are not redacted, each where it was, so the page
can still be searched, selected and read aloud.

Nothing else is copied: no annotations, bookmarks, form fields, structure tree or alt
text, metadata (Info or XMP), attachments, optional-content layers, scripts or earlier
revisions. What cannot be seen on a page is not released either: white text, text under
a picture, text in a hidden layer, text clipped away or written invisibly (an old scan's
OCR layer among it). A character counts as shown when the page drawn with its text
differs from the page drawn without any text inside the character's outline; the
reviewer judged what the page shows, so the text layer says only that.

Words drawn as pixels (a scanned page, an image record, a picture on a page) are read by
OCR (ocr.py: the reading the worker kept at upload, or the one term search made, so a page
is read once) and written into
the text layer too, where they show: every word a redaction box touches is left out, so
only words the released picture shows unchanged are in it. A word under a box, or cut by
one, is not there to be copied or read aloud, even in part.

Accessibility. The released file is not tagged: a record's own structure (headings,
lists, tables, reading order, language spans, figures' alt text, ActualText) is dropped
with everything else, since any of it may name the person withheld. The pack (packs.py)
already draws each uploaded page as a tagged figure whose alt text is the page's words
(prepare_pages); what it needs is to be given the released file instead of the original:
prepare_pages then reads the kept words, with each redaction's code in its place, from
the text layer, the invisible font is embedded so no page needs a picture of its own, and
only the released pages are drawn in (today the pack copies an upload's page drawing,
hidden text included). JPEG and PNG records with redactions go the same way, as PDFs
(redact_image). Rebuilding the record's own tags from its kept text is left undone.
"""

from __future__ import annotations

import functools
import io
from collections import deque
from collections.abc import Iterable, Sequence
from concurrent.futures import Future
from dataclasses import dataclass, field

import pikepdf
import pypdfium2 as pdfium
from pikepdf import Name
from PIL import Image, ImageChops, ImageDraw, ImageFont, ImageOps

from portal.documents import invisible_text, ocr, pictured_words
from portal.documents.invisible_text import PlacedText
from portal.documents.page_reading import (
    MAX_PAGE_PIXELS,
    Char,
    PageGeometry,
    Rect,
    RedactionError,
    as_seen,
    drawing_scale,
    read_chars,
    textless,
)
from portal.documents.pictured_words import Region
from portal.documents.uploaded_pages import PDFIUM_LOCK, PICTURE_DPI, PagePicture, picture_of

__all__ = [
    "MAX_PAGE_PIXELS",
    "Rect",
    "Redaction",
    "RedactionError",
    "image_as_pdf",
    "redact_image",
    "redact_pdf",
]

INK_THRESHOLD = 24  # of 255: how far a pixel must change for a character to count as shown
COVERED = 0.15  # a character this much under a redaction box is withheld with it
_LABEL_SHARE = 0.7  # of the box's height, at most, for the code's letters
_LABEL_MIN_PIXELS = 6
_LABEL_LINE_POINTS = 24.0  # the code's height in the text layer, at most


@dataclass(frozen=True)
class Redaction:
    """Withhold what lies in `box` (PDF points, the record's own user space, as find_term
    reports) on page `page` (counted from 0), for the exemption `code`."""

    page: int
    box: Rect
    code: str


def redact_pdf(
    content: bytes,
    redactions: Sequence[Redaction],
    *,
    dpi: float = PICTURE_DPI,
    languages: Sequence[str] = ocr.LANGUAGES,
    known: ocr.Readings | None = None,
) -> bytes:
    """The released copy of the PDF `content`, with `redactions` burned in (see the module's
    docstring). Every page is rebuilt, with or without redactions on it; words drawn as
    pixels are read by OCR in `languages` for its text layer, unless their reading is
    `known` (read at upload)."""
    seen = as_seen(content)
    with PDFIUM_LOCK:
        shown = _open(seen)
        hidden = _open(textless(seen))
        try:
            if any(not 0 <= r.page < len(shown) for r in redactions):
                raise RedactionError("a redaction names a page the record does not have")
            released = pikepdf.new()
            font = invisible_text.add_text_font(released)
            # A page waits here while OCR reads it (on other threads) and the next is drawn.
            reading: deque[_Burned] = deque()
            for number in range(len(shown)):
                boxes = [r for r in redactions if r.page == number]
                reading.append(_burn(shown[number], hidden[number], boxes, dpi, languages, known))
                ocr.wait_for_room(future for burned in reading for _, future in burned.reads)
                while reading and (len(reading) > 2 or reading[0].read()):
                    _add_page(released, font, reading.popleft())
            while reading:
                _add_page(released, font, reading.popleft())
        finally:
            hidden.close()
            shown.close()
    out = io.BytesIO()
    released.save(out, compress_streams=True, object_stream_mode=pikepdf.ObjectStreamMode.generate)
    return out.getvalue()


def image_as_pdf(content: bytes, dpi: float = PICTURE_DPI) -> bytes:
    """A JPEG or PNG record as a one-page PDF (pixels only, turned the right way up), the
    page as big as the picture printed at `dpi`, so it can be redacted like any page."""
    try:
        with Image.open(io.BytesIO(content)) as opened:
            image = ImageOps.exif_transpose(opened).convert("RGB")
    except (OSError, Image.DecompressionBombError) as error:
        raise RedactionError(f"the image cannot be read ({error})") from None
    size = (image.width * 72 / dpi, image.height * 72 / dpi)
    document = pikepdf.new()
    _add_page(document, None, _Burned(picture_of(image, size), []))
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def redact_image(
    content: bytes,
    redactions: Sequence[Redaction],
    *,
    dpi: float = PICTURE_DPI,
    known: ocr.Readings | None = None,
) -> bytes:
    """The released copy of a JPEG or PNG record, as a one-page PDF. Boxes are in the
    points of image_as_pdf's page: pixels * 72 / dpi, from the bottom left."""
    return redact_pdf(image_as_pdf(content, dpi), redactions, dpi=dpi, known=known)


@dataclass(frozen=True)
class _Burned:
    picture: PagePicture
    text: list[PlacedText]  # in the record's user space
    matrix: tuple[float, ...] = (1, 0, 0, 1, 0, 0)  # from that space to the released page's
    # OCR's readings of the page's pictures; the pixels the boxes blacked out; each box's
    # code with its pixels, where the code is read among the words OCR read.
    reads: list[tuple[Region, Future[list[ocr.Word]]]] = field(default_factory=list)
    painted: list[Region] = field(default_factory=list)
    codes: list[tuple[Region, str]] = field(default_factory=list)

    def read(self) -> bool:
        return all(future.done() for _, future in self.reads)

    def words_shown(self) -> list[PlacedText]:
        """The words OCR read that the released picture shows unchanged, with the codes
        of the boxes among them (pictured_words.shown_text)."""
        read = [(region, future.result()) for region, future in self.reads]
        return pictured_words.shown_text(
            read, self.painted, self.codes, self.picture.pixels, self.picture.size
        )


def _open(content: bytes) -> pdfium.PdfDocument:
    try:
        return pdfium.PdfDocument(content)
    except pdfium.PdfiumError as error:
        raise RedactionError(f"PDFium cannot read the PDF ({error})") from None


def _burn(
    page: pdfium.PdfPage,
    without_text: pdfium.PdfPage,
    redactions: Sequence[Redaction],
    dpi: float,
    languages: Sequence[str],
    known: ocr.Readings | None,
) -> _Burned:
    width, height = page.get_size()
    scale = drawing_scale(page, dpi)
    image = _render(page, scale)
    geometry = PageGeometry.of(page, image.size)
    chars = read_chars(page)
    plain = _render(without_text, scale) if chars else None
    ink = _ink(image, plain) if plain is not None else None
    # OCR reads what the page draws as pixels, as term search did: the page without its
    # text, before any box is painted (the words a box touches are left out afterwards).
    has_text = any(not char.text.isspace() for char in chars if char.text)
    regions = pictured_words.regions(page, geometry, has_text=has_text)
    source = plain if has_text and plain is not None else image
    reads = [
        (region, ocr.read_soon(picture, languages, known))
        for region, picture in pictured_words.crops(source, regions)
    ]
    draw = ImageDraw.Draw(image)
    labels = [_paint(draw, geometry, redaction) for redaction in redactions]
    painted = [geometry.pixel_box(redaction.box, margin=1) for redaction in redactions]
    fates = [_fate(char, geometry, ink, redactions) for char in chars]
    # A box over no character of the text layer (over a picture's words, say) has its code
    # read among the words OCR reads, where it is; else after the page's text.
    codes = [
        (painted[number], redactions[number].code.strip())
        for number, label in enumerate(labels)
        if label and number not in fates
    ]
    text = list(_placed(chars, fates, labels, trailing=not reads))
    picture = picture_of(image, (width, height))
    return _Burned(
        picture, text, geometry.released_matrix(), reads, painted, codes if reads else []
    )


_UNSEEN = -1
_KEPT = -2


def _fate(
    char: Char, geometry: PageGeometry, ink: Image.Image | None, redactions: Sequence[Redaction]
) -> int:
    """The number of the redaction that withholds `char`, else _UNSEEN or _KEPT."""
    if char.generated or not char.text or char.text.isspace():
        return _KEPT  # spaces carry no ink; _placed keeps only those between kept words
    covering = _covering(char, redactions)
    if covering is not None:
        return covering
    if ink is None or char.ink.area <= 0:
        return _UNSEEN
    shown = ink.crop(geometry.pixel_box(char.ink, margin=1)).getbbox() is not None
    return _KEPT if shown else _UNSEEN


def _render(page: pdfium.PdfPage, scale: float) -> Image.Image:
    bitmap = page.render(scale=scale, may_draw_forms=False)
    try:
        return bitmap.to_pil().convert("RGB")
    finally:
        bitmap.close()


def _ink(with_text: Image.Image, without_text: Image.Image) -> Image.Image:
    """Where the page's text shows: white where drawing the text changed a pixel."""
    if with_text.size != without_text.size:
        raise RedactionError("a page drew at two sizes")
    difference = ImageChops.difference(with_text, without_text).convert("L")
    return difference.point(lambda value: 255 if value > INK_THRESHOLD else 0)


def _covering(char: Char, redactions: Sequence[Redaction]) -> int | None:
    """The first redaction that covers enough of `char` to withhold it (or, for a character
    with no extent, holds its place)."""
    box = char.box if char.box.area > 0 else char.ink
    left, bottom, right, top = box.left, box.bottom, box.right, box.top
    enough = COVERED * box.area
    for number, redaction in enumerate(redactions):
        other = redaction.box
        if other.bottom >= top or other.top <= bottom:
            if not (enough == 0 and other.bottom <= bottom <= other.top):
                continue
        if enough == 0:
            if other.left <= left <= other.right and other.bottom <= bottom <= other.top:
                return number
            continue
        width = min(right, other.right) - max(left, other.left)
        height = min(top, other.top) - max(bottom, other.bottom)
        if width > 0 and height > 0 and width * height > enough:
            return number
    return None


def _placed(
    chars: Sequence[Char],
    fates: Sequence[int],
    labels: Sequence[list[PlacedText]],
    *,
    trailing: bool = True,
) -> Iterable[PlacedText]:
    """The kept characters, each on the released page where it was, with a space between
    two kept words of one line that had one. A redaction's code comes where its first
    withheld character was, so it is read in its place; an unseen character breaks the
    line, so no space is made up for it. The codes of boxes over no character come last
    (if `trailing`)."""
    previous: Rect | None = None
    space = False
    labelled: set[int] = set()
    for char, fate in zip(chars, fates, strict=True):
        if fate == _UNSEEN:
            previous, space = None, False
            continue
        if fate != _KEPT:  # withheld: its redaction's code stands in for it, once
            if fate not in labelled and labels[fate]:
                labelled.add(fate)
                for label in labels[fate]:
                    yield from _spaced(label, previous, space)
                    previous, space = _box_of(label), False
            space = False
            continue
        if char.generated or char.text.isspace() or not char.text:
            if char.text in ("\r", "\n"):
                previous = None
            space = previous is not None
            continue
        box = char.box
        kept = PlacedText(
            char.text, box.left, box.bottom, box.right - box.left, box.top - box.bottom
        )
        yield from _spaced(kept, previous, space)
        previous, space = box, False
    for number, unread in enumerate(labels):
        if trailing and number not in labelled:
            yield from unread


def _spaced(piece: PlacedText, previous: Rect | None, space: bool) -> Iterable[PlacedText]:
    """`piece`, after a space from `previous` if the record had one there on the same line."""
    if space and previous is not None and abs(previous.bottom - piece.bottom) < piece.height:
        gap = piece.left - previous.right
        yield PlacedText(
            " ", previous.right, previous.bottom, max(gap, 0.1), previous.top - previous.bottom
        )
    yield piece


def _box_of(piece: PlacedText) -> Rect:
    return Rect(piece.left, piece.bottom, piece.left + piece.width, piece.bottom + piece.height)


def _paint(
    draw: ImageDraw.ImageDraw, geometry: PageGeometry, redaction: Redaction
) -> list[PlacedText]:
    """Paint the box black (a pixel wider all round, so no anti-aliased edge of what lies
    under it survives) and write its code in it; the code goes in the text layer too."""
    left, top, right, bottom = geometry.pixel_box(redaction.box, margin=1)
    if right <= left or bottom <= top:
        return []
    draw.rectangle((left, top, right - 1, bottom - 1), fill=(0, 0, 0))
    code = redaction.code.strip()
    width, height = right - left, bottom - top
    size = int(height * _LABEL_SHARE)
    if not code or size < _LABEL_MIN_PIXELS:
        return []
    font = _font(size)
    fitted = width * 0.9 / max(font.getlength(code), 1)
    if fitted < 1:
        size = int(size * fitted)
        if size < _LABEL_MIN_PIXELS:
            return []
        font = _font(size)
    x0, y0, x1, y1 = draw.textbbox((0, 0), code, font=font)
    at = (left + (width - (x1 - x0)) / 2 - x0, top + (height - (y1 - y0)) / 2 - y0)
    draw.text(at, code, font=font, fill=(255, 255, 255))
    # In the text layer the code fills the box as if it were the words it hides (the box of
    # a hit is its line's height), so it is read in their place, upright or turned.
    area = redaction.box
    high = min(area.top - area.bottom, _LABEL_LINE_POINTS)
    return [
        PlacedText(
            code, area.left, (area.bottom + area.top - high) / 2, area.right - area.left, high
        )
    ]


@functools.lru_cache(maxsize=64)
def _font(size: int) -> ImageFont.FreeTypeFont | ImageFont.ImageFont:
    return ImageFont.load_default(size=size)


def _add_page(document: pikepdf.Pdf, font: pikepdf.Object | None, burned: _Burned) -> None:
    picture = burned.picture
    width, height = picture.size
    image = pikepdf.Stream(document, picture.data)
    image.Type, image.Subtype = Name.XObject, Name.Image
    image.Width, image.Height = picture.pixels
    for key, value in picture.image_dictionary.items():
        image[key] = value
    resources = pikepdf.Dictionary(XObject=pikepdf.Dictionary(Page=document.make_indirect(image)))
    drawing = b"q %.4f 0 0 %.4f 0 0 cm /Page Do Q\n" % (width, height)
    read = burned.words_shown()
    if font is not None and (burned.text or read):
        resources.Font = pikepdf.Dictionary({invisible_text.FONT_RESOURCE: font})
        if burned.text:
            drawing += invisible_text.text_layer(burned.text, burned.matrix)
        if read:
            drawing += b"\n" + invisible_text.text_layer(read)
    page = pikepdf.Dictionary(
        Type=Name.Page,
        MediaBox=pikepdf.Array([0, 0, width, height]),
        Resources=resources,
        Contents=pikepdf.Stream(document, drawing),
    )
    document.pages.append(pikepdf.Page(page))
