"""The pages of a PDF that someone uploaded, made ready for a response pack.

Each page is drawn into the pack as a tagged figure (packs.py). Two things come from here:

* the words on the page, which the figure's alt text gives a screen reader, since the page
  is drawn rather than laid out as the pack's own text;
* for a page that uses a font the file does not carry (older office and records systems
  often leave out Helvetica or Arial, counting on the reader to have it), a picture of the
  page. PDF/UA-1 requires every font to be embedded; drawn as a picture, the page looks as
  its sender saw it and needs no font at all.

PDFium (Chromium's PDF engine, through pypdfium2) reads the text and draws the pictures. It
is not safe to use from two threads at once, so every use holds one lock.
"""

from __future__ import annotations

import io
import logging
import struct
import threading
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

import pikepdf
import pypdfium2 as pdfium
from pikepdf import Name
from PIL import Image, ImageChops

__all__ = [
    "PDFIUM_LOCK",
    "PICTURE_DPI",
    "WORDS_CAP",
    "PagePicture",
    "PreparedPage",
    "picture_of",
    "prepare_pages",
]

log = logging.getLogger(__name__)

PICTURE_DPI = 150  # as a good office scanner: 8pt print stays readable
PHOTO_QUALITY = 85  # JPEG quality for a page in colour
GREY_TOLERANCE = 8  # how far apart a pixel's red, green and blue may be on a grey page
GREY_LEVELS = 16  # shades kept on a grey page, 4 bits a pixel: text looks the same, at 1/7 the size
_GREY_BITS = 4
WORDS_CAP = 6000  # characters of one page's text given to a screen reader
_EMBEDDED = (Name.FontFile, Name.FontFile2, Name.FontFile3)
PDFIUM_LOCK = threading.Lock()  # every use of PDFium in the portal holds it


@dataclass(frozen=True)
class PagePicture:
    """A picture of a whole page, encoded as a PDF image takes it, and the page's size in
    points (72 to the inch). A grey page (most letters) keeps GREY_LEVELS shades without
    loss, which keeps text crisp and small; a page in colour is a JPEG, which keeps photos
    small."""

    data: bytes
    pixels: tuple[int, int]
    size: tuple[float, float]
    grey: bool

    @property
    def image_dictionary(self) -> dict[str, object]:
        """The entries of the PDF image XObject that holds `data`."""
        if self.grey:
            return {
                "/ColorSpace": Name.DeviceGray,
                "/BitsPerComponent": _GREY_BITS,
                "/Filter": Name.FlateDecode,
                "/DecodeParms": pikepdf.Dictionary(
                    Predictor=15, Colors=1, BitsPerComponent=_GREY_BITS, Columns=self.pixels[0]
                ),
            }
        return {"/ColorSpace": Name.DeviceRGB, "/BitsPerComponent": 8, "/Filter": Name.DCTDecode}


@dataclass(frozen=True)
class PreparedPage:
    words: str  # its text, white space run together; empty for a scan or an unreadable page
    picture: PagePicture | None  # drawn instead of the page when it lacks a font


def prepare_pages(
    content: bytes, document: pikepdf.Pdf, numbers: Sequence[int]
) -> list[PreparedPage]:
    """The pages `numbers` (counted from 0) of the uploaded PDF `content`, which pikepdf has
    opened as `document`. A file or page PDFium cannot read gives pages with no words, drawn
    as they are: the pack is still made, and staff see the pages in it."""
    pictured = {n for n in numbers if uses_a_missing_font(document.pages[n])}
    with PDFIUM_LOCK:
        try:
            reader = pdfium.PdfDocument(content)
        except pdfium.PdfiumError:
            log.warning("PDFium could not open an uploaded PDF", exc_info=True)
            return [PreparedPage(words="", picture=None) for _ in numbers]
        try:
            return [_prepare_or_leave(reader, n, picture=n in pictured) for n in numbers]
        finally:
            reader.close()


def _prepare_or_leave(reader: pdfium.PdfDocument, number: int, *, picture: bool) -> PreparedPage:
    try:
        return _prepare(reader, number, picture=picture)
    except pdfium.PdfiumError:
        log.warning("PDFium could not read page %d of an uploaded PDF", number + 1, exc_info=True)
        return PreparedPage(words="", picture=None)


def _prepare(reader: pdfium.PdfDocument, number: int, *, picture: bool) -> PreparedPage:
    page = reader[number]
    try:
        textpage = page.get_textpage()
        try:
            words = " ".join(textpage.get_text_range().split())[:WORDS_CAP]
        finally:
            textpage.close()
        return PreparedPage(words=words, picture=_picture(page) if picture else None)
    finally:
        page.close()


