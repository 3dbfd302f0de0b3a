"""Reading the words drawn as pixels on a page (a scan, a photo, a picture of a letter) with
Tesseract, Debian's tesseract-ocr, so a term is found there as in the text layer and a
released scan keeps its words selectable.

Tesseract runs as a program, one for each picture, given the picture on its standard input
and giving its words, with their boxes, as TSV on its output: no picture of a record is
written to disk. It runs single-threaded (OMP_THREAD_LIMIT=1): its own threads spin and
slow a busy machine many times over, and two programs side by side use two cores better.

Which parts of a page are read (`regions`): the whole page when it has no text layer (a
scan, an image record, text drawn as outlines); otherwise the pictures it draws, where a
name may hide in a photographed letter. The page is read as drawn without its text
(page_reading.textless), so only what the text layer lacks is read.

A word's box is in pixels of the picture read; `PageGeometry.user_box` turns it into the
record's points. Letters are not placed one by one: a search hit covers the whole words it
falls in (a name in "Nowicka's" takes the "'s" with it), which is safer than a guess.
"""

from __future__ import annotations

import functools
import hashlib
import io
import os
import shutil
import subprocess
import threading
from collections import OrderedDict
from collections.abc import Iterable, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from dataclasses import dataclass

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c
from PIL import Image

from portal.documents.invisible_text import PlacedText
from portal.documents.page_reading import Char, PageGeometry, Rect, RedactionError

__all__ = [
    "LANGUAGES",
    "OCR_DPI",
    "OcrUnavailable",
    "Word",
    "crops",
    "forget_readings",
    "in_points",
    "languages_for",
    "read_soon",
    "read_words",
    "regions",
    "shown_text",
    "wait_for_room",
    "word_chars",
]

OCR_DPI = 150  # the pictures read are drawn at PICTURE_DPI, as a redacted page is
LANGUAGES = ("eng",)  # always read; others are added for a term that needs their letters
SECONDS_A_PICTURE = 120  # a page that takes longer is refused, not released unread
_CACHED_PICTURES = 512  # words of this many pictures kept, so redaction reuses the search's
# Letters that only some of the offered languages' alphabets have: a term spelled with one
# is read with that language's data too (Tesseract reads English letters in any of them).
# Debian has no Tesseract data for Sorani Kurdish: a term in Arabic script is read with
# Urdu's, the nearest (Sorani's own letters, such as ڵ and ێ, may be misread).
_LETTERS = {
    "pol": set("ąćęłńóśźżĄĆĘŁŃÓŚŹŻ"),
    "ron": set("ăâîșşțţĂÂÎȘŞȚŢ"),
    "lit": set("ąčęėįšųūžĄČĘĖĮŠŲŪŽ"),
    "lav": set("āčēģīķļņšūžĀČĒĢĪĶĻŅŠŪŽ"),
}
_ARABIC_SCRIPT = range(0x0600, 0x0700)
_SMALLEST_PICTURE = 12  # pixels across and down: a picture smaller holds no readable word
_WHOLE_PAGE_SHARE = 0.5  # pictures over more of the page than this: read it all at once


class OcrUnavailable(RedactionError):
    """Tesseract (or its English data) is not installed: words drawn as pixels cannot be
    read, so a search or release that needs them is refused rather than done blind."""


