"""Finding a term (a third party's name, address, phone number, reference) in a record, so
staff can accept each place as a redaction.

The record is read as seen (page_reading.as_seen), the version redaction burns, so a form
field's value is found as any other text. Matching ignores case, runs of spaces and line
breaks between the term's words, and a word broken over two lines by a hyphen; within a
word, letter-spaced text ("J a d w i g a") matches too. A hit over two lines has a box on
each line, so a redaction covers the name and not the lines' whole width.

Words drawn as pixels (a scanned page, an image record, a photographed letter on a page)
are read by OCR (ocr.py) and searched by the same rules; such a hit's boxes cover the
whole words it falls in, and it says it was read by OCR, so staff check it with their eyes.
A word both in a hidden text layer and in the picture under it (an old scan's OCR layer)
is one hit, the text layer's.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import Future
from dataclasses import dataclass, replace

import pypdfium2 as pdfium

from portal.documents import ocr, pictured_words
from portal.documents.page_reading import (
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
from portal.documents.redaction import Redaction
from portal.documents.uploaded_pages import PDFIUM_LOCK, PICTURE_DPI

__all__ = ["CONTEXT_CHARS", "Hit", "find_term", "find_terms", "read_pictures", "term_pattern"]

CONTEXT_CHARS = 40  # of the page's text either side of a hit, to judge it by
_BREAK = "\n"
_HYPHEN = "\u0002"  # PDFium's mark for a hyphen that broke a word at a line's end
# Between two letters of one word: nothing, a soft hyphen, letter spacing, or a hyphen at a
# line's end. Between two words: any run of spaces and line breaks, or none (letter-spaced
# text can lose the space between its words).
_WITHIN_WORD = r"(?:[ \u00ad\u0002]|[-\u00ad\u0002]?\n)?"
_BETWEEN_WORDS = r"[\s\u00ad\u0002]*"


@dataclass(frozen=True)
class Hit:
    """One place a term was found: its page (from 0), a box per line it runs over, and the
    text around it (white space run together)."""

    page: int
    boxes: tuple[Rect, ...]
    context: str
    found: str  # the words as the page has them
    read_by_ocr: bool = False  # found in a picture of words, not in the text layer

    @property
    def box(self) -> Rect:
        """All of the hit's boxes together."""
        union = self.boxes[0]
        for box in self.boxes[1:]:
            union = union.union(box)
        return union

    def redactions(self, code: str) -> list[Redaction]:
        """The hit accepted as redactions with the exemption `code`, one a line."""
        return [Redaction(self.page, box, code) for box in self.boxes]


def find_term(content: bytes, term: str, *, languages: Sequence[str] | None = None) -> list[Hit]:
    """Every occurrence of `term` in the text of the PDF `content`, page by page."""
    return find_terms(content, [term], languages=languages)[term]


def find_terms(
    content: bytes,
    terms: Sequence[str],
    *,
    languages: Sequence[str] | None = None,
    known: ocr.Readings | None = None,
) -> dict[str, list[Hit]]:
    """Every occurrence of each of `terms`, reading the record once: its text layer, and
    by OCR (in `languages`, by default English and those whose letters the terms use)
    what it draws as pixels; a picture whose reading is `known` (read at upload) is not
    read again."""
    patterns = {term: term_pattern(term) for term in terms}
    hits: dict[str, list[Hit]] = {term: [] for term in terms}
    if not any(patterns.values()):
        return hits
    wanted = {term: pattern for term, pattern in patterns.items() if pattern is not None}
    reading = tuple(languages) if languages is not None else ocr.languages_for(wanted)

    def search_text(number: int, chars: Sequence[Char]) -> None:
        text, sources = _searchable(chars)
        for term, pattern in wanted.items():
            hits[term].extend(_page_hits(number, chars, text, sources, pattern))

    for read in _pictured_pages(as_seen(content), reading, known, None, search_text):
        _add_ocr_hits(hits, wanted, read)
    return hits


def read_pictures(
    content: bytes, *, pages: Iterable[int] | None = None, known: ocr.Readings | None = None
) -> dict[int, dict[str, list[ocr.Word]]]:
    """The words OCR reads in English (ocr.LANGUAGES) in the pictures of each of `pages` of
    the PDF `content` (every page by default), by page and ocr.picture_key: the very
    pictures find_terms and redact_pdf read, so a reading kept now spares them Tesseract
    later (upload_reading.py). A page that draws no words as pixels is left out."""
    read = _pictured_pages(as_seen(content), ocr.LANGUAGES, known, pages, None)
    return {page.number: {key: future.result() for _, key, future in page.reads} for page in read}


@dataclass(frozen=True)
class _Pictures:
    """The pictures of one page being read by OCR, each with its region and picture_key."""

    number: int
    geometry: PageGeometry
    reads: list[tuple[Region, str, Future[list[ocr.Word]]]]