def _picture(page: pdfium.PdfPage) -> PagePicture:
    bitmap = page.render(scale=PICTURE_DPI / 72, may_draw_forms=True)
    try:
        image = bitmap.to_pil().convert("RGB")
    finally:
        bitmap.close()
    return picture_of(image, page.get_size())


def picture_of(image: Image.Image, size: tuple[float, float]) -> PagePicture:
    """`image` (RGB) encoded as the picture of a page `size` points wide and high."""
    if _is_grey(image):
        data = _png_image_data(_grey_levels(image))
        return PagePicture(data=data, pixels=image.size, size=size, grey=True)
    out = io.BytesIO()
    image.save(out, "JPEG", quality=PHOTO_QUALITY, optimize=True)
    return PagePicture(data=out.getvalue(), pixels=image.size, size=size, grey=False)


def _is_grey(image: Image.Image) -> bool:
    red, green, blue = image.split()
    return not any(
        sum(ImageChops.difference(one, other).histogram()[GREY_TOLERANCE + 1 :])
        for one, other in ((red, green), (green, blue))
    )


def _grey_levels(image: Image.Image) -> Image.Image:
    """`image` in GREY_LEVELS shades, each pixel holding its shade's number (0 black to
    GREY_LEVELS - 1 white): what a 4-bit DeviceGray image holds. Pillow writes 4-bit PNG
    rows only for palette images, so the numbers sit in a palette of the same greys."""
    step = 255 / (GREY_LEVELS - 1)
    shades = image.convert("L").point(lambda value: round(value / step)).convert("P")
    shades.putpalette([round(shade * step) for shade in range(GREY_LEVELS) for _ in "rgb"])
    return shades


def _png_image_data(image: Image.Image) -> bytes:
    """The compressed rows of `image`, a palette image of GREY_LEVELS shades, as PNG
    stores them at 4 bits a pixel: exactly what a PDF image with FlateDecode and PNG
    predictors (Predictor 15) holds."""
    out = io.BytesIO()
    image.save(out, "PNG", compress_level=6, bits=_GREY_BITS)
    png = out.getvalue()
    data, at = bytearray(), 8  # after the PNG signature
    while at < len(png):
        (length,) = struct.unpack(">I", png[at : at + 4])
        kind = png[at + 4 : at + 8]
        if kind == b"IDAT":
            data += png[at + 8 : at + 8 + length]
        at += 12 + length  # length, type, data, CRC
    return bytes(data)


def uses_a_missing_font(page: pikepdf.Page) -> bool:
    """Whether anything drawn on the page (its own content, or forms and patterns it draws)
    uses a font whose program the file does not carry. Type 3 fonts are drawn by the file
    itself, so they count as carried."""
    return any(not _embedded(font) for font in _fonts(page.obj.get(Name.Resources)))


def _fonts(
    resources: object, seen: set[tuple[int, int]] | None = None
) -> Iterator[pikepdf.Dictionary]:
    if not isinstance(resources, pikepdf.Dictionary):
        return
    seen = set() if seen is None else seen
    if resources.is_indirect:
        if resources.objgen in seen:
            return
        seen.add(resources.objgen)
    fonts = resources.get(Name.Font)
    if isinstance(fonts, pikepdf.Dictionary):
        for _name, font in fonts.items():
            if isinstance(font, pikepdf.Dictionary):
                yield font
                # A Type 3 font's glyphs are little drawings with their own resources.
                yield from _fonts(font.get(Name.Resources), seen)
    for group in (Name.XObject, Name.Pattern):
        children = resources.get(group)
        if not isinstance(children, pikepdf.Dictionary):
            continue
        for _name, child in children.items():
            if isinstance(child, pikepdf.Stream | pikepdf.Dictionary):
                if child.is_indirect and child.objgen in seen:
                    continue
                if child.is_indirect:
                    seen.add(child.objgen)
                yield from _fonts(child.get(Name.Resources), seen)


def _embedded(font: pikepdf.Dictionary) -> bool:
    if font.get(Name.Subtype) == Name.Type3:
        return True
    if font.get(Name.Subtype) == Name.Type0:
        descendants = font.get(Name.DescendantFonts)
        if not isinstance(descendants, pikepdf.Array) or not len(descendants):
            return False
        descendant = descendants[0]
        return isinstance(descendant, pikepdf.Dictionary) and _embedded(descendant)
    descriptor = font.get(Name.FontDescriptor)
    return isinstance(descriptor, pikepdf.Dictionary) and any(
        key in descriptor for key in _EMBEDDED
    )