@dataclass(frozen=True)
class Word:
    """One word Tesseract read: its text, its box and its line's box, in pixels of the
    picture (left, top, right, bottom), and the line it belongs to."""

    text: str
    box: tuple[int, int, int, int]
    line_box: tuple[int, int, int, int]
    line: tuple[int, int, int]  # block, paragraph and line numbers

    def padded(self) -> tuple[int, int, int, int]:
        """The word's box as tall as its line, with a margin a tenth of the line's height,
        so a redaction over it leaves no edge of a letter."""
        left, _, right, _ = self.box
        _, top, _, bottom = self.line_box
        top, bottom = min(top, self.box[1]), max(bottom, self.box[3])
        margin = max(1, (bottom - top) // 10)
        return left - margin, top - margin, right + margin, bottom + margin


def languages_for(terms: Iterable[str]) -> tuple[str, ...]:
    """English, and each offered language whose letters one of `terms` uses."""
    letters = set("".join(terms))
    wanted = [code for code, own in _LETTERS.items() if letters & own]
    if any(ord(letter) in _ARABIC_SCRIPT for letter in letters):
        wanted.append("urd")
    return (*LANGUAGES, *wanted)


Region = tuple[int, int, int, int]  # left, top, right, bottom, in pixels of a rendering


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


def read_soon(picture: Image.Image, languages: Sequence[str] = LANGUAGES) -> Future[list[Word]]:
    """read_words on a thread of the shared pool, one Tesseract a core: a page is drawn
    while the one before it is read."""
    return _pool().submit(read_words, picture, tuple(languages))


def wait_for_room(pending: Iterable[Future[list[Word]]]) -> None:
    """Wait until fewer than two pictures a core are being read or waiting, so a long
    record's pictures do not pile up in memory."""
    unfinished = [future for future in pending if not future.done()]
    while len(unfinished) >= 2 * _workers():
        wait(unfinished, return_when=FIRST_COMPLETED)
        unfinished = [future for future in unfinished if not future.done()]


def _workers() -> int:
    return max(os.cpu_count() or 1, 1)


@functools.cache
def _pool() -> ThreadPoolExecutor:
    return ThreadPoolExecutor(max_workers=_workers(), thread_name_prefix="ocr")


def read_words(picture: Image.Image, languages: Sequence[str] = LANGUAGES) -> list[Word]:
    """The words Tesseract reads in `picture`, in reading order. The same picture read
    again with the same languages is answered from memory."""
    grey = picture.convert("L")
    digest = hashlib.blake2b(grey.tobytes(), digest_size=16)
    digest.update(repr((grey.size, tuple(languages))).encode())
    key = digest.digest()
    with _CACHE_LOCK:
        if key in _CACHE:
            _CACHE.move_to_end(key)
            return _CACHE[key]
    words = _tesseract(grey, _installed(tuple(languages)))
    with _CACHE_LOCK:
        _CACHE[key] = words
        while len(_CACHE) > _CACHED_PICTURES:
            _CACHE.popitem(last=False)
    return words


_CACHE: OrderedDict[bytes, list[Word]] = OrderedDict()
_CACHE_LOCK = threading.Lock()


def forget_readings() -> None:
    """Drop every remembered reading (a bench times OCR afresh)."""
    with _CACHE_LOCK:
        _CACHE.clear()


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


def _touch(box: Region, other: Region) -> bool:
    return box[0] < other[2] and other[0] < box[2] and box[1] < other[3] and other[1] < box[3]


def _gap(letter: str) -> Char:
    return Char(letter, _NO_BOX, _NO_BOX, True)


_NO_BOX = Rect(0.0, 0.0, 0.0, 0.0)


def _program() -> str:
    found = shutil.which("tesseract")
    if found is None:
        raise OcrUnavailable("Tesseract is not installed (Debian's tesseract-ocr package)")
    return found


@functools.cache
def _languages_installed() -> frozenset[str]:
    listed = subprocess.run(  # noqa: S603 - a fixed program and arguments
        [_program(), "--list-langs"], capture_output=True, text=True, check=False, timeout=30
    )
    return frozenset(line.strip() for line in listed.stdout.splitlines()[1:] if line.strip())


def _installed(languages: tuple[str, ...]) -> tuple[str, ...]:
    """The `languages` whose data is installed; English must be."""
    installed = _languages_installed()
    missing = [code for code in LANGUAGES if code not in installed]
    if missing:
        raise OcrUnavailable(f"Tesseract has no data for {', '.join(missing)}")
    return tuple(code for code in languages if code in installed)


def _tesseract(grey: Image.Image, languages: tuple[str, ...]) -> list[Word]:
    picture = io.BytesIO()
    grey.save(picture, "PPM")  # as PGM: Tesseract reads it from a pipe at no cost
    command = [
        _program(),
        "stdin",
        "stdout",
        "-l",
        "+".join(languages),
        "--dpi",
        str(OCR_DPI),
        "-c",
        "tessedit_do_invert=0",  # a second pass for white-on-black lines: slow, rarely of use
        "tsv",
    ]
    try:
        run = subprocess.run(  # noqa: S603 - a fixed program; the picture goes on stdin
            command,
            input=picture.getvalue(),
            capture_output=True,
            check=False,
            timeout=SECONDS_A_PICTURE,
            env={**os.environ, "OMP_THREAD_LIMIT": "1"},
        )
    except FileNotFoundError:
        raise OcrUnavailable("Tesseract is not installed") from None
    except subprocess.TimeoutExpired:
        raise RedactionError("OCR of a page took too long") from None
    if run.returncode != 0:
        message = run.stderr.decode(errors="replace").strip()[-300:]
        raise RedactionError(f"Tesseract could not read a page ({message})")
    return _parse_tsv(run.stdout.decode("utf-8", errors="replace"))


def _parse_tsv(tsv: str) -> list[Word]:
    """Tesseract's TSV: a row for each page, block, paragraph, line (level 4) and word
    (level 5), each with its box; a line's row comes before its words."""
    words: list[Word] = []
    lines: dict[tuple[int, int, int], tuple[int, int, int, int]] = {}
    for row in tsv.splitlines()[1:]:
        cells = row.split("\t")
        if len(cells) < 12 or cells[0] not in ("4", "5"):
            continue
        number = (int(cells[2]), int(cells[3]), int(cells[4]))
        left, top, width, height = (int(cell) for cell in cells[6:10])
        box = (left, top, left + width, top + height)
        if cells[0] == "4":
            lines[number] = box
            continue
        text = cells[11].strip()
        if text:
            words.append(Word(text, box, lines.get(number, box), number))
    return words
