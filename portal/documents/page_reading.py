"""Reading the pages of a record for redaction: what they show, where each character is.

A record is first made *as seen*: form fields and annotations that show on screen are
folded into the page's drawing (so a field's value is found and burned like any other
text), and the file is written again from its newest revision only. Term search and
redaction both read this same version, so a box found by one is a box the other burns.

Coordinates are the PDF's own user space in points, as PDFium reports character boxes:
`Rect(left, bottom, right, top)`. `PageGeometry` maps them to the pixels of a rendering
and to the points of a released page, which is upright and starts at (0, 0).
"""

from __future__ import annotations

import ctypes
import io
import math
from collections.abc import Iterator
from dataclasses import dataclass

import pikepdf
import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c
from pikepdf import Name

__all__ = [
    "MAX_PAGE_PIXELS",
    "Char",
    "PageGeometry",
    "Rect",
    "RedactionError",
    "as_seen",
    "drawing_scale",
    "read_chars",
    "textless",
]

MAX_PAGE_PIXELS = 16_000_000  # a poster-sized page is drawn coarser rather than filling memory

_SHOWS_TEXT = {"Tj", "TJ", "'", '"'}


class RedactionError(ValueError):
    """A record that cannot be read well enough to be redacted safely."""


@dataclass(frozen=True)
class Rect:
    """A box in PDF points: left < right, bottom < top."""

    left: float
    bottom: float
    right: float
    top: float

    def overlap(self, other: Rect) -> float:
        """The area this box shares with `other`."""
        width = min(self.right, other.right) - max(self.left, other.left)
        height = min(self.top, other.top) - max(self.bottom, other.bottom)
        return width * height if width > 0 and height > 0 else 0.0

    @property
    def area(self) -> float:
        return max(self.right - self.left, 0.0) * max(self.top - self.bottom, 0.0)

    def union(self, other: Rect) -> Rect:
        return Rect(
            min(self.left, other.left),
            min(self.bottom, other.bottom),
            max(self.right, other.right),
            max(self.top, other.top),
        )


@dataclass(frozen=True)
class Char:
    """One character of a page's text layer, in PDFium's reading order."""

    text: str
    box: Rect  # the font's whole box: ascent to descent, advance wide
    ink: Rect  # the glyph's own outline (empty for a space)
    generated: bool  # a space or line break PDFium inferred from the layout


@dataclass(frozen=True)
class PageGeometry:
    """How a page's user space maps to a rendering `pixels` wide and high, and to the
    released page, `size` points wide and high."""

    size: tuple[float, float]
    pixels: tuple[int, int]
    _to_unit: tuple[float, float, float, float, float, float]  # user space -> (0..1, 0..1)

    @classmethod
    def of(cls, page: pdfium.PdfPage, pixels: tuple[int, int]) -> PageGeometry:
        width, height = page.get_size()
        corners = [_device_to_page(page, x, y) for x, y in ((0, 0), (1, 0), (0, 1))]
        (x0, y0), (x1, y1), (x2, y2) = corners
        # user = corner0 + u * (corner1 - corner0) + v * (corner2 - corner0); invert it.
        ax, ay, bx, by = x1 - x0, y1 - y0, x2 - x0, y2 - y0
        det = ax * by - bx * ay
        if abs(det) < 1e-9:
            raise RedactionError("a page has no area")
        return cls(
            size=(width, height),
            pixels=pixels,
            _to_unit=(by / det, -bx / det, -ay / det, ax / det, x0, y0),
        )

    def unit(self, x: float, y: float) -> tuple[float, float]:
        a, b, c, d, x0, y0 = self._to_unit
        return a * (x - x0) + b * (y - y0), c * (x - x0) + d * (y - y0)

    def unit_box(self, box: Rect) -> tuple[float, float, float, float]:
        """`box` as (u0, v0, u1, v1): the unit square's left, top, right and bottom."""
        a, b, c, d, x0, y0 = self._to_unit
        if b == 0 and c == 0:  # upright or upside down: two corners say it all
            u0, u1 = a * (box.left - x0), a * (box.right - x0)
            v0, v1 = d * (box.bottom - y0), d * (box.top - y0)
            return min(u0, u1), min(v0, v1), max(u0, u1), max(v0, v1)
        us, vs = zip(
            *(self.unit(x, y) for x in (box.left, box.right) for y in (box.bottom, box.top)),
            strict=True,
        )
        return min(us), min(vs), max(us), max(vs)

    def user_box(self, left: float, top: float, right: float, bottom: float) -> Rect:
        """The pixels from (left, top) to (right, bottom) of the rendering, as a box in user
        space (the inverse of pixel_box, for words read from the picture)."""
        a, b, c, d, x0, y0 = self._to_unit
        det = a * d - b * c
        columns, rows = self.pixels
        xs, ys = [], []
        for column, row in ((left, top), (right, top), (left, bottom), (right, bottom)):
            u, v = column / columns, row / rows
            xs.append(x0 + (d * u - b * v) / det)
            ys.append(y0 + (-c * u + a * v) / det)
        return Rect(min(xs), min(ys), max(xs), max(ys))

    def released_matrix(self) -> tuple[float, float, float, float, float, float]:
        """The PDF matrix from user space to the released page (upright, origin at its
        bottom left): the same turn, flip and shift PDFium drew the page with."""
        a, b, c, d, x0, y0 = self._to_unit
        width, height = self.size
        # released x = width * u, released y = height * (1 - v)
        m11, m21, m12, m22 = a * width, b * width, -c * height, -d * height
        return m11, m12, m21, m22, -(m11 * x0 + m21 * y0), height - (m12 * x0 + m22 * y0)

    def pixel_box(self, box: Rect, margin: int = 0) -> tuple[int, int, int, int]:
        """The pixels `box` touches (left, top, right, bottom, right and bottom excluded),
        widened by `margin` pixels and kept within the rendering."""
        columns, rows = self.pixels
        u0, v0, u1, v1 = self.unit_box(box)
        left = int(u0 * columns) - margin
        top = int(v0 * rows) - margin
        right = -int(-u1 * columns) + margin
        bottom = -int(-v1 * rows) + margin
        return max(left, 0), max(top, 0), min(right, columns), min(bottom, rows)


