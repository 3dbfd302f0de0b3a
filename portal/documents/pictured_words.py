"""Words drawn as pixels on a page, read by OCR (ocr.py): which parts of a page are read,
and what becomes of the words, for term search and for a released page's text layer.

Which parts are read (`regions`): the whole page when it has no text layer (a scan, an
image record, text drawn as outlines); otherwise the pictures it draws, where a name may
hide in a photographed letter. The page is read as drawn without its text
(page_reading.textless), so only what the text layer lacks is read, and before any
redaction box is painted, so search and release read the same picture.

A word's box is in pixels of the page's rendering; `PageGeometry.user_box` turns it into
the record's points. Letters are not placed one by one: a search hit covers the whole
words it falls in (a name in "Nowicka's" takes the "'s" with it), which is safer than a
guess.
"""

from __future__ import annotations

from collections.abc import Sequence

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c
from PIL import Image

from portal.documents.invisible_text import PlacedText
from portal.documents.ocr import PixelBox, Word
from portal.documents.page_reading import Char, PageGeometry, Rect

__all__ = ["Region", "crops", "in_points", "on_page", "regions", "shown_text", "word_chars"]

Region = PixelBox  # a part of a page's rendering that is read as a picture of its own
_SMALLEST_PICTURE = 12  # pixels across and down: a picture smaller holds no readable word
_WHOLE_PAGE_SHARE = 0.5  # pictures over more of the page than this: read it all at once


def regions(page: pdfium.PdfPage, geometry: PageGeometry, *, has_text: bool) -> list[Region]:
    """The parts of the page's rendering to read: all of it if the page has no text layer
    (`has_text`), else the pictures it draws (all of it if one sits inside a form, whose
    bounds PDFium gives in the form's own space), none if it draws none."""
    columns, rows = geometry.pixels
    whole = [(0, 0, columns, rows)]
    if not has_text:
        return whole
    boxes: list[Region] = []
    for picture in page.get_objects(filter=[pdfium_c.FPDF_PAGEOBJ_IMAGE], max_depth=16):
        if picture.level > 0:
            return whole
        box = geometry.pixel_box(Rect(*picture.get_bounds()), margin=2)
        left, top, right, bottom = box
        if right - left >= _SMALLEST_PICTURE and bottom - top >= _SMALLEST_PICTURE:
            boxes.append(box)
    merged = _merged(boxes)
    covered = sum((right - left) * (bottom - top) for left, top, right, bottom in merged)
    return whole if covered > _WHOLE_PAGE_SHARE * columns * rows else merged


def _merged(boxes: list[Region]) -> list[Region]:
    """Overlapping boxes joined, so no word is read twice."""
    merged: list[Region] = []
    for box in sorted(boxes):
        for at, other in enumerate(merged):
            if box[0] < other[2] and other[0] < box[2] and box[1] < other[3] and other[1] < box[3]:
                merged[at] = (
                    min(box[0], other[0]),
                    min(box[1], other[1]),
                    max(box[2], other[2]),
                    max(box[3], other[3]),
                )
                return _merged(merged)
        merged.append(box)
    return merged


def crops(rendering: Image.Image, wanted: Sequence[Region]) -> list[tuple[Region, Image.Image]]:
    """Each region of `rendering`, as a grey picture of its own (a copy, so the rendering
    may be painted on afterwards)."""
    return [(region, rendering.crop(region).convert("L")) for region in wanted]


def word_chars(words: Sequence[Word], region: Region) -> list[Char]:
    """The words read in `region` of a page's rendering as characters of a text layer, for
    term search: each letter boxed with its whole word (padded), a space between the words
    of a line and a line break between lines. The boxes are in the rendering's pixels, the
    y axis turned up (Rect(left, -bottom, right, -top)), so a line runs along x even on a
    turned page; `in_points` gives the record's points."""
    chars: list[Char] = []
    previous: tuple[int, int, int] | None = None
    for word in words:
        if previous is not None:
            chars.append(_gap(" " if word.line == previous else "\n"))
        left, top, right, bottom = on_page(word.padded(), region)
        box = Rect(left, -bottom, right, -top)
        chars.extend(Char(letter, box, box, False) for letter in word.text)
        previous = word.line
    return chars


def in_points(box: Rect, geometry: PageGeometry) -> Rect:
    """A box of word_chars in the record's points."""
    return geometry.user_box(box.left, -box.top, box.right, -box.bottom)


def on_page(box: Region, region: Region) -> Region:
    """A box in pixels of the picture read from `region`, in pixels of the rendering."""
    left, top, right, bottom = box
    return left + region[0], top + region[1], right + region[0], bottom + region[1]


def shown_text(
    reads: Sequence[tuple[Region, Sequence[Word]]],
    painted: Sequence[Region],
    codes: Sequence[tuple[Region, str]],
    pixels: tuple[int, int],
    size: tuple[float, float],
) -> list[PlacedText]:
    """A released page's text layer from the words read in its regions of a rendering
    `pixels` big: every word a `painted` box touches is left out, so what is left are
    words the released picture shows unchanged. Each box's code is read where it sits
    among them. In the released page's points (`size`), a space between two words of a
    line, a line as tall as Tesseract found it."""
    items: list[tuple[Region, str, object]] = []  # box (as tall as its line), text, line
    for region, words in reads:
        for word in words:
            if any(_touch(on_page(word.padded(), region), box) for box in painted):
                continue
            left, _, right, _ = on_page(word.box, region)
            _, top, _, bottom = on_page(word.line_box, region)
            items.append(((left, top, right, bottom), word.text, (region, word.line)))
    for number, (box, code) in enumerate(codes):
        at, box, line = _code_place(items, box)
        items.insert(at, (box, code, line if line is not None else ("code", number)))
    columns, rows = pixels
    width, height = size
    placed: list[PlacedText] = []
    previous: tuple[object, PlacedText] | None = None
    for (left, top, right, bottom), text, line in items:
        piece = PlacedText(
            text,
            left * width / columns,
            height - bottom * height / rows,
            (right - left) * width / columns,
            (bottom - top) * height / rows,
        )
        if previous is not None and previous[0] == line:
            before = previous[1]
            end = before.left + before.width
            placed.append(
                PlacedText(" ", end, piece.bottom, max(piece.left - end, 0.1), piece.height)
            )
        placed.append(piece)
        previous = (line, piece)
    return placed


def _code_place(
    items: Sequence[tuple[Region, str, object]], box: Region
) -> tuple[int, Region, object]:
    """Where a box's code goes among the words: after the last word of its line to its
    left, else before the first of its line, else before the first line below it."""
    middle_x, middle_y = (box[0] + box[2]) / 2, (box[1] + box[3]) / 2
    on_line = [at for at, (other, _, _) in enumerate(items) if other[1] <= middle_y <= other[3]]
    if on_line:
        left_of = [at for at in on_line if items[at][0][2] <= middle_x]
        at = max(left_of) + 1 if left_of else min(on_line)
        other, _, line = items[max(left_of) if left_of else at]
        return at, (box[0], other[1], box[2], other[3]), line
    below = [at for at, (other, _, _) in enumerate(items) if other[1] > middle_y]
    return (min(below) if below else len(items)), box, None


def _touch(box: PixelBox, other: PixelBox) -> bool:
    return box[0] < other[2] and other[0] < box[2] and box[1] < other[3] and other[1] < box[3]


def _gap(letter: str) -> Char:
    return Char(letter, _NO_BOX, _NO_BOX, True)


_NO_BOX = Rect(0.0, 0.0, 0.0, 0.0)
