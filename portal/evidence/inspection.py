"""Checks on identity evidence uploads: type from content, size limits, cleaning, refusal.

A resident may send up to ``MAX_FILES`` files of up to ``MAX_BYTES`` each: PDF, JPEG or PNG.
The type comes from the first bytes of the file; the name and the browser's content type
are never trusted. Images are decoded and encoded again, so what is kept holds pixels and
nothing else (no EXIF with GPS positions, no text chunks, no colour profile, no comment).
PDFs are kept as received, but only after pikepdf finds no scripts, embedded files or
other active content in them.

This module is the front door: it checks what every upload needs (size, type, name) and
hands images to ``images`` and PDFs to ``pdfs``. No Flask: ``inspect_upload`` returns a
``CleanFile`` or raises ``EvidenceRejected``, whose ``reason`` the web layer turns into a
message.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field

from portal.evidence.images import MAX_PIXELS, reencode_image
from portal.evidence.pdfs import MAX_PDF_DECODED_BYTES, inspect_pdf
from portal.evidence.rejections import EvidenceRejected, RejectionReason

__all__ = [
    "EXTENSIONS",
    "JPEG",
    "MAX_BYTES",
    "MAX_FILES",
    "MAX_NAME_LENGTH",
    "MAX_PDF_DECODED_BYTES",
    "MAX_PIXELS",
    "PDF",
    "PNG",
    "CleanFile",
    "EvidenceRejected",
    "RejectionReason",
    "clean_file_name",
    "detect_media_type",
    "inspect_upload",
]

MAX_BYTES = 10 * 1024 * 1024
MAX_FILES = 5
MAX_NAME_LENGTH = 120

PDF = "application/pdf"
JPEG = "image/jpeg"
PNG = "image/png"
EXTENSIONS = {PDF: ".pdf", JPEG: ".jpg", PNG: ".png"}

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
JPEG_SIGNATURE = b"\xff\xd8\xff"
PDF_HEADER = b"%PDF-"
# ISO 32000 puts the header at the start; readers accept it within the first 1024 bytes.
PDF_HEADER_WINDOW = 1024


@dataclass(frozen=True)
class CleanFile:
    """An accepted upload: the bytes to keep, their type, and a name safe to display."""

    content: bytes = field(repr=False)
    media_type: str
    extension: str  # with the dot, as Path.suffix: ".pdf", ".jpg", ".png"
    original_name: str


def inspect_upload(data: bytes, original_name: str) -> CleanFile:
    """Check one uploaded file and return what may be kept, or raise ``EvidenceRejected``.

    Length is checked before any parsing. The type comes from the content alone; images
    come back re-encoded without metadata, PDFs come back as received.
    """
    if not data:
        raise EvidenceRejected(RejectionReason.EMPTY)
    if len(data) > MAX_BYTES:
        raise EvidenceRejected(RejectionReason.TOO_LARGE, f"{len(data)} bytes")
    media_type = detect_media_type(data)
    if media_type is None:
        raise EvidenceRejected(RejectionReason.WRONG_TYPE, f"starts with {data[:8]!r}")
    if media_type == PDF:
        inspect_pdf(data)
        content = data
    else:
        content = reencode_image(data, "JPEG" if media_type == JPEG else "PNG")
    extension = EXTENSIONS[media_type]
    return CleanFile(
        content=content,
        media_type=media_type,
        extension=extension,
        original_name=clean_file_name(original_name, fallback=f"evidence{extension}"),
    )


def detect_media_type(data: bytes) -> str | None:
    """PDF, JPEG or PNG from the leading bytes, or None. Images are tested first: they are
    re-encoded, so a JPEG that also holds a PDF header keeps only its pixels."""
    if data.startswith(JPEG_SIGNATURE):
        return JPEG
    if data.startswith(PNG_SIGNATURE):
        return PNG
    if data.find(PDF_HEADER, 0, PDF_HEADER_WINDOW) >= 0:
        return PDF
    return None


# Invisible and control characters, including the right-to-left override that makes
# "photo\u202egpj.exe" display as "photoexe.jpg"; line and paragraph separators; private use.
_UNSAFE_NAME_CATEGORIES = frozenset({"Cc", "Cf", "Cs", "Co", "Cn", "Zl", "Zp"})


def clean_file_name(name: str, *, fallback: str) -> str:
    """The name a resident gave, safe to show to staff: its last path component, without
    control or bidirectional-override characters, at most MAX_NAME_LENGTH characters
    (keeping a short extension), and never empty (``fallback`` then)."""
    base = re.split(r"[/\\]", name)[-1]
    base = unicodedata.normalize("NFC", base)
    kept = "".join(ch for ch in base if unicodedata.category(ch) not in _UNSAFE_NAME_CATEGORIES)
    kept = " ".join(kept.split()).strip(". ")
    if len(kept) > MAX_NAME_LENGTH:
        stem, dot, suffix = kept.rpartition(".")
        if dot and stem and len(suffix) <= 10:
            stem = stem[: MAX_NAME_LENGTH - len(suffix) - 1].rstrip(". ")
            kept = f"{stem}.{suffix}"
        else:
            kept = kept[:MAX_NAME_LENGTH].rstrip(". ")
    return kept or fallback