def drawing_scale(page: pdfium.PdfPage, dpi: float) -> float:
    """The scale a page is drawn at, for redaction and for OCR alike: `dpi`, or coarser
    for a page too big to draw in MAX_PAGE_PIXELS."""
    width, height = page.get_size()
    return min(dpi / 72, math.sqrt(MAX_PAGE_PIXELS / max(width * height, 1.0)))


def _device_to_page(page: pdfium.PdfPage, u: int, v: int) -> tuple[float, float]:
    """PDFium's own mapping (rotation and crop box included), exact for a corner. It takes
    whole device pixels, so ask on a large device and scale back."""
    return device_to_page(page, u, v)


def device_to_page(page: pdfium.PdfPage, u: float, v: float) -> tuple[float, float]:
    """The point of the page's user space shown at (u, v) of its drawing, as fractions of
    the drawing's width and height from its top left (within 1 / 2**20 of a side)."""
    big = 1 << 20
    x, y = ctypes.c_double(), ctypes.c_double()
    pdfium_c.FPDF_DeviceToPage(page, 0, 0, big, big, 0, round(u * big), round(v * big), x, y)
    return x.value, y.value


def as_seen(content: bytes) -> bytes:
    """The record's newest revision, written afresh, with what shows on screen of its form
    fields and annotations drawn into its pages and the annotations themselves gone."""
    try:
        document = pikepdf.open(io.BytesIO(content))
    except pikepdf.PasswordError:
        raise RedactionError("the PDF needs a password") from None
    except pikepdf.PdfError as error:
        raise RedactionError(f"the PDF is damaged ({error})") from None
    with document:
        if not document.pages:
            raise RedactionError("the PDF has no pages")
        if Name.AcroForm in document.Root:
            document.generate_appearance_streams()
        document.flatten_annotations("screen")
        for page in document.pages:
            if Name.Annots in page.obj:
                del page.obj[Name.Annots]
        out = io.BytesIO()
        document.save(out)
        return out.getvalue()


def textless(seen: bytes) -> bytes:
    """`seen` with every text-showing operator taken out of its pages and of the forms they
    draw, so that rendering it shows everything but the text."""
    with pikepdf.open(io.BytesIO(seen)) as document:
        visited: set[tuple[int, int]] = set()
        for page in document.pages:
            page.contents_coalesce()
            _strip_text(page.obj.Contents)
            for form in _forms(page.obj.get(Name.Resources), visited):
                _strip_text(form)
        out = io.BytesIO()
        document.save(out)
        return out.getvalue()


def _strip_text(stream: pikepdf.Object) -> None:
    if not isinstance(stream, pikepdf.Stream):
        return
    try:
        instructions = [
            instruction
            for instruction in pikepdf.parse_content_stream(stream)
            if str(instruction.operator) not in _SHOWS_TEXT
        ]
    except pikepdf.PdfError as error:
        # What shows could not be told from what does not: refuse rather than guess.
        raise RedactionError(f"a page's drawing cannot be read ({error})") from None
    stream.write(pikepdf.unparse_content_stream(instructions))


def _forms(resources: object, visited: set[tuple[int, int]]) -> Iterator[pikepdf.Stream]:
    if not isinstance(resources, pikepdf.Dictionary):
        return
    for group in (Name.XObject, Name.Pattern):
        children = resources.get(group)
        if not isinstance(children, pikepdf.Dictionary):
            continue
        for _name, child in children.items():
            if not isinstance(child, pikepdf.Stream) or child.get(Name.Subtype) == Name.Image:
                continue
            if child.is_indirect:
                if child.objgen in visited:
                    continue
                visited.add(child.objgen)
            yield child
            yield from _forms(child.get(Name.Resources), visited)


def read_chars(page: pdfium.PdfPage, *, ink: bool = True) -> list[Char]:
    """Every character of the page's text layer, with its boxes (the glyph's outline only
    if `ink`: a search has no use for it)."""
    textpage = page.get_textpage()
    left, right, bottom, top = (ctypes.c_double() for _ in range(4))
    loose = pdfium_c.FS_RECTF()
    chars = []
    try:
        for index in range(pdfium_c.FPDFText_CountChars(textpage)):
            code = pdfium_c.FPDFText_GetUnicode(textpage, index)
            pdfium_c.FPDFText_GetLooseCharBox(textpage, index, loose)
            box = Rect(loose.left, loose.bottom, loose.right, loose.top)
            outline = _NO_BOX
            if ink and pdfium_c.FPDFText_GetCharBox(textpage, index, left, right, bottom, top):
                outline = Rect(left.value, bottom.value, right.value, top.value)
            generated = pdfium_c.FPDFText_IsGenerated(textpage, index) == 1
            chars.append(Char(chr(code) if code else "", box, outline, generated))
        return chars
    finally:
        textpage.close()


_NO_BOX = Rect(0.0, 0.0, 0.0, 0.0)
