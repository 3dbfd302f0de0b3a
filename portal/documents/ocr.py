"""Reading the words drawn as pixels on a page (a scan, a photo, a picture of a letter) with
Tesseract, Debian's tesseract-ocr, so a term is found there as in the text layer and a
released scan keeps its words selectable.

Tesseract runs as a program, one for each picture, given the picture on its standard input
and giving its words, with their boxes, as TSV on its output: no picture of a record is
written to disk. It runs single-threaded (OMP_THREAD_LIMIT=1): its own threads spin and
slow a busy machine many times over, and two programs side by side use two cores better.

A reading is remembered (by the picture's pixels), so the release of a record just
searched does not read its pages again. A reading made earlier (the worker reads a record's
pictures when it is uploaded, upload_reading.py) is handed in as `known`, by picture_key:
the picture's own pixels and the languages read, so a reading is only ever used for the
very picture it was made from. Which parts of a page are read, and what becomes of the
words, is pictured_words.py's business.
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
from collections.abc import Iterable, Mapping, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from dataclasses import dataclass

from PIL import Image

from portal.documents.page_reading import RedactionError

__all__ = [
    "LANGUAGES",
    "OCR_DPI",
    "OcrUnavailable",
    "PixelBox",
    "Readings",
    "Word",
    "forget_readings",
    "languages_for",
    "picture_key",
    "read_soon",
    "read_words",
    "wait_for_room",
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


class OcrUnavailable(RedactionError):
    """Tesseract (or its English data) is not installed: words drawn as pixels cannot be
    read, so a search or release that needs them is refused rather than done blind."""


PixelBox = tuple[int, int, int, int]  # left, top, right, bottom, in pixels of a picture


@dataclass(frozen=True)
class Word:
    """One word Tesseract read: its text, its box and its line's box, in pixels of the
    picture (left, top, right, bottom), and the line it belongs to."""

    text: str
    box: PixelBox
    line_box: PixelBox
    line: tuple[int, int, int]  # block, paragraph and line numbers

    def padded(self) -> PixelBox:
        """The word's box as tall as its line, with a margin a tenth of the line's height,
        so a redaction over it leaves no edge of a letter."""
        left, _, right, _ = self.box
        _, top, _, bottom = self.line_box
        top, bottom = min(top, self.box[1]), max(bottom, self.box[3])
        margin = max(1, (bottom - top) // 10)
        return left - margin, top - margin, right + margin, bottom + margin


Readings = Mapping[str, Sequence[Word]]  # the words read in pictures, by picture_key


def languages_for(terms: Iterable[str]) -> tuple[str, ...]:
    """English, and each offered language whose letters one of `terms` uses."""
    letters = set("".join(terms))
    wanted = [code for code, own in _LETTERS.items() if letters & own]
    if any(ord(letter) in _ARABIC_SCRIPT for letter in letters):
        wanted.append("urd")
    return (*LANGUAGES, *wanted)


def read_soon(
    picture: Image.Image, languages: Sequence[str] = LANGUAGES, known: Readings | None = None
) -> Future[list[Word]]:
    """read_words on a thread of the shared pool, one Tesseract a core: a page is drawn
    while the one before it is read."""
    return _pool().submit(read_words, picture, tuple(languages), known)


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


def picture_key(picture: Image.Image, languages: Sequence[str] = LANGUAGES) -> str:
    """What a reading of `picture` in `languages` is known by: a digest of its grey pixels,
    its size and the languages. Another picture, or the same read in other languages, has
    another key."""
    grey = picture.convert("L")
    digest = hashlib.blake2b(grey.tobytes(), digest_size=16)
    digest.update(repr((grey.size, tuple(languages))).encode())
    return digest.hexdigest()


def read_words(
    picture: Image.Image, languages: Sequence[str] = LANGUAGES, known: Readings | None = None
) -> list[Word]:
    """The words Tesseract reads in `picture`, in reading order. A picture `known` (read
    at upload) or read before with the same languages is answered without Tesseract."""
    grey = picture.convert("L")
    key = picture_key(grey, languages)
    if known is not None and key in known:
        return list(known[key])
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


_CACHE: OrderedDict[str, list[Word]] = OrderedDict()
_CACHE_LOCK = threading.Lock()


def forget_readings() -> None:
    """Drop every remembered reading (a bench times OCR afresh)."""
    with _CACHE_LOCK:
        _CACHE.clear()


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