def _pictured_pages(
    seen: bytes,
    languages: Sequence[str],
    known: ocr.Readings | None,
    pages: Iterable[int] | None,
    on_text: Callable[[int, Sequence[Char]], None] | None,
) -> list[_Pictures]:
    """Walk the pages of the record as seen (each of `pages`, or all): hand each page's
    text layer to `on_text`, and the parts of it drawn as pixels to OCR (other threads)."""
    pictures: list[_Pictures] = []
    with PDFIUM_LOCK:
        document = _open(seen)
        plain: pdfium.PdfDocument | None = None
        try:
            for number in range(len(document)) if pages is None else pages:
                if not 0 <= number < len(document):
                    continue
                page = document[number]
                try:
                    chars = read_chars(page, ink=False)
                    has_text = any(not char.text.isspace() for char in chars if char.text)
                    scale = drawing_scale(page, PICTURE_DPI)
                    width, height = page.get_size()
                    pixels = (math.ceil(width * scale), math.ceil(height * scale))  # as PDFium
                    geometry = PageGeometry.of(page, pixels)
                    regions = pictured_words.regions(page, geometry, has_text=has_text)
                finally:
                    page.close()
                if on_text is not None:
                    on_text(number, chars)
                if regions:
                    if has_text and plain is None:
                        plain = _open(textless(seen))
                    source = plain if has_text and plain is not None else document
                    # Pages wait to be read as pictures, a few at a time, not a whole record.
                    ocr.wait_for_room(future for read in pictures for _, _, future in read.reads)
                    pictures.append(
                        _read(source, number, scale, geometry, regions, languages, known)
                    )
        finally:
            if plain is not None:
                plain.close()
            document.close()
    return pictures


def _open(content: bytes) -> pdfium.PdfDocument:
    try:
        return pdfium.PdfDocument(content)
    except pdfium.PdfiumError as error:
        raise RedactionError(f"PDFium cannot read the PDF ({error})") from None


def _read(
    document: pdfium.PdfDocument,
    number: int,
    scale: float,
    geometry: PageGeometry,
    regions: Sequence[Region],
    languages: Sequence[str],
    known: ocr.Readings | None,
) -> _Pictures:
    """Draw page `number` of `document` and hand its `regions` to OCR (on other threads)."""
    page = document[number]
    try:
        bitmap = page.render(scale=scale, may_draw_forms=False)
        try:
            rendering = bitmap.to_pil().convert("RGB")
        finally:
            bitmap.close()
    finally:
        page.close()
    if rendering.size != geometry.pixels:
        raise RedactionError("a page drew at two sizes")
    reads: list[tuple[Region, str, Future[list[ocr.Word]]]] = []
    for region, picture in pictured_words.crops(rendering, regions):
        ocr.wait_for_room(future for _, _, future in reads)
        key = ocr.picture_key(picture, languages)
        reads.append((region, key, ocr.read_soon(picture, languages, known)))
    return _Pictures(number, geometry, reads)


def _add_ocr_hits(
    hits: dict[str, list[Hit]], patterns: dict[str, re.Pattern[str]], read: _Pictures
) -> None:
    for region, _, future in read.reads:
        chars = pictured_words.word_chars(future.result(), region)
        text, sources = _searchable(chars)
        for term, pattern in patterns.items():
            in_text = [hit.box for hit in hits[term] if hit.page == read.number]
            for found in _page_hits(read.number, chars, text, sources, pattern):
                boxes = tuple(pictured_words.in_points(box, read.geometry) for box in found.boxes)
                hit = replace(found, boxes=boxes, read_by_ocr=True)
                if not any(_mostly_over(hit.box, other) for other in in_text):
                    hits[term].append(hit)
    for term in hits:
        hits[term].sort(key=lambda hit: hit.page)


def _mostly_over(box: Rect, other: Rect) -> bool:
    smaller = min(box.area, other.area)
    return smaller > 0 and box.overlap(other) > smaller / 2


def term_pattern(term: str) -> re.Pattern[str] | None:
    """A pattern matching `term` however the page spaces or breaks it."""
    words = term.split()
    if not words:
        return None
    spelled = [_WITHIN_WORD.join(re.escape(letter) for letter in word) for word in words]
    return re.compile(_BETWEEN_WORDS.join(spelled), re.IGNORECASE)


def _page_hits(
    number: int, chars: Sequence[Char], text: str, sources: Sequence[int], pattern: re.Pattern[str]
) -> list[Hit]:
    hits = []
    for match in pattern.finditer(text):
        used = [sources[i] for i in range(match.start(), match.end()) if not text[i].isspace()]
        boxes = _line_boxes([chars[i] for i in used])
        if not boxes:
            continue
        before = text[max(match.start() - CONTEXT_CHARS, 0) : match.start()]
        after = text[match.end() : match.end() + CONTEXT_CHARS]
        context = " ".join((before + match.group() + after).replace(_HYPHEN, "-").split())
        found = " ".join(match.group().replace(_HYPHEN, "-").split())
        hits.append(Hit(number, boxes, context, found))
    return hits


def _searchable(chars: Sequence[Char]) -> tuple[str, list[int]]:
    """The page's text with each run of white space as one space, or one line break if it
    holds one, and for each character of it the index of the character it came from."""
    out: list[str] = []
    sources: list[int] = []
    for index, char in enumerate(chars):
        letter = char.text
        if not letter:
            continue
        if letter.isspace():
            letter = _BREAK if letter in "\r\n" else " "
            if out and out[-1].isspace():
                if letter == _BREAK:
                    out[-1] = _BREAK
                continue
        out.append(letter)
        sources.append(index)
    return "".join(out), sources


def _line_boxes(chars: Sequence[Char]) -> tuple[Rect, ...]:
    """The characters' boxes joined into one box a line: a character lower than the line
    so far by more than half its height starts a new line."""
    boxes: list[Rect] = []
    for char in chars:
        box = char.box if char.box.area > 0 else char.ink
        if box.area <= 0 and not char.text.strip():
            continue
        if boxes and _same_line(boxes[-1], box):
            boxes[-1] = boxes[-1].union(box)
        else:
            boxes.append(box)
    return tuple(boxes)


def _same_line(line: Rect, box: Rect) -> bool:
    middle = (box.bottom + box.top) / 2
    return line.bottom <= middle <= line.top and box.left >= line.left - (line.top - line.bottom)
